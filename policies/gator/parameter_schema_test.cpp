#include "policies/gator/parameter_schema.h"

#include <catch2/catch.hpp>

#include "rules/value/json.h"

using namespace tollgate::policies::gator;
using tollgate::value::parse_json_or_throw;

namespace {

const char* kLabelsSchema = R"({
  "type": "object",
  "properties": {
    "message": {"type": "string"},
    "labels": {"type": "array", "items": {
      "type": "object", "required": ["key"],
      "properties": {"key": {"type": "string"}, "allowedRegex": {"type": "string"}}}},
    "mode": {"type": "string", "enum": ["audit", "enforce"]},
    "replicas": {"type": "integer", "minimum": 1, "maximum": 10},
    "ratio": {"type": "number"},
    "strict": {"type": "boolean"},
    "limits": {"type": "object", "additionalProperties": {"type": "string"}},
    "closed": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}},
    "port": {"x-kubernetes-int-or-string": true},
    "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5}
  }})";

std::vector<std::string> errors_for(const char* parameters) {
  return validate_against_schema(parse_json_or_throw(kLabelsSchema), parse_json_or_throw(parameters), "spec.parameters");
}

}  // namespace

TEST_CASE("valid parameters pass, unknown fields are pruned, not rejected", "[gator][schema]") {
  CHECK(errors_for(R"({"labels":[{"key":"owner","allowedRegex":"^[a-z]+$"}],"message":"m","mode":"audit",
                       "replicas":3,"ratio":0.5,"strict":true,"limits":{"cpu":"1"},"port":"http",
                       "unknownField":{"x":1},"name":"abc","closed":{"a":"x"}})")
            .empty());
  CHECK(errors_for(R"({"replicas": 2.0, "ratio": 3, "port": 8080})").empty());
  CHECK(errors_for(R"({"message": null})").empty());  // nulls of non-nullable fields are pruned
}

TEST_CASE("type, enum, required, bounds and patterns are enforced", "[gator][schema]") {
  CHECK(errors_for(R"({"labels":"owner"})") ==
        std::vector<std::string>{"spec.parameters.labels: Invalid value: \"string\": must be of type array"});
  CHECK(errors_for(R"({"labels":[{"key":7}]})") ==
        std::vector<std::string>{"spec.parameters.labels[0].key: Invalid value: \"integer\": must be of type string"});
  CHECK(errors_for(R"({"labels":[{"allowedRegex":"x"}]})") ==
        std::vector<std::string>{"spec.parameters.labels[0].key: Required value"});
  CHECK(errors_for(R"({"mode":"off"})") ==
        std::vector<std::string>{"spec.parameters.mode: Unsupported value: \"off\": supported values: \"audit\", \"enforce\""});
  CHECK(errors_for(R"({"replicas":0})").size() == 1);
  CHECK(errors_for(R"({"replicas":11})").size() == 1);
  CHECK(errors_for(R"({"replicas":1.5})").size() == 1);
  CHECK(errors_for(R"({"strict":"yes"})").size() == 1);
  CHECK(errors_for(R"({"limits":{"cpu":1}})").size() == 1);
  CHECK(errors_for(R"({"closed":{"b":"x"}})") ==
        std::vector<std::string>{"spec.parameters.closed.b: Forbidden: field not declared in schema"});
  CHECK(errors_for(R"({"port":true})").size() == 1);
  CHECK(errors_for(R"({"name":"ABC"})").size() == 1);
  CHECK(errors_for(R"({"name":"abcdef"})").size() == 1);
}

TEST_CASE("constraint parameters are checked against the template schema", "[gator][schema]") {
  auto tmpl = parse_json_or_throw(std::string(R"({"spec":{"crd":{"spec":{"validation":{"openAPIV3Schema":)") +
                                  kLabelsSchema + "}}}}}");
  CHECK(validate_constraint_parameters(tmpl, parse_json_or_throw(R"({"spec":{"parameters":{"labels":[{"key":"a"}]}}})")).empty());
  CHECK(validate_constraint_parameters(tmpl, parse_json_or_throw(R"({"spec":{}})")).empty());
  CHECK(validate_constraint_parameters(tmpl, parse_json_or_throw(R"({"spec":{"parameters":{"labels":{}}}})")).size() == 1);
  // No schema: anything goes.
  CHECK(validate_constraint_parameters(parse_json_or_throw("{}"),
                                       parse_json_or_throw(R"({"spec":{"parameters":{"labels":{}}}})"))
            .empty());
}
