#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel;
using namespace tollgate::cel::testing;

namespace {
// [0, 1, ..., n-1]: Kubernetes 1.32 has no lists.range().
Value range(int n) {
  std::vector<Value> items;
  for (int i = 0; i < n; ++i) items.push_back(Value::integer(i));
  return Value::array(std::move(items));
}
}  // namespace

TEST_CASE("a runaway comprehension stops with the cost error", "[cel][cost]") {
  // 10^4 * 10^4 * 10^4 iterations: would run for hours without the limit.
  const std::string expr = "r.all(i, r.all(j, r.all(k, i + j + k >= 0)))";
  auto o = run(*Environment::kubernetes(), expr, {{"r", range(10000)}}, 1'000'000);
  REQUIRE(o.compiled);
  CHECK(show(o) == "error: operation cancelled: actual cost limit exceeded");
  CHECK(o.result.cost > 1'000'000);
  CHECK(o.result.cost < 2'000'000);
}

TEST_CASE("the cost error is not absorbed by && or ||", "[cel][cost]") {
  const std::string expr = "r.map(i, i * 2).size() > 0 || true";
  auto o = run(*Environment::kubernetes(), expr, {{"r", range(100000)}}, 1000);
  CHECK(show(o) == "error: operation cancelled: actual cost limit exceeded");
}

TEST_CASE("cheap expressions stay under the limit and report their cost", "[cel][cost]") {
  auto o = run(*Environment::kubernetes(), "[1, 2, 3].all(x, x > 0)", {}, 1000);
  CHECK(show(o) == "true");
  CHECK(o.result.cost > 0);
  CHECK(o.result.cost < 100);
  // A cost limit of zero means unlimited.
  auto unlimited = run(*Environment::kubernetes(), "r.all(x, x >= 0)", {{"r", range(3000)}}, 0);
  CHECK(show(unlimited) == "true");
}
