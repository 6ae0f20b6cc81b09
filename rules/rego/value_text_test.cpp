#include "rules/rego/value_text.h"

#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using testing::json;
using testing::set_of;
using testing::str;

TEST_CASE("rego_text prints values as OPA prints terms", "[builtins]") {
  CHECK(rego_text(json(R"(["there", 5, 3.14])")) == R"(["there", 5, 3.14])");
  CHECK(rego_text(json(R"({"b": [2], "a": 1})")) == R"({"a": 1, "b": [2]})");
  CHECK(rego_text(set_of({str("b"), str("a")})) == R"({"a", "b"})");
  CHECK(rego_text(set_of({})) == "set()");
  CHECK(rego_text(json("{}")) == "{}");
  CHECK(rego_text(json("[]")) == "[]");
  CHECK(rego_text(Value::null()) == "null");
  CHECK(rego_text(Value::boolean(false)) == "false");
  CHECK(rego_text(*number_from_text("123456789123456789123")) == "123456789123456789123");
  CHECK(rego_text(json("1.5")) == "1.5");
}

TEST_CASE("rego_text quotes strings with Go's escapes", "[builtins]") {
  CHECK(rego_text(str("a\"b\\c\n\t")) == R"("a\"b\\c\n\t")");
  CHECK(rego_text(str("\x01")) == R"("\x01")");
  CHECK(rego_text(str("\xC3\xA5")) == "\"\xC3\xA5\"");
}

TEST_CASE("rego_text of non-string object keys and nested sets", "[builtins]") {
  Value obj = Value::object({{Value::integer(1), str("a")}, {json("[1]"), Value::integer(2)}});
  CHECK(rego_text(obj) == R"({1: "a", [1]: 2})");
  CHECK(rego_text(Value::array({set_of({Value::integer(2), Value::integer(1)})})) == "[{1, 2}]");
}

}  // namespace
}  // namespace tollgate::rego
