#include "policies/model/parameter_defaults.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"
#include "rules/value/json.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

std::string json(const Value& v) { return tollgate::value::to_json(v); }

std::string defaulted(std::string_view value_yaml, std::string_view schema_yaml) {
  return json(apply_schema_defaults(yaml(value_yaml), yaml(schema_yaml)));
}

// The fixture schema of gator's defaults test (gatekeeper-expansion.md §8.3, S1).
// The schema is Gatekeeper's own defaulting fixture (gatekeeper-expansion.md S1): `placeholder` is
// its field without a default, which a constraint sets so that it has parameters at all.
const char* kLabelsSchema = R"(
properties:
  labels: {type: array, default: [{key: aRequiredLabel}], items: {type: object, properties: {key: {type: string}}}}
  message: {type: string, default: aRequiredMessage}
  placeholder: {type: string}
)";

std::string constraint_spec(std::string_view constraint_yaml, std::string_view schema_yaml = kLabelsSchema) {
  Value c = default_constraint(yaml(constraint_yaml), yaml(schema_yaml));
  return json(c["spec"]);
}

}  // namespace

TEST_CASE("parameter defaults: absent parameters get their defaults, given ones are kept", "[parameter_defaults]") {
  CHECK(constraint_spec("spec: {parameters: {placeholder: p}}") ==
        R"({"enforcementAction":"deny","parameters":{"labels":[{"key":"aRequiredLabel"}],"message":"aRequiredMessage","placeholder":"p"}})");
  CHECK(constraint_spec("spec: {parameters: {}}") ==
        R"({"enforcementAction":"deny","parameters":{"labels":[{"key":"aRequiredLabel"}],"message":"aRequiredMessage"}})");
  CHECK(constraint_spec("spec: {enforcementAction: warn, parameters: {message: x}}") ==
        R"({"enforcementAction":"warn","parameters":{"labels":[{"key":"aRequiredLabel"}],"message":"x"}})");
}

TEST_CASE("parameter defaults: empty strings, empty lists, 0 and false are values, not absences", "[parameter_defaults]") {
  CHECK(constraint_spec(R"(spec: {parameters: {message: "", labels: []}})") ==
        R"({"enforcementAction":"deny","parameters":{"labels":[],"message":""}})");
  CHECK(defaulted("{n: 0, b: false, o: {}}",
                  "properties: {n: {type: integer, default: 3}, b: {type: boolean, default: true}, "
                  "o: {type: object, default: {x: 1}}}") == R"({"b":false,"n":0,"o":{}})");
}

TEST_CASE("parameter defaults: a constraint without parameters gets none, without spec is untouched",
          "[parameter_defaults]") {
  CHECK(constraint_spec("spec: {match: {kinds: [{apiGroups: [''], kinds: [Namespace]}]}}") ==
        R"({"enforcementAction":"deny","match":{"kinds":[{"apiGroups":[""],"kinds":["Namespace"]}]}})");
  Value bare = yaml("{kind: K8sX, metadata: {name: x}}");
  CHECK(json(default_constraint(bare, yaml(kLabelsSchema))) == json(bare));
  // A template without a schema still defaults the enforcement action.
  CHECK(json(default_constraint(yaml("spec: {parameters: {a: 1}}"), Value::null())["spec"]) ==
        R"({"enforcementAction":"deny","parameters":{"a":1}})");
}

TEST_CASE("parameter defaults: a null enforcementAction becomes deny, an unknown one is kept", "[parameter_defaults]") {
  CHECK(constraint_spec("spec: {enforcementAction: null}") == R"({"enforcementAction":"deny"})");
  CHECK(constraint_spec("spec: {enforcementAction: foo}") == R"({"enforcementAction":"foo"})");
  CHECK(constraint_spec(R"(spec: {enforcementAction: ""})") == R"({"enforcementAction":""})");
}

TEST_CASE("parameter defaults: a defaulted object is itself filled by nested defaults", "[parameter_defaults]") {
  const char* schema = R"(
properties:
  opts:
    type: object
    default: {}
    properties:
      level: {type: integer, default: 3}
      tags:
        type: array
        items: {type: object, properties: {name: {type: string}, weight: {type: integer, default: 1}}}
)";
  CHECK(defaulted("{}", schema) == R"({"opts":{"level":3}})");
  CHECK(defaulted("{opts: {tags: [{name: a}, {name: b, weight: 5}]}}", schema) ==
        R"({"opts":{"level":3,"tags":[{"name":"a","weight":1},{"name":"b","weight":5}]}})");
}

TEST_CASE("parameter defaults: missing parents without a default are not created", "[parameter_defaults]") {
  const char* schema = "properties: {outer: {type: object, properties: {inner: {type: string, default: d}}}}";
  CHECK(defaulted("{}", schema) == "{}");
  CHECK(defaulted("{outer: {}}", schema) == R"({"outer":{"inner":"d"}})");
}

TEST_CASE("parameter defaults: additionalProperties values are defaulted, empty maps stay empty", "[parameter_defaults]") {
  const char* schema = R"(
properties:
  limits:
    type: object
    additionalProperties: {type: object, properties: {max: {type: integer, default: 10}}}
)";
  CHECK(defaulted("{limits: {cpu: {}, mem: {max: 2}}}", schema) == R"({"limits":{"cpu":{"max":10},"mem":{"max":2}}})");
  CHECK(defaulted("{limits: {}}", schema) == R"({"limits":{}})");
  // A non-nullable null map value takes the additionalProperties default.
  CHECK(defaulted("{a: null, b: x}", "additionalProperties: {type: string, default: z}") == R"({"a":"z","b":"x"})");
  // additionalProperties: true is no schema: nothing to default.
  CHECK(defaulted("{a: null}", "additionalProperties: true") == R"({"a":null})");
}

TEST_CASE("parameter defaults: null replaced by the default unless the field is nullable", "[parameter_defaults]") {
  CHECK(defaulted("{x: null}", "properties: {x: {type: string, default: d}}") == R"({"x":"d"})");
  CHECK(defaulted("{}", "properties: {x: {type: string, nullable: true, default: d}}") == R"({"x":"d"})");
  CHECK(defaulted("{x: null}", "properties: {x: {type: string, nullable: true, default: d}}") == R"({"x":null})");
  CHECK(defaulted("{y: null}", "properties: {y: {default: 5, x-kubernetes-preserve-unknown-fields: true}}") ==
        R"({"y":5})");
  // `default: null` is no default.
  CHECK(defaulted("{}", "properties: {x: {type: string, default: null}}") == "{}");
}

TEST_CASE("parameter defaults: null array items take items.default unless items are nullable", "[parameter_defaults]") {
  CHECK(defaulted("{l: [a, null]}", "properties: {l: {type: array, items: {type: string, default: z}}}") ==
        R"({"l":["a","z"]})");
  CHECK(defaulted("{l: [a, null]}", "properties: {l: {type: array, items: {type: string, nullable: true, default: z}}}") ==
        R"({"l":["a",null]})");
  // Elements are never created.
  CHECK(defaulted("{l: []}", "properties: {l: {type: array, items: {type: string, default: z}}}") == R"({"l":[]})");
}

TEST_CASE("parameter defaults: values of another shape than the schema are left alone", "[parameter_defaults]") {
  const char* schema = "properties: {o: {type: object, properties: {k: {type: string, default: d}}}}";
  CHECK(defaulted("{o: text}", schema) == R"({"o":"text"})");
  CHECK(defaulted("{o: [1, 2]}", schema) == R"({"o":[1,2]})");
  CHECK(defaulted("[1]", schema) == "[1]");
}

TEST_CASE("parameter defaults: unchanged values are shared, not copied", "[parameter_defaults]") {
  Value v = yaml("{a: {b: [1, 2]}, c: x}");
  Value out = apply_schema_defaults(v, yaml("properties: {a: {type: object, properties: {b: {type: array}}}}"));
  CHECK(out.identity() == v.identity());
}
