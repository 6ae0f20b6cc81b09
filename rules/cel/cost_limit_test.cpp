#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel;
using namespace tollgate::cel::testing;

TEST_CASE("a runaway comprehension stops with the cost error", "[cel][cost]") {
  // 10^4 * 10^4 * 10^4 iterations: would run for hours without the limit.
  const std::string expr =
      "lists.range(10000).all(i, lists.range(10000).all(j, lists.range(10000).all(k, i + j + k >= 0)))";
  auto o = run(*Environment::kubernetes(), expr, {}, 1'000'000);
  REQUIRE(o.compiled);
  CHECK(show(o) == "error: operation cancelled: actual cost limit exceeded");
  CHECK(o.result.cost > 1'000'000);
  CHECK(o.result.cost < 2'000'000);
}

TEST_CASE("the cost error is not absorbed by && or ||", "[cel][cost]") {
  const std::string expr = "lists.range(100000).map(i, i * 2).size() > 0 || true";
  auto o = run(*Environment::kubernetes(), expr, {}, 1000);
  CHECK(show(o) == "error: operation cancelled: actual cost limit exceeded");
}

TEST_CASE("cheap expressions stay under the limit and report their cost", "[cel][cost]") {
  auto o = run(*Environment::kubernetes(), "[1, 2, 3].all(x, x > 0)", {}, 1000);
  CHECK(show(o) == "true");
  CHECK(o.result.cost > 0);
  CHECK(o.result.cost < 100);
  // A cost limit of zero means unlimited.
  auto unlimited = run(*Environment::kubernetes(), "lists.range(3000).all(x, x >= 0)", {}, 0);
  CHECK(show(unlimited) == "true");
}
