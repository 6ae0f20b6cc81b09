#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value I(int64_t i) { return Value::integer(i); }

TEST_CASE("to_number converts numbers, strings, booleans and null", "[builtins]") {
  CHECK(call("to_number", {str("-42.0")}) == I(-42));
  // OPA's number is the string's text: -42.0 stays -42.0 (and is no integer for indexing or sprintf).
  CHECK(number_text(call("to_number", {str("-42.0")})) == "-42.0");
  CHECK(number_text(call("to_number", {str("1e3")})) == "1e3");
  CHECK(number_text(call("to_number", {*number_from_text("2.50")})) == "2.50");
  CHECK(call("to_number", {Value::boolean(false)}) == I(0));
  CHECK(call("to_number", {Value::boolean(true)}) == I(1));
  CHECK(call("to_number", {Value::null()}) == I(0));
  CHECK(call("to_number", {json("100.1")}) == json("100.1"));
  CHECK(call("to_number", {str("1e3")}) == I(1000));
  CHECK(call("to_number", {str("+5")}) == I(5));
  CHECK(call("to_number", {str(".5")}) == json("0.5"));
  CHECK(call("to_number", {str("1_000")}) == I(1000));
  CHECK(call("to_number", {str("0x1p4")}) == I(16));
  CHECK(call("to_number", {str("123456789123456789123")}) == *number_from_text("123456789123456789123"));
}

TEST_CASE("to_number errors as OPA's", "[builtins]") {
  BuiltinError e = call_error("to_number", {str("broken")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "strconv.ParseFloat: parsing \"broken\": invalid syntax");
  CHECK(std::string(call_error("to_number", {str("1e400")}).what()) ==
        "strconv.ParseFloat: parsing \"1e400\": value out of range");
  CHECK(std::string(call_error("to_number", {str("")}).what()) == "strconv.ParseFloat: parsing \"\": invalid syntax");
  for (const char* s : {"nan", "inf", "-inf", "Infinity", "-Infinity", "-nan", "-NaN", "iNf"}) {
    INFO(s);
    BuiltinError t = call_error("to_number", {str(s)});
    CHECK(t.code() == BuiltinError::Code::Type);
    CHECK(std::string(t.what()) == "operand 1 must be valid number string but got string");
  }
  CHECK(std::string(call_error("to_number", {json("[]")}).what()) ==
        "operand 1 must be one of {null, boolean, number, string} but got array");
}

TEST_CASE("cast_* (deprecated) check or convert types", "[builtins]") {
  CHECK(call("cast_array", {set_of({I(2), I(1)})}) == json("[1, 2]"));
  CHECK(call("cast_array", {json("[3, 1]")}) == json("[3, 1]"));
  CHECK(call("cast_set", {json("[1, 1, 2]")}) == set_of({I(1), I(2)}));
  CHECK(call("cast_string", {str("a")}) == str("a"));
  CHECK(call("cast_boolean", {Value::boolean(true)}) == Value::boolean(true));
  CHECK(call("cast_null", {Value::null()}) == Value::null());
  CHECK(call("cast_object", {json(R"({"a": 1})")}) == json(R"({"a": 1})"));
  CHECK(std::string(call_error("cast_string", {I(1)}).what()) == "operand 1 must be string but got number");
  CHECK(std::string(call_error("cast_array", {str("x")}).what()) == "operand 1 must be one of {array, set} but got string");
  for (const char* name : {"cast_array", "cast_set", "cast_string", "cast_boolean", "cast_null", "cast_object", "any", "all"}) {
    CHECK(BuiltinRegistry::standard().find(name)->deprecated);
  }
}

TEST_CASE("any and all (deprecated) look for elements equal to true", "[builtins]") {
  CHECK(call("any", {json("[false, true]")}) == Value::boolean(true));
  CHECK(call("any", {json("[false, 1]")}) == Value::boolean(false));
  CHECK(call("any", {json("[]")}) == Value::boolean(false));
  CHECK(call("all", {json("[true, true]")}) == Value::boolean(true));
  CHECK(call("all", {set_of({Value::boolean(true), Value::boolean(false)})}) == Value::boolean(false));
  CHECK(call("all", {json("[]")}) == Value::boolean(true));
  CHECK(call_error("all", {str("x")}).code() == BuiltinError::Code::Type);
}

}  // namespace
}  // namespace tollgate::rego
