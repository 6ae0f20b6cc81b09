// Evaluation budgets: a query that would run for ever or build gigabytes
// stops quickly with a clear eval_cancel_error, whatever builtins it goes
// through, and ordinary queries do not notice them.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>

#include "rules/rego/eval/eval_test_support.h"
#include "tests/sanitizer_build.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;
using tollgate::value::EvalLimits;
using Clock = std::chrono::steady_clock;

namespace {

// 3000³ combinations, none of which satisfies the body: without a budget
// this never answers.
const char* kCubicLoop = R"(package test
deny contains "never" if {
  a := numbers.range(1, 3000)
  some i, j, k
  a[i] + a[j] + a[k] < 0
})";

struct Timed {
  Outcome outcome;
  double seconds;      // wall clock
  double cpu_seconds;  // what the evaluation itself took, whatever else the machine runs
};

Timed timed_run(const std::vector<std::string>& modules, const std::string& query, const EvalLimits* limits) {
  QueryOptions options;
  options.limits = limits;
  Clock::time_point start = Clock::now();
  std::clock_t cpu_start = std::clock();
  Outcome o = run(modules, query, options);
  return {std::move(o), std::chrono::duration<double>(Clock::now() - start).count(),
          static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC};
}

}  // namespace

TEST_CASE("a loop over 3000 cubed elements stops at its time budget", "[eval][budget]") {
  EvalLimits limits{.time = std::chrono::milliseconds(200), .steps = 0, .memory_bytes = 0};
  Timed t = timed_run({kCubicLoop}, "x := data.test.deny", &limits);
  CHECK(t.outcome.error() == "eval_cancel_error: evaluation exceeded its time budget of 200ms");
  CHECK(t.outcome.result.rows.empty());
  CHECK(t.seconds < 1.0 * tollgate::kSanitizerTimeScale);
}

TEST_CASE("a loop over 3000 cubed elements stops at its step budget", "[eval][budget]") {
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 1'000'000, .memory_bytes = 0};
  Timed t = timed_run({kCubicLoop}, "x := data.test.deny", &limits);
  CHECK(t.outcome.error() == "eval_cancel_error: evaluation exceeded its step budget of 1000000 steps");
  CHECK(t.seconds < 1.0 * tollgate::kSanitizerTimeScale);
}

TEST_CASE("the default budgets stop a loop over 3000 cubed elements within about a second", "[eval][budget]") {
  Timed t = timed_run({kCubicLoop}, "x := data.test.deny", nullptr);
  CHECK(t.outcome.result.error);
  CHECK(t.outcome.error().rfind("eval_cancel_error: evaluation exceeded its ", 0) == 0);
  CHECK(t.cpu_seconds < 1.5 * tollgate::kSanitizerTimeScale);
}

TEST_CASE("a comprehension of 10^12 elements stops at the memory budget", "[eval][budget]") {
  const char* module = R"(package test
p := count([x | some a in numbers.range(1, 999999); some b in numbers.range(1, 999999); x := a * b]))";
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 0, .memory_bytes = 64u << 20};
  Timed t = timed_run({module}, "x := data.test.p", &limits);
  CHECK(t.outcome.error() == "eval_cancel_error: evaluation exceeded its memory budget of 64 MiB");
  CHECK(t.cpu_seconds < 1.0 * tollgate::kSanitizerTimeScale);
}

TEST_CASE("a comprehension of 25 million elements is stopped by the default budgets within about a second",
          "[eval][budget]") {
  const char* module = R"(package test
p := count({x | some a in numbers.range(1, 5000); some b in numbers.range(1, 5000); x := [a, b]}))";
  Timed t = timed_run({module}, "x := data.test.p", nullptr);
  CHECK(t.outcome.error().rfind("eval_cancel_error: evaluation exceeded its ", 0) == 0);
  CHECK(t.cpu_seconds < 1.5 * tollgate::kSanitizerTimeScale);
}

TEST_CASE("an object comprehension counts what it accumulates", "[eval][budget]") {
  const char* module = R"(package test
p := count({a: b | some a in numbers.range(1, 999999); b := a}))";
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 0, .memory_bytes = 8u << 20};
  Timed t = timed_run({module}, "x := data.test.p", &limits);
  CHECK(t.outcome.error() == "eval_cancel_error: evaluation exceeded its memory budget of 8 MiB");
}

TEST_CASE("a budget exceeded inside a builtin is no builtin error that leaves the expression undefined",
          "[eval][budget]") {
  // walk yields a path array per node; strict builtin errors are off, so an
  // ordinary error here would make `paths` undefined and the rule false.
  const char* module = R"(package test
deny contains "walked" if {
  paths := [p | walk(input, [p, _])]
  count(paths) < 0
})";
  QueryOptions options;
  std::vector<tollgate::value::Value> items;
  for (int i = 0; i < 200000; ++i) items.push_back(tollgate::value::Value::array({tollgate::value::Value::integer(i)}));
  options.input = tollgate::value::Value::array(std::move(items));
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 0, .memory_bytes = 4u << 20};
  options.limits = &limits;
  Outcome o = run({module}, "x := data.test.deny", options);
  CHECK(o.error() == "eval_cancel_error: evaluation exceeded its memory budget of 4 MiB");
}

TEST_CASE("concat asking for more than the memory budget stops at the budget", "[eval][budget]") {
  QueryOptions options;
  options.input = json(R"({"sep": "----------------", "items": ["", "", "", "", "", "", "", "", ""]})");
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 0, .memory_bytes = 100};
  options.limits = &limits;
  Outcome o = run({}, "x := concat(input.sep, input.items)", options);
  CHECK(o.error() == "eval_cancel_error: evaluation exceeded its memory budget of 100 bytes");
}

TEST_CASE("replace that multiplies its input counts against the memory budget", "[eval][budget]") {
  QueryOptions options;
  options.input = json(R"({"s": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})");
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 0, .memory_bytes = 1000};
  options.limits = &limits;
  Outcome o = run({}, "x := replace(input.s, \"a\", \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\")", options);
  CHECK(o.error() == "eval_cancel_error: evaluation exceeded its memory budget of 1000 bytes");
}

TEST_CASE("an ordinary policy is unaffected by the default budgets", "[eval][budget]") {
  const char* module = R"(package test
deny contains msg if {
  some c in input.containers
  not startswith(c.image, "registry.example/")
  msg := sprintf("container %v uses %v", [c.name, c.image])
})";
  QueryOptions options;
  options.input = json(R"({"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "registry.example/b"}]})");
  Outcome o = run({module}, "x := data.test.deny", options);
  REQUIRE(o.ok());
  CHECK(o.json("x") == R"(["container a uses nginx"])");
}
