// `tollgate test` against policies that would never answer or would build
// gigabytes: each is stopped quickly by its budget and reported as a
// violation (never as a pass), and --max-eval-time sets the time budget.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <string>

#include "cli/command_test_support.h"
#include "rules/value/eval_budget.h"
#include "tests/sanitizer_build.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

namespace {

const std::string kFixtures = std::string(TOLLGATE_SOURCE_DIR) + "/tests/fixtures/budget/";

struct Timed {
  Run run;
  double seconds;      // wall clock
  double cpu_seconds;  // what the command itself took, whatever else the machine runs
};

Timed timed_test(const std::string& policy, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"test", "-f", kFixtures + "pod.yaml", "--policies", kFixtures + policy};
  args.insert(args.end(), extra.begin(), extra.end());
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  Run r = run(args);
  return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC};
}

// Flags set process-wide defaults: put them back for the next test.
struct RestoreLimits {
  tollgate::value::EvalLimits saved = tollgate::value::default_eval_limits();
  ~RestoreLimits() { tollgate::value::default_eval_limits() = saved; }
};

// Reviews the Pod against one fixture: it must fail with `expected` in the
// report after well under a second of CPU.
Timed check_stopped(const std::string& fixture, const std::string& expected, std::vector<std::string> extra = {}) {
  Timed t = timed_test(fixture, std::move(extra));
  INFO(t.run.out << t.run.err);
  CHECK(t.run.code == 1);
  CHECK(t.run.out.find(expected) != std::string::npos);
  CHECK(t.cpu_seconds < 1.5 * tollgate::kSanitizerTimeScale);
  return t;
}

}  // namespace

TEST_CASE("tollgate test: a Rego loop over 3000 cubed elements is a violation within about a second", "[cli][budget]") {
  RestoreLimits restore;
  check_stopped("slow_loop.yaml", "eval_cancel_error: evaluation exceeded its ");
}

TEST_CASE("tollgate test --max-eval-time sets the time budget of each evaluation", "[cli][budget]") {
  RestoreLimits restore;
  Timed t = check_stopped("slow_loop.yaml", "evaluation exceeded its time budget of 100ms", {"--max-eval-time", "100ms"});
  CHECK(t.seconds < 1.0 * tollgate::kSanitizerTimeScale);
  Run bad = run({"test", "--max-eval-time", "soon"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--max-eval-time: not a duration: \"soon\"") != std::string::npos);
}

TEST_CASE("tollgate test: a Rego comprehension of 10^12 elements is a violation within about a second",
          "[cli][budget]") {
  RestoreLimits restore;
  check_stopped("greedy_comprehension.yaml", "eval_cancel_error: evaluation exceeded its ");
}

TEST_CASE("tollgate test: a list-doubling CEL expression is a violation even under failurePolicy Ignore",
          "[cli][budget]") {
  RestoreLimits restore;
  check_stopped("list_doubling_cel.yaml", "evaluation exceeded its memory budget of 256 MiB");
}
