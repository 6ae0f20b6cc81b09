#include "policies/gator/verify_report.h"

#include <nlohmann/json.hpp>

#include "policies/gator/go_format.h"

namespace tollgate::policies::gator {
namespace {

using ordered_json = nlohmann::ordered_json;

// go-test prints multi-line errors with every line indented alike.
std::string indented(const std::string& text, const std::string& indent) {
  std::string out = indent;
  for (char ch : text) {
    out.push_back(ch);
    if (ch == '\n') out += indent;
  }
  return out;
}

void print_case(std::string& out, const CaseResult& c, bool verbose) {
  if (c.status == Status::Skipped) {
    if (verbose) out += "    === SKIP  " + c.name + "\n";
    return;
  }
  if (verbose) out += "    === RUN   " + c.name + "\n";
  if (c.status == Status::Failed) {
    out += "    --- FAIL: " + c.name + "\t(" + go_seconds(c.seconds) + ")\n" + indented(c.error, "        ") + "\n";
  } else if (verbose) {
    out += "    --- PASS: " + c.name + "\t(" + go_seconds(c.seconds) + ")\n";
  }
}

void print_test(std::string& out, const TestResult& t, Status suite_status, bool verbose) {
  if (t.status == Status::Skipped) {
    if (verbose) {
      out += "=== SKIP  " + t.name + "\n";
      if (t.unsupported) out += indented(t.skip_reason, "    ") + "\n";
    } else if (t.unsupported && suite_status != Status::Skipped) {
      // A suite that ran must not look fully green when part of it could not run.
      out += "--- SKIP: " + t.name + "\t(" + t.skip_reason + ")\n";
    }
    return;
  }
  if (verbose) out += "=== RUN   " + t.name + "\n";
  for (const CaseResult& c : t.cases) print_case(out, c, verbose);
  if (t.status == Status::Failed) {
    out += "--- FAIL: " + t.name + "\t(" + go_seconds(t.seconds) + ")\n";
    if (!t.error.empty()) out += indented(t.error, "  ") + "\n";
  } else if (verbose) {
    out += "--- PASS: " + t.name + "\t(" + go_seconds(t.seconds) + ")\n";
  }
}

ordered_json counts_json(const Counts& c) {
  return ordered_json{{"passed", c.passed}, {"failed", c.failed}, {"skipped", c.skipped}};
}

void add_outcome(ordered_json& j, Status status, const std::string& error, const std::string& reason, double seconds) {
  j["status"] = status_name(status);
  j["duration_seconds"] = seconds;
  if (!error.empty()) j["error"] = error;
  if (!reason.empty()) j["reason"] = reason;
}

}  // namespace

void Counts::add(Status status) {
  switch (status) {
    case Status::Passed: ++passed; break;
    case Status::Failed: ++failed; break;
    case Status::Skipped: ++skipped; break;
  }
}

VerifyTotals count_results(const std::vector<SuiteResult>& results) {
  VerifyTotals totals;
  for (const SuiteResult& s : results) {
    totals.suites.add(s.status);
    for (const TestResult& t : s.tests) {
      totals.tests.add(t.status);
      for (const CaseResult& c : t.cases) totals.cases.add(c.status);
    }
  }
  return totals;
}

bool any_failure(const std::vector<SuiteResult>& results) {
  for (const SuiteResult& s : results) {
    if (s.status == Status::Failed) return true;
  }
  return false;
}

std::string format_verify_text(const std::vector<SuiteResult>& results, bool verbose) {
  std::string out;
  for (const SuiteResult& s : results) {
    for (const TestResult& t : s.tests) print_test(out, t, s.status, verbose);
    switch (s.status) {
      case Status::Failed:
        out += "FAIL\t" + s.path + "\t" + go_seconds(s.seconds) + "\n";
        if (!s.error.empty()) out += indented(s.error, "  ") + "\n";
        break;
      case Status::Skipped:
        out += "skip\t" + s.path + "\t(" + s.skip_reason + ")\n";
        break;
      case Status::Passed:
        out += "ok\t" + s.path + "\t" + go_seconds(s.seconds) + "\n";
        break;
    }
  }
  out += any_failure(results) ? "FAIL\n" : "PASS\n";
  return out;
}

std::string format_verify_json(const std::vector<SuiteResult>& results) {
  VerifyTotals totals = count_results(results);
  ordered_json suites = ordered_json::array();
  for (const SuiteResult& s : results) {
    ordered_json suite{{"path", s.path}};
    add_outcome(suite, s.status, s.error, s.skip_reason, s.seconds);
    ordered_json tests = ordered_json::array();
    for (const TestResult& t : s.tests) {
      ordered_json test{{"name", t.name}};
      add_outcome(test, t.status, t.error, t.skip_reason, t.seconds);
      ordered_json cases = ordered_json::array();
      for (const CaseResult& c : t.cases) {
        ordered_json one{{"name", c.name}};
        add_outcome(one, c.status, c.error, c.skip_reason, c.seconds);
        cases.push_back(std::move(one));
      }
      test["cases"] = std::move(cases);
      tests.push_back(std::move(test));
    }
    suite["tests"] = std::move(tests);
    suites.push_back(std::move(suite));
  }
  ordered_json summary{{"suites", counts_json(totals.suites)},
                       {"tests", counts_json(totals.tests)},
                       {"cases", counts_json(totals.cases)},
                       {"results", std::move(suites)}};
  return summary.dump(2) + "\n";
}

}  // namespace tollgate::policies::gator
