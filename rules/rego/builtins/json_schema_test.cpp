#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

constexpr const char* kSchema = R"j({"properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}},
                                    "required": ["id"], "additionalProperties": false})j";

TEST_CASE("json.verify_schema accepts a schema and reports an invalid type name", "[builtins]") {
  CHECK(call("json.verify_schema", {str(R"j({"type": "boolean"})j")}) == json("[true, null]"));
  CHECK(call("json.verify_schema", {json(kSchema)}) == json("[true, null]"));
  CHECK(call("json.verify_schema", {json(R"j({"type": "unknown_type"})j")}) ==
        json(R"j([false, "jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]"])j"));
  CHECK(call("json.verify_schema", {json(R"j({"anyOf": [{"type": "string"}]})j")}) ==
        json(R"j([false, "jsonschema: unsupported JSON Schema keyword: anyOf"])j"));
}

TEST_CASE("json.match_schema validates a document with gojsonschema's error objects", "[builtins]") {
  CHECK(call("json.match_schema", {json(R"j({"id": 5, "tags": ["a"]})j"), json(kSchema)}) == json("[true, []]"));
  CHECK(call("json.match_schema", {str(R"j({"id": 5})j"), str(kSchema)}) == json("[true, []]"));
  CHECK(call("json.match_schema", {json(R"j({"id": "foo"})j"), json(kSchema)}) ==
        json(R"j([false, [{"desc": "Invalid type. Expected: integer, given: string",
                          "error": "id: Invalid type. Expected: integer, given: string",
                          "field": "id", "type": "invalid_type"}]])j"));
  CHECK(call("json.match_schema", {json(R"j({"tags": ["a", 1]})j"), json(kSchema)}) ==
        json(R"j([false, [{"desc": "id is required", "error": "(root): id is required", "field": "(root)", "type": "required"},
                         {"desc": "Invalid type. Expected: string, given: integer",
                          "error": "tags.1: Invalid type. Expected: string, given: integer",
                          "field": "tags.1", "type": "invalid_type"}]])j"));
  CHECK(call("json.match_schema", {json(R"j({"id": 1, "x": 2})j"), json(kSchema)}) ==
        json(R"j([false, [{"desc": "Additional property x is not allowed", "error": "(root): Additional property x is not allowed",
                          "field": "(root)", "type": "additional_property_not_allowed"}]])j"));
}

TEST_CASE("json.match_schema checks enums, bounds and lengths", "[builtins]") {
  Value schema = json(R"j({"properties": {"size": {"enum": ["S", "M"]}, "n": {"minimum": 1, "maximum": 3},
                                         "name": {"minLength": 2}}})j");
  CHECK(call("json.match_schema", {json(R"j({"size": "M", "n": 2, "name": "ab"})j"), schema}).items()[0] == json("true"));
  Value bad = call("json.match_schema", {json(R"j({"size": "L", "n": 4, "name": "a"})j"), schema});
  REQUIRE(bad.items()[1].size() == 3);
  CHECK(bad.items()[1].items()[0].find("error")->as_string() == "n: Must be less than or equal to 3");
  CHECK(bad.items()[1].items()[1].find("error")->as_string() == "name: String length must be greater than or equal to 2");
  CHECK(bad.items()[1].items()[2].find("error")->as_string() == "size: size must be one of the following: \"S\", \"M\"");
}

TEST_CASE("json.match_schema raises an error for an invalid schema", "[builtins]") {
  BuiltinError e = call_error("json.match_schema", {json("{}"), json(R"j({"type": "unknown"})j")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()).starts_with("has a primitive type that is NOT VALID -- given: /unknown/"));
  CHECK(call_error("json.match_schema", {json("1"), json("{}")}).code() == BuiltinError::Code::Type);
}

}  // namespace
}  // namespace tollgate::rego
