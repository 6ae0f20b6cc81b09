// CEL's cost limit counts work, not what the work builds: a list doubled
// again and again is cheap per step yet grows to gigabytes. The memory
// budget stops it first, with an error that says so.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <string>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel;
using namespace tollgate::cel::testing;

namespace {
// [[0]] mapped `times` times with l + l: a list of 2^times elements.
std::string doubling(int times) {
  std::string expr = "[[0]]";
  for (int i = 0; i < times; ++i) expr += ".map(l, l + l)";
  return expr + "[0].size()";
}
}  // namespace

TEST_CASE("a list-doubling expression stops at the memory budget before memory runs out", "[cel][budget]") {
  std::clock_t start = std::clock();
  Outcome o = k8s(doubling(40));
  double cpu_seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  REQUIRE(o.compiled);
  CHECK(show(o) == "error: operation cancelled: evaluation exceeded its memory budget of 256 MiB");
  CHECK(o.result.budget_exceeded);
  CHECK(cpu_seconds < 1.5);
}

TEST_CASE("the memory budget is the caller's to set", "[cel][budget]") {
  auto compiled = Environment::kubernetes()->compile(doubling(12), {});
  REQUIRE(compiled.ok());
  tollgate::value::EvalLimits small{.time = std::chrono::nanoseconds(0), .steps = 0, .memory_bytes = 16u << 10};
  EvalOptions options;
  options.limits = &small;
  EvalResult r = compiled.program->evaluate({}, options);
  CHECK(r.error == "operation cancelled: evaluation exceeded its memory budget of 16384 bytes");
  // Within the default budget the same expression answers.
  EvalResult fine = compiled.program->evaluate({}, {});
  REQUIRE(fine.ok());
  CHECK(fine.value.as_int() == 4096);
}
