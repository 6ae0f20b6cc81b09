#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value pieces(std::vector<Value> items) { return Value::array(std::move(items)); }

TEST_CASE("internal.template_string joins text and printed values", "[builtins]") {
  CHECK(call("internal.template_string", {pieces({})}) == str(""));
  CHECK(call("internal.template_string", {pieces({str("foo "), json("42"), str(" "), json("4.2"), str(" "),
                                                  json("false"), str(" "), json("null")})}) ==
        str("foo 42 4.2 false null"));
  CHECK(call("internal.template_string", {pieces({set_of({str("foo")}), str(" "), set_of({json("13.37")})})}) ==
        str("foo 13.37"));
}

TEST_CASE("internal.template_string prints collections as Rego text", "[builtins]") {
  Value got = call("internal.template_string",
                   {pieces({set_of({json("[]")}), str(" "), set_of({json(R"(["a", "b"])")}), str(" "),
                            set_of({set_of({})}), str(" "), set_of({set_of({str("c")})}), str(" "),
                            set_of({json(R"({"f": "g", "h": "i"})")}), str(" "), set_of({json("[[]]")})})});
  CHECK(got == str(R"([] ["a", "b"] set() {"c"} {"f": "g", "h": "i"} [[]])"));
}

TEST_CASE("internal.template_string shows an undefined expression and rejects several values", "[builtins]") {
  CHECK(call("internal.template_string", {pieces({str("x="), set_of({})})}) == str("x=<undefined>"));
  BuiltinError multiple = call_error("internal.template_string", {pieces({set_of({str("foo"), str("bar")})})});
  CHECK(std::string(multiple.what()) == "template-strings must not produce multiple outputs");
  BuiltinError bare = call_error("internal.template_string", {pieces({json(R"(["foo"])")})});
  CHECK(std::string(bare.what()) == "illegal argument type: array");
  BuiltinError not_array = call_error("internal.template_string", {str("foo")});
  CHECK(not_array.code() == BuiltinError::Code::Type);
}

}  // namespace
}  // namespace tollgate::rego
