#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("integer arithmetic reports overflow instead of wrapping", "[cel][arithmetic]") {
  CHECK(show(k8s("9223372036854775807 + 1")) == "error: integer overflow");
  CHECK(show(k8s("-9223372036854775808 - 1")) == "error: integer overflow");
  CHECK(show(k8s("5000000000 * 5000000000")) == "error: integer overflow");
  CHECK(show(k8s("-(-9223372036854775808)")) == "error: integer overflow");
  CHECK(show(k8s("0u - 1u")) == "error: unsigned integer overflow");
  CHECK(show(k8s("18446744073709551615u + 1u")) == "error: unsigned integer overflow");
}

TEST_CASE("INT64_MIN divided by -1 is an overflow error, not a crash", "[cel][arithmetic]") {
  CHECK(show(k8s("-9223372036854775808 / -1")) == "error: integer overflow");
  CHECK(show(k8s("-9223372036854775808 % -1")) == "error: integer overflow");
  CHECK(show(k8s("x / -1", {{"x", tollgate::value::Value::integer(INT64_MIN)}})) == "error: integer overflow");
}

TEST_CASE("division and modulus by zero are errors, doubles give infinities", "[cel][arithmetic]") {
  CHECK(show(k8s("1 / 0")) == "error: division by zero");
  CHECK(show(k8s("1 % 0")) == "error: modulus by zero");
  CHECK(show(k8s("1u / 0u")) == "error: division by zero");
  CHECK(show(k8s("1.0 / 0.0 > 1e308")) == "true");
  CHECK(show(k8s("-3 % 5")) == "-3");
  CHECK(show(k8s("43 % -5")) == "3");
  CHECK(show(k8s("-7 / 2")) == "-3");
}

TEST_CASE("no implicit numeric promotion", "[cel][arithmetic]") {
  CHECK(show(k8s("1 + 1.0")) == "compile error: found no matching overload for '_+_' applied to '(int, double)'");
  CHECK_FALSE(k8s("1 + 1u").compiled);
  // With dyn the same mistake is found at run time.
  CHECK(k8s("dyn(1) + 1.0").eval_error());
  CHECK(show(k8s("-(1u)")).rfind("compile error", 0) == 0);
}

TEST_CASE("numbers compare across int, uint and double at run time", "[cel][arithmetic]") {
  CHECK(show(k8s("dyn(1) == 1u")) == "true");
  CHECK(show(k8s("dyn(1) == 1.0")) == "true");
  CHECK(show(k8s("1 < 1.5")) == "true");
  CHECK(show(k8s("2u > 1")) == "true");
  CHECK(show(k8s("18446744073709551615u < -1.0")) == "false");
  CHECK(show(k8s("[1.0, 2.0, 3] == [1u, 2, 3u]")).rfind("compile error", 0) == 0);  // heterogeneous literal in K8s
  CHECK(show(standard("[1.0, 2.0, 3] == [1u, 2, 3u]")) == "true");
  CHECK(show(k8s("1 == 1.0")) == "compile error: found no matching overload for '_==_' applied to '(int, double)'");
}

TEST_CASE("NaN is unequal to everything and unordered", "[cel][arithmetic]") {
  CHECK(show(k8s("double('NaN') == double('NaN')")) == "false");
  CHECK(show(k8s("double('NaN') < 1.0")) == "false");
  CHECK(show(k8s("double('NaN') >= 1.0")) == "false");
  CHECK(show(k8s("-0.0 == 0.0")) == "true");
}
