// Runs OPA's own Rego conformance cases (../shared/testdata/opa-cases-json,
// v1, and the YAML subset in opa-cases-yaml, v0 and v1) against the Rego
// engine and reports pass counts per category and overall.
//
// Every failing case must be listed in tests/conformance/opa_known_failures.txt
// (`<case id>  # reason`; a new failure is a regression and fails the test);
// listed cases that pass are reported so the list can shrink. Categories
// listed in opa_skipped_categories.txt (network, keys, wall clock) are not
// run. Each case runs in a forked child with a time and memory limit.
//
// Knobs (environment):
//   TOLLGATE_OPA_CASES_FILTER=<text>       run only cases whose id contains <text>
//   TOLLGATE_OPA_CASES_VERBOSE=1           print every failure with its details
//   TOLLGATE_OPA_CASES_IN_PROCESS=1        no fork (for a debugger)
//   TOLLGATE_OPA_CASES_WRITE_KNOWN=<file>  write the current failures in the
//                                          known-failures format (reasons of
//                                          listed cases kept)
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/conformance/known_failures.h"
#include "tests/conformance/opa_case.h"
#include "tests/conformance/opa_case_run.h"
#include "tests/conformance/opa_isolated_run.h"

namespace {

using tollgate::conformance::LoadedCases;
using tollgate::conformance::OpaCase;
using tollgate::conformance::OpaOutcome;
using tollgate::value::Value;

constexpr unsigned kCaseTimeoutSeconds = 10;
constexpr size_t kCaseMemoryLimit = size_t{2} << 30;

const std::string kKnownFailuresFile = "tests/conformance/opa_known_failures.txt";
const std::string kSkippedCategoriesFile = "tests/conformance/opa_skipped_categories.txt";

std::string source_file(const std::string& relative) { return std::string(TOLLGATE_SOURCE_DIR) + "/" + relative; }

std::string env_or(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : fallback;
}

LoadedCases load_all_cases() {
  using tollgate::conformance::OpaCaseSource;
  using tollgate::rego::RegoVersion;
  const std::string shared = std::string(TOLLGATE_SHARED_DIR) + "/testdata";
  LoadedCases loaded;
  const OpaCaseSource json{shared + "/opa-cases-json", "json", false};
  tollgate::conformance::load_opa_cases(json, "v1", RegoVersion::V1, loaded);
  const OpaCaseSource yaml{shared + "/opa-cases-yaml", "yaml", true};
  tollgate::conformance::load_opa_cases(yaml, "v0", RegoVersion::V0, loaded);
  tollgate::conformance::load_opa_cases(yaml, "v1", RegoVersion::V1, loaded);
  return loaded;
}

// An outcome through the child's pipe: kind letter, summary, NUL, details.
std::string encode(const OpaOutcome& o) {
  const char kind = o.kind == OpaOutcome::Kind::Passed ? 'P' : o.kind == OpaOutcome::Kind::Failed ? 'F' : 'S';
  return std::string(1, kind) + o.summary + std::string(1, '\0') + o.why;
}

OpaOutcome decode(const std::string& s) {
  const size_t nul = s.find('\0');
  const std::string summary = s.substr(1, nul == std::string::npos ? std::string::npos : nul - 1);
  const std::string why = nul == std::string::npos ? "" : s.substr(nul + 1);
  switch (s[0]) {
    case 'P': return OpaOutcome::passed();
    case 'S': return OpaOutcome::skipped(why);
    default: return OpaOutcome::failed(summary, why);
  }
}

OpaOutcome run_guarded(const OpaCase& c) {
  try {
    return tollgate::conformance::run_opa_case(c);
  } catch (const std::exception& e) {
    return OpaOutcome::failed(std::string("exception: ") + tollgate::conformance::first_line(e.what(), 100),
                              std::string("exception: ") + e.what());
  } catch (...) {
    return OpaOutcome::failed("exception", "unknown exception");
  }
}

OpaOutcome run_case(const OpaCase& c, bool isolate) {
  if (!isolate || !c.skip_reason.empty()) return run_guarded(c);
  auto r = tollgate::conformance::run_isolated([&] { return encode(run_guarded(c)); }, kCaseTimeoutSeconds,
                                               kCaseMemoryLimit);
  if (!r.output) return OpaOutcome::failed(r.death, r.death);
  return decode(*r.output);
}

struct Tally {
  size_t total = 0, passed = 0, skipped = 0, known_failed = 0;
};

struct Failure {
  std::string id;
  OpaOutcome outcome;
};

using tollgate::conformance::percent;

void write_known_failures(const std::string& path, const std::vector<Failure>& failures,
                          const std::map<std::string, std::string>& known) {
  std::map<std::string, std::string> lines;
  for (const auto& f : failures) {
    auto it = known.find(f.id);
    lines[f.id] = it != known.end() && !it->second.empty() ? it->second
                                                           : tollgate::conformance::first_line(f.outcome.summary, 200);
  }
  tollgate::conformance::save_known_failures(
      path,
      "# OPA conformance cases that Tollgate's Rego engine does not pass, with the reason.\n"
      "# Format: <case id>  # reason   (the id is `<source>/<file>: <note>`, as the runner prints it)\n"
      "# The runner fails when a case fails without being listed here, and reports\n"
      "# listed cases that pass (remove their lines).\n",
      lines);
}

}  // namespace

TEST_CASE("OPA Rego conformance cases", "[opa-cases][conformance]") {
  const auto started = std::chrono::steady_clock::now();
  const LoadedCases loaded = load_all_cases();
  {
    std::string listing;
    for (const auto& e : loaded.errors) listing += "\n  " + e;
    INFO("unreadable case files:" << listing);
    REQUIRE(loaded.errors.empty());
  }
  const auto known = tollgate::conformance::load_known_failures(source_file(kKnownFailuresFile));
  const auto skipped_categories = tollgate::conformance::load_known_failures(source_file(kSkippedCategoriesFile));
  for (const auto& [key, reason] : known) {
    INFO("known failure without a reason: " << key);
    CHECK(!reason.empty());
  }
  for (const auto& [category, reason] : skipped_categories) {
    INFO("skipped category without a reason: " << category);
    CHECK(!reason.empty());
  }

  const std::string filter = env_or("TOLLGATE_OPA_CASES_FILTER");
  const bool verbose = !env_or("TOLLGATE_OPA_CASES_VERBOSE").empty();
  const bool isolate = env_or("TOLLGATE_OPA_CASES_IN_PROCESS").empty();

  std::map<std::string, Tally> tallies;
  std::map<std::string, size_t> skipped_category_cases;
  std::set<std::string> seen_ids, seen_categories;
  std::vector<Failure> failures;       // all failures, listed or not
  std::vector<std::string> unexpected;  // failures not listed
  std::vector<std::string> now_passing;
  std::map<std::string, size_t> skip_reasons;
  for (const OpaCase& c : loaded.cases) {
    seen_categories.insert(c.category);
    if (!filter.empty() && c.id.find(filter) == std::string::npos) continue;
    seen_ids.insert(c.id);
    if (skipped_categories.count(c.category)) {
      ++skipped_category_cases[c.category];
      continue;
    }
    Tally& t = tallies[c.category];
    ++t.total;
    const OpaOutcome outcome = run_case(c, isolate);
    const bool listed = known.count(c.id) > 0;
    switch (outcome.kind) {
      case OpaOutcome::Kind::Passed:
        ++t.passed;
        if (listed) now_passing.push_back(c.id);
        break;
      case OpaOutcome::Kind::Skipped:
        ++t.skipped;
        ++skip_reasons[outcome.why];
        break;
      case OpaOutcome::Kind::Failed:
        failures.push_back({c.id, outcome});
        if (verbose) std::cout << "  FAIL " << c.id << "\n    " << outcome.why << "\n";
        if (listed) {
          ++t.known_failed;
        } else {
          unexpected.push_back(c.id + ": " + tollgate::conformance::first_line(outcome.why, 300));
        }
        break;
    }
  }

  Tally all;
  for (const auto& [category, t] : tallies) {
    std::cout << "opa-cases " << category << ": " << t.passed << "/" << t.total << " passed";
    if (t.skipped != 0 || t.known_failed != 0)
      std::cout << " (" << t.skipped << " skipped, " << t.known_failed << " known failures)";
    std::cout << "\n";
    all.total += t.total;
    all.passed += t.passed;
    all.skipped += t.skipped;
    all.known_failed += t.known_failed;
  }
  size_t in_skipped_categories = 0;
  for (const auto& [category, n] : skipped_category_cases) {
    std::cout << "opa-cases " << category << ": skipped, " << n << " cases not run ("
              << skipped_categories.at(category) << ")\n";
    in_skipped_categories += n;
  }
  for (const auto& [reason, n] : skip_reasons) std::cout << "opa-cases skipped " << n << " cases: " << reason << "\n";

  // The reasons most failures share, so they can be routed to whoever owns them.
  std::map<std::string, std::pair<size_t, std::string>> by_reason;  // summary -> count, an example id
  for (const auto& f : failures) {
    auto& entry = by_reason[f.outcome.summary];
    if (entry.first++ == 0) entry.second = f.id;
  }
  std::vector<std::pair<std::string, std::pair<size_t, std::string>>> reasons(by_reason.begin(), by_reason.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  if (!reasons.empty()) std::cout << "opa-cases top failure reasons:\n";
  for (size_t i = 0; i < reasons.size() && i < 30; ++i)
    std::cout << "  " << reasons[i].second.first << "x " << reasons[i].first << "  (e.g. " << reasons[i].second.second
              << ")\n";

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "opa-cases total: " << all.passed << "/" << all.total << " passed (" << percent(all.passed, all.total)
            << "; " << percent(all.passed, all.total - all.skipped) << " of the cases run), " << all.skipped
            << " skipped, " << all.known_failed << " known failures, " << failures.size() - all.known_failed
            << " new failures; " << in_skipped_categories << " more cases in skipped categories; "
            << static_cast<int>(seconds) << " s\n";

  if (const std::string path = env_or("TOLLGATE_OPA_CASES_WRITE_KNOWN"); !path.empty()) {
    write_known_failures(path, failures, known);
    std::cout << "opa-cases: wrote " << failures.size() << " failures to " << path << "\n";
  }

  // A listed case that passes hides nothing any more: report it so the list
  // shrinks (a warning, not a failure: fixes should never break the build).
  for (const auto& id : now_passing) std::cout << "opa-cases now passes: " << id << "\n";
  if (!now_passing.empty())
    WARN(now_passing.size() << " listed known failures now pass: remove their lines (`opa-cases now passes:` above)");
  if (filter.empty()) {
    size_t stale = 0;
    for (const auto& [id, reason] : known)
      if (!seen_ids.count(id)) {
        std::cout << "opa-cases " << kKnownFailuresFile << " names no case: " << id << "\n";
        ++stale;
      }
    for (const auto& [category, reason] : skipped_categories)
      if (!seen_categories.count(category)) {
        std::cout << "opa-cases " << kSkippedCategoriesFile << " names no category: " << category << "\n";
        ++stale;
      }
    if (stale != 0) WARN(stale << " lines of the known-failures or skipped-categories file name nothing (see above)");
  }

  const std::string listing = tollgate::conformance::first_lines(unexpected, 100, "TOLLGATE_OPA_CASES_VERBOSE");
  INFO(unexpected.size() << " failures not listed in " << kKnownFailuresFile << ":" << listing);
  CHECK(unexpected.empty());
}

TEST_CASE("OPA case results compare the way OPA's runner compares them", "[opa-cases]") {
  using tollgate::conformance::got_rows;
  using tollgate::conformance::wanted_rows;
  const Value want = tollgate::value::parse_json_or_throw(R"([{"x": [1, 2]}, {"x": [3]}])");

  SECTION("rows are a set: order and duplicates do not matter") {
    std::vector<std::map<std::string, Value>> rows = {
        {{"x", tollgate::value::parse_json_or_throw("[3]")}},
        {{"x", tollgate::value::parse_json_or_throw("[1, 2]")}},
        {{"x", tollgate::value::parse_json_or_throw("[3]")}},
    };
    CHECK(wanted_rows(want) == got_rows(rows, false, false));
  }
  SECTION("numbers compare by value") {
    std::vector<std::map<std::string, Value>> rows = {
        {{"x", Value::array({Value::number(1.0), Value::integer(2)})}},
        {{"x", Value::array({Value::integer(3)})}},
    };
    CHECK(wanted_rows(want) == got_rows(rows, false, false));
  }
  SECTION("array order matters unless sort_bindings; sets compare as sorted arrays") {
    std::vector<std::map<std::string, Value>> rows = {
        {{"x", Value::array({Value::integer(2), Value::integer(1)})}},
        {{"x", Value::set({Value::integer(3)})}},
    };
    CHECK(wanted_rows(want) != got_rows(rows, false, false));
    CHECK(wanted_rows(want) == got_rows(rows, true, false));
  }
  SECTION("non-string object keys compare as their JSON text") {
    std::vector<std::map<std::string, Value>> rows = {
        {{"y", Value::object({{Value::integer(1), Value::string("a")}, {Value::array({Value::integer(2)}), Value::null()}})}},
    };
    CHECK(wanted_rows(tollgate::value::parse_json_or_throw(R"([{"y": {"1": "a", "[2]": null}}])")) ==
          got_rows(rows, false, false));
  }
  SECTION("generated variables are dropped only when the case says so") {
    std::vector<std::map<std::string, Value>> rows = {
        {{"x", Value::integer(1)}, {"__localq0__", Value::integer(2)}},
    };
    const Value only_x = wanted_rows(tollgate::value::parse_json_or_throw(R"([{"x": 1}])"));
    CHECK(only_x != got_rows(rows, false, false));
    CHECK(only_x == got_rows(rows, false, true));
  }
}

TEST_CASE("OPA case files load completely", "[opa-cases]") {
  const LoadedCases loaded = load_all_cases();
  CHECK(loaded.errors.empty());
  size_t json = 0, yaml = 0;
  std::set<std::string> ids;
  for (const auto& c : loaded.cases) {
    (c.file.rfind("json/", 0) == 0 ? json : yaml) += 1;
    ids.insert(c.id);
  }
  // The counts their PROVENANCE.md files give.
  CHECK(json == 2075);
  CHECK(yaml == 51);
  CHECK(ids.size() == loaded.cases.size());
}
