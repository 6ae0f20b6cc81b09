#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

TEST_CASE("comparisons follow Rego's total order and never fail", "[builtins]") {
  CHECK(call("equal", {json("1"), json("1.0")}) == Value::boolean(true));
  CHECK(call("equal", {json("[1, {\"a\": 2}]"), json("[1.0, {\"a\": 2.0}]")}) == Value::boolean(true));
  CHECK(call("neq", {json("28857836529306024611913"), json("28857836529306024611912")}) == Value::boolean(true));
  CHECK(call("lt", {json("1"), str("a")}) == Value::boolean(true));
  CHECK(call("lt", {json("null"), json("false")}) == Value::boolean(true));
  CHECK(call("gt", {set_of({}), json("{}")}) == Value::boolean(true));
  CHECK(call("lte", {json("[1]"), json("[1, 0]")}) == Value::boolean(true));
  CHECK(call("gte", {str("b"), str("a")}) == Value::boolean(true));
  CHECK(call("gte", {str("a"), str("b")}) == Value::boolean(false));
}

TEST_CASE("arithmetic operators compute on numbers", "[builtins]") {
  CHECK(call("plus", {json("1"), json("2")}) == json("3"));
  CHECK(call("minus", {json("1"), json("4")}) == json("-3"));
  CHECK(call("mul", {json("0.5"), json("4")}) == json("2"));
  CHECK(call("div", {json("1"), json("2")}) == json("0.5"));
  CHECK(call("rem", {json("7"), json("4")}) == json("3"));
  CHECK(std::string(call_error("div", {json("1"), json("0")}).what()) == "divide by zero");
  CHECK(call_error("rem", {json("1.1"), json("1")}).code() == BuiltinError::Code::Builtin);
}

TEST_CASE("arithmetic operand errors name the operand and types", "[builtins]") {
  BuiltinError e = call_error("plus", {str("a"), json("1")});
  CHECK(e.code() == BuiltinError::Code::Type);
  CHECK(std::string(e.what()) == "operand 1 must be number but got string");
  CHECK(std::string(call_error("mul", {json("1"), json("null")}).what()) == "operand 2 must be number but got null");
  CHECK(std::string(call_error("minus", {set_of({json("1")}), json("1")}).what()) ==
        "operand 2 must be set but got number");
  CHECK(std::string(call_error("minus", {json("1"), set_of({json("1")})}).what()) ==
        "operand 2 must be number but got set");
  CHECK(std::string(call_error("minus", {str("x"), json("1")}).what()) ==
        "operand 1 must be one of {number, set} but got string");
}

TEST_CASE("set operators: difference, intersection, union", "[builtins]") {
  Value a = set_of({json("1"), json("2"), json("3"), json("4")});
  Value b = set_of({json("1"), json("3"), str("x")});
  CHECK(call("minus", {a, b}) == set_of({json("2"), json("4")}));
  CHECK(call("and", {a, b}) == set_of({json("1"), json("3")}));
  CHECK(call("or", {a, b}) == set_of({json("1"), json("2"), json("3"), json("4"), str("x")}));
  CHECK(call("and", {a, set_of({})}) == set_of({}));
  CHECK(std::string(call_error("or", {a, json("[1]")}).what()) == "operand 2 must be set but got array");
}

TEST_CASE("membership: an integer finds only an integer among set members and object keys", "[builtins]") {
  const Value two = Value::integer(2);
  const Value two_f = *number_from_text("2.0");
  // OPA's hash lookup: 2 does not find 2.0, 2.0 finds 2; arrays compare by value.
  CHECK(call("internal.member_2", {two, set_of({two_f})}) == Value::boolean(false));
  CHECK(call("internal.member_2", {two_f, set_of({two})}) == Value::boolean(true));
  CHECK(call("internal.member_2", {two, Value::array({two_f})}) == Value::boolean(true));
  CHECK(call("internal.member_3", {two, str("x"), Value::object({{two_f, str("x")}})}) == Value::boolean(false));
  CHECK(call("internal.member_3", {two_f, str("x"), Value::object({{two, str("x")}})}) == Value::boolean(true));
  CHECK(call("internal.member_3", {*number_from_text("1.0"), str("b"), json(R"(["a", "b"])")}) ==
        Value::boolean(false));
}

TEST_CASE("membership: x in c and k, v in c", "[builtins]") {
  CHECK(call("internal.member_2", {json("1"), set_of({json("1")})}) == Value::boolean(true));
  CHECK(call("internal.member_2", {json("1"), json("[2, 1.0]")}) == Value::boolean(true));
  CHECK(call("internal.member_2", {json("1"), json("{\"foo\": 1}")}) == Value::boolean(true));
  CHECK(call("internal.member_2", {str("foo"), json("{\"foo\": 1}")}) == Value::boolean(false));
  CHECK(call("internal.member_2", {json("1"), str("foo")}) == Value::boolean(false));
  CHECK(call("internal.member_2", {json("{\"foo\": {\"baz\": 2000}}"), json("[{\"foo\": {\"baz\": 2000}}]")}) ==
        Value::boolean(true));
  CHECK(call("internal.member_3", {str("foo"), json("1"), json("{\"foo\": 1}")}) == Value::boolean(true));
  CHECK(call("internal.member_3", {json("1"), str("two"), json("[\"one\", \"two\"]")}) == Value::boolean(true));
  CHECK(call("internal.member_3", {json("0"), str("two"), json("[\"one\", \"two\"]")}) == Value::boolean(false));
  CHECK(call("internal.member_3", {json("-1"), str("two"), json("[\"one\", \"two\"]")}) == Value::boolean(false));
  CHECK(call("internal.member_3", {json("2"), json("2"), set_of({json("2")})}) == Value::boolean(true));
  CHECK(call("internal.member_3", {json("1"), str("foo"), json("1")}) == Value::boolean(false));
}

}  // namespace
}  // namespace tollgate::rego
