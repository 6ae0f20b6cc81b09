#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

TEST_CASE("array.concat, array.reverse and array.flatten", "[builtins]") {
  CHECK(call("array.concat", {json("[1, 2]"), json("[3, 4]")}) == json("[1, 2, 3, 4]"));
  CHECK(call("array.concat", {json("[]"), json("[3]")}) == json("[3]"));
  CHECK(std::string(call_error("array.concat", {json("{}"), json("[3]")}).what()) ==
        "operand 1 must be array but got object");
  CHECK(std::string(call_error("array.concat", {json("[]"), json("{}")}).what()) ==
        "operand 2 must be array but got object");
  CHECK(call("array.reverse", {json("[1, 2, 3]")}) == json("[3, 2, 1]"));
  CHECK(call("array.reverse", {json("[]")}) == json("[]"));
  CHECK(call("array.flatten", {json("[[1, 2], \"s\", [3, {\"a\": \"b\"}], 4.5, [6, [7, 8]]]")}) ==
        json("[1, 2, \"s\", 3, {\"a\": \"b\"}, 4.5, 6, [7, 8]]"));
  CHECK(std::string(call_error("array.flatten", {json("42")}).what()) == "operand 1 must be array but got number");
}

TEST_CASE("array.slice clamps its indices", "[builtins]") {
  Value five = json("[1, 2, 3, 4, 5]");
  CHECK(call("array.slice", {five, json("1"), json("3")}) == json("[2, 3]"));
  CHECK(call("array.slice", {five, json("-4"), json("-1")}) == json("[]"));
  CHECK(call("array.slice", {five, json("4"), json("1")}) == json("[]"));
  CHECK(call("array.slice", {five, json("-1"), json("2")}) == json("[1, 2]"));
  CHECK(call("array.slice", {five, json("3"), json("6")}) == json("[4, 5]"));
  CHECK(call("array.slice", {json("[1, 2, 3]"), json("1000"), json("2000")}) == json("[]"));
  CHECK(std::string(call_error("array.slice", {five, json("1.5"), json("2")}).what()) ==
        "operand 2 must be integer number but got floating-point number");
}

}  // namespace
}  // namespace tollgate::rego
