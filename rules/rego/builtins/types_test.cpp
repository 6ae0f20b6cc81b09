#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

TEST_CASE("is_* return false (not undefined) for other types", "[builtins]") {
  std::vector<std::pair<std::string, Value>> samples = {
      {"null", Value::null()},  {"boolean", Value::boolean(false)}, {"number", json("-42.5")},
      {"string", str("x")},     {"array", json("[1]")},             {"object", json(R"({"a": 1})")},
      {"set", set_of({Value::integer(1)})},
  };
  std::vector<std::pair<std::string, std::string>> tests = {
      {"is_null", "null"},   {"is_boolean", "boolean"}, {"is_number", "number"}, {"is_string", "string"},
      {"is_array", "array"}, {"is_object", "object"},   {"is_set", "set"},
  };
  for (const auto& [builtin, type] : tests) {
    for (const auto& [sample_type, sample] : samples) {
      INFO(builtin << " of a " << sample_type);
      CHECK(call(builtin, {sample}) == Value::boolean(sample_type == type));
    }
  }
}

TEST_CASE("type_name names every Rego type", "[builtins]") {
  CHECK(call("type_name", {Value::null()}) == str("null"));
  CHECK(call("type_name", {Value::boolean(true)}) == str("boolean"));
  CHECK(call("type_name", {Value::integer(100)}) == str("number"));
  CHECK(call("type_name", {*number_from_text("1e400")}) == str("number"));
  CHECK(call("type_name", {str("Hello")}) == str("string"));
  CHECK(call("type_name", {json("[1, 2, 3]")}) == str("array"));
  CHECK(call("type_name", {set_of({Value::integer(1)})}) == str("set"));
  CHECK(call("type_name", {json(R"({"foo": 1})")}) == str("object"));
}

}  // namespace
}  // namespace tollgate::rego
