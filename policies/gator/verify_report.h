// Printing gator verify results: the go-test style text gator prints, and
// a JSON summary for machines.
#pragma once

#include <string>
#include <vector>

#include "policies/gator/verify.h"

namespace tollgate::policies::gator {

struct Counts {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;
  void add(Status status);
};

struct VerifyTotals {
  Counts suites;
  Counts tests;
  Counts cases;
};

VerifyTotals count_results(const std::vector<SuiteResult>& results);
bool any_failure(const std::vector<SuiteResult>& results);

// gator's PrinterGo output: "    --- FAIL: <case>\t(0.001s)" + indented
// error, "--- FAIL: <test>\t(...)", per suite "ok\t<path>\t0.012s" or
// "FAIL\t<path>\t...", skipped suites "skip\t<path>\t(<reason>)", then
// "PASS" or "FAIL". Verbose adds "=== RUN", "=== SKIP" and "--- PASS" lines.
std::string format_verify_text(const std::vector<SuiteResult>& results, bool verbose);

// {"suites":{passed,failed,skipped},"tests":{...},"cases":{...},
//  "results":[{path,status,...,"tests":[{name,status,...,"cases":[...]}]}]}
std::string format_verify_json(const std::vector<SuiteResult>& results);

}  // namespace tollgate::policies::gator
