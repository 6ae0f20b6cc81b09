// Runs the Rego differential corpus (../shared/testdata/rego-differential:
// evaluated.jsonl, modules OPA v1.5.1 evaluated, and rejected.jsonl, modules
// it refused) through the Rego engine and prints how many agree, and the
// disagreements by class (see tests/conformance/rego_differential.h for what
// "agree" means and how a class is chosen).
//
// Every disagreeing case must be listed in
// tests/conformance/rego_differential_known_failures.txt (`<id>  # class`);
// a new one fails the test, listed cases that now agree are reported so the
// list can shrink. Cases run in forked children (a batch per child, a time
// limit per case), so a case that hangs or crashes is a disagreement, not
// the end of the run.
//
// Knobs (environment):
//   TOLLGATE_REGO_DIFF_FILTER=<text>       run only cases whose id contains <text>
//   TOLLGATE_REGO_DIFF_VERBOSE=1           print every disagreement with both answers
//   TOLLGATE_REGO_DIFF_IN_PROCESS=1        no fork (for a debugger)
//   TOLLGATE_REGO_DIFF_WRITE_KNOWN=<file>  write the current disagreements in the
//                                          known-failures format
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/conformance/known_failures.h"
#include "tests/conformance/opa_isolated_run.h"
#include "tests/conformance/rego_differential.h"

namespace {

namespace diff = tollgate::conformance::rego_diff;
using diff::DiffCase;
using diff::Verdict;

constexpr unsigned kCaseTimeoutSeconds = 10;
constexpr size_t kMemoryLimit = size_t{2} << 30;
constexpr size_t kBatch = 200;
const std::string kKnownFailuresFile = "tests/conformance/rego_differential_known_failures.txt";

std::string env_or(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : fallback;
}

std::string corpus_file(const std::string& name) {
  return std::string(TOLLGATE_SHARED_DIR) + "/testdata/rego-differential/" + name;
}

Verdict judge(const DiffCase& c) {
  try {
    return diff::compare(c, diff::evaluate(c.module, c.input, c.query));
  } catch (const std::exception& e) {
    Verdict v;
    v.klass = "runner exception";
    v.details = e.what();
    return v;
  }
}

// One verdict through the pipe: fields separated by \x1f, records by \x1e.
std::string encode(size_t index, const Verdict& v) {
  std::string s = std::to_string(index);
  s += '\x1f';
  s += v.exact ? '1' : '0';
  s += v.by_value ? '1' : '0';
  s += v.message ? '1' : '0';
  s += '\x1f' + v.klass + '\x1f' + v.details + '\x1e';
  return s;
}

bool decode(const std::string& record, size_t* index, Verdict* v) {
  const size_t a = record.find('\x1f');
  const size_t b = a == std::string::npos ? a : record.find('\x1f', a + 1);
  const size_t c = b == std::string::npos ? b : record.find('\x1f', b + 1);
  if (c == std::string::npos || b - a != 4) return false;
  *index = std::stoul(record.substr(0, a));
  v->exact = record[a + 1] == '1';
  v->by_value = record[a + 2] == '1';
  v->message = record[a + 3] == '1';
  v->klass = record.substr(b + 1, c - b - 1);
  v->details = record.substr(c + 1);
  return true;
}

// Judges cases[from, to) in a forked child; returns the verdicts it sent
// (indexed). When the child dies, the case it was on gets a verdict saying
// why and the caller carries on after it.
void judge_batch(const std::vector<const DiffCase*>& cases, size_t from, size_t to, std::vector<Verdict>& out,
                 std::vector<bool>& done) {
  std::cout.flush();
  std::fflush(nullptr);
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    tollgate::conformance::enter_child(kMemoryLimit);
    for (size_t i = from; i < to; ++i) {
      alarm(kCaseTimeoutSeconds);
      tollgate::conformance::write_all(fds[1], encode(i, judge(*cases[i])));
    }
    _exit(0);
  }
  close(fds[1]);
  const std::string buffer = tollgate::conformance::read_all(fds[0]);
  close(fds[0]);
  const int status = tollgate::conformance::wait_child(pid);
  size_t start = 0;
  while (true) {
    const size_t end = buffer.find('\x1e', start);
    if (end == std::string::npos) break;
    size_t index = 0;
    Verdict v;
    if (decode(buffer.substr(start, end - start), &index, &v) && index < out.size()) {
      out[index] = std::move(v);
      done[index] = true;
    }
    start = end + 1;
  }
  if (WIFSIGNALED(status)) {
    for (size_t i = from; i < to; ++i) {
      if (done[i]) continue;
      const int sig = WTERMSIG(status);
      out[i].klass = sig == SIGALRM ? "timed out" : "crashed";
      out[i].details = sig == SIGALRM ? "no answer within " + std::to_string(kCaseTimeoutSeconds) + " s"
                                      : std::string("crashed: ") + strsignal(sig);
      done[i] = true;
      return;  // the rest of the batch is judged again by the caller
    }
  }
}

std::vector<Verdict> judge_all(const std::vector<const DiffCase*>& cases, bool isolate) {
  std::vector<Verdict> out(cases.size());
  if (!isolate) {
    for (size_t i = 0; i < cases.size(); ++i) out[i] = judge(*cases[i]);
    return out;
  }
  std::vector<bool> done(cases.size(), false);
  size_t next = 0;
  while (next < cases.size()) {
    const size_t to = std::min(cases.size(), next + kBatch);
    judge_batch(cases, next, to, out, done);
    while (next < cases.size() && done[next]) ++next;
    if (next < to && !done[next]) {
      // The child ended without a word about this case (it exited early).
      out[next].klass = "no answer";
      out[next].details = "the child process ended before answering";
      done[next] = true;
    }
  }
  return out;
}

using tollgate::conformance::percent;

}  // namespace

TEST_CASE("Rego differential corpus: Tollgate answers as OPA v1.5.1 does", "[rego-differential][conformance]") {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<DiffCase> evaluated = diff::load_cases(corpus_file("evaluated.jsonl"), false);
  const std::vector<DiffCase> rejected = diff::load_cases(corpus_file("rejected.jsonl"), true);
  REQUIRE(evaluated.size() == 3963);
  REQUIRE(rejected.size() == 422);

  const auto known = tollgate::conformance::load_known_failures(std::string(TOLLGATE_SOURCE_DIR) + "/" +
                                                                kKnownFailuresFile);
  const std::string filter = env_or("TOLLGATE_REGO_DIFF_FILTER");
  const bool verbose = !env_or("TOLLGATE_REGO_DIFF_VERBOSE").empty();
  const bool isolate = env_or("TOLLGATE_REGO_DIFF_IN_PROCESS").empty();

  std::vector<const DiffCase*> cases;
  for (const auto* list : {&evaluated, &rejected})
    for (const DiffCase& c : *list)
      if (filter.empty() || c.id.find(filter) != std::string::npos) cases.push_back(&c);
  const std::vector<Verdict> verdicts = judge_all(cases, isolate);

  size_t values = 0, values_exact = 0, values_by_value = 0;
  size_t errors = 0, errors_agree = 0, errors_message = 0;
  size_t refused = 0, refused_agree = 0;
  std::map<std::string, std::pair<size_t, std::string>> classes;  // class -> count, an example id
  std::vector<std::string> unexpected, now_passing;
  std::vector<std::pair<std::string, std::string>> failures;  // id, class
  std::set<std::string> seen;
  for (size_t i = 0; i < cases.size(); ++i) {
    const DiffCase& c = *cases[i];
    const Verdict& v = verdicts[i];
    seen.insert(c.id);
    if (c.rejected) {
      ++refused;
      refused_agree += v.exact;
    } else if (c.opa_error) {
      ++errors;
      errors_agree += v.exact;
      errors_message += v.message;
    } else {
      ++values;
      values_exact += v.exact;
      values_by_value += v.by_value;
    }
    const bool listed = known.count(c.id) > 0;
    if (verbose && v.exact && !v.details.empty()) std::cout << "  MESSAGE " << c.id << "\n    " << v.details << "\n";
    if (v.exact) {
      if (listed) now_passing.push_back(c.id);
      continue;
    }
    auto& entry = classes[(c.rejected ? "rejected: " : "evaluated: ") + v.klass];
    if (entry.first++ == 0) entry.second = c.id;
    failures.emplace_back(c.id, v.klass);
    if (verbose) std::cout << "  DIFFER " << c.id << " [" << v.klass << "]\n    " << v.details << "\n";
    if (!listed) {
      std::string one_line = diff::short_text(v.details, 400);
      std::replace(one_line.begin(), one_line.end(), '\n', ' ');
      unexpected.push_back(c.id + " [" + v.klass + "]: " + one_line);
    }
  }

  const size_t evaluated_total = values + errors;
  std::cout << "rego-differential evaluated: " << values_exact + errors_agree << "/" << evaluated_total
            << " agree exactly (" << percent(values_exact + errors_agree, evaluated_total) << "; numbers by text), "
            << values_by_value + errors_agree << " agree ignoring number text\n"
            << "rego-differential   values: " << values_exact << "/" << values << " exactly, " << values_by_value
            << " ignoring number text\n"
            << "rego-differential   run-time errors: " << errors_agree << "/" << errors << " fail in Tollgate too ("
            << errors_message << " with OPA's message text)\n"
            << "rego-differential rejected: " << refused_agree << "/" << refused << " refused at compile time\n";
  std::vector<std::pair<std::string, std::pair<size_t, std::string>>> sorted(classes.begin(), classes.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  if (!sorted.empty()) std::cout << "rego-differential disagreements by class:\n";
  for (const auto& [klass, entry] : sorted)
    std::cout << "  " << entry.first << "x " << klass << "  (e.g. " << entry.second << ")\n";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "rego-differential: " << failures.size() << " disagreements, "
            << failures.size() - (unexpected.size()) << " listed as known, " << unexpected.size() << " new; "
            << static_cast<int>(seconds) << " s\n";

  if (const std::string path = env_or("TOLLGATE_REGO_DIFF_WRITE_KNOWN"); !path.empty()) {
    std::map<std::string, std::string> lines;
    for (const auto& [id, klass] : failures) {
      auto it = known.find(id);
      lines[id] = it != known.end() && !it->second.empty() && it->second != klass ? it->second : klass;
    }
    tollgate::conformance::save_known_failures(
        path,
        "# Rego differential cases (../shared/testdata/rego-differential) where Tollgate does not\n"
        "# answer as OPA v1.5.1 does, with the class the runner gives them (or a reason).\n"
        "# Format: <case id>  # class   (conformance_tests \"[rego-differential]\" fails on a\n"
        "# disagreement not listed here and reports listed cases that agree now)\n",
        lines);
    std::cout << "rego-differential: wrote " << lines.size() << " disagreements to " << path << "\n";
  }

  for (const auto& id : now_passing) std::cout << "rego-differential now agrees: " << id << "\n";
  if (!now_passing.empty())
    WARN(now_passing.size() << " listed cases agree now: remove their lines from " << kKnownFailuresFile);
  if (filter.empty()) {
    size_t stale = 0;
    for (const auto& [id, reason] : known)
      if (!seen.count(id)) {
        std::cout << "rego-differential " << kKnownFailuresFile << " names no case: " << id << "\n";
        ++stale;
      }
    if (stale != 0) WARN(stale << " lines of " << kKnownFailuresFile << " name no case");
  }

  const std::string listing = tollgate::conformance::first_lines(unexpected, 50, "TOLLGATE_REGO_DIFF_VERBOSE");
  INFO(unexpected.size() << " disagreements not listed in " << kKnownFailuresFile << ":" << listing);
  CHECK(unexpected.empty());
}

TEST_CASE("Rego differential answers compare numbers by their text", "[rego-differential]") {
  using diff::CanonicalJson;
  CHECK(CanonicalJson::of(R"({"b": [1.0, 2.50], "a": "x\u00e9"})") == "{\"a\":\"x\xc3\xa9\",\"b\":[1.0,2.50]}");

  DiffCase c;
  c.module = "package t\nr = 1.0\n";
  c.opa_output = R"({"result": [{"expressions": [{"value": {"r": 1.0}, "text": "data.t", "location": {"row": 1, "col": 1}}]}]})";
  diff::Answer a;
  a.defined = true;
  a.value = tollgate::value::Value::object({{tollgate::value::Value::string("r"), tollgate::value::Value::integer(1)}});
  const Verdict v = diff::compare(c, a);
  CHECK_FALSE(v.exact);
  CHECK(v.by_value);
  CHECK(v.klass == "number text");

  // The corpus prints OPA's non-integer numbers as float64 (1e2 as 100.0):
  // number text that denotes the same float64 agrees, an integer never
  // agrees with a float.
  c.opa_output = R"({"result": [{"expressions": [{"value": {"r": [100.0, 1.5, 1]}, "text": "data.t", "location": {"row": 1, "col": 1}}]}]})";
  a.value = tollgate::value::Value::object(
      {{tollgate::value::Value::string("r"),
        tollgate::value::Value::array({tollgate::value::Value::number_with_text("1e2"),
                                       tollgate::value::Value::number_with_text("1.50"),
                                       tollgate::value::Value::integer(1)})}});
  CHECK(diff::compare(c, a).exact);
  a.value = tollgate::value::Value::object(
      {{tollgate::value::Value::string("r"),
        tollgate::value::Value::array({tollgate::value::Value::integer(100),
                                       tollgate::value::Value::number_with_text("1.50"),
                                       tollgate::value::Value::integer(1)})}});
  CHECK_FALSE(diff::compare(c, a).exact);
  CHECK(diff::number_as_corpus_prints("1.999999999999999778") == "1.9999999999999998");
  CHECK(diff::number_as_corpus_prints("18446744073709551616") == "18446744073709551616");

  c.opa_output = "{}";
  CHECK_FALSE(diff::compare(c, a).by_value);
  a.defined = false;
  a.value = {};
  CHECK(diff::compare(c, a).exact);
}

TEST_CASE("Rego differential disagreements are classed by the first differing rule's feature", "[rego-differential]") {
  DiffCase c;
  c.module = "package t\n\nr1 = 1 {\n\ttrue\n}\n\nr2 {\n\tnot input.x == 1\n}\n";
  c.opa_output = R"({"result": [{"expressions": [{"value": {"r1": 1, "r2": true}, "text": "data.t", "location": {"row": 1, "col": 1}}]}]})";
  diff::Answer a;
  a.defined = true;
  a.value = tollgate::value::Value::object({{tollgate::value::Value::string("r1"), tollgate::value::Value::integer(1)}});
  CHECK(diff::compare(c, a).klass == "rule undefined in Tollgate [not]");
}
