// ApplyConfiguration: an Object{...} value merged into the object as
// structured-merge-diff merges it, with the built-in schemas.
#include "policies/vap/apply_configuration.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"
#include "rules/cel/cel.h"
#include "rules/cel/k8s/mutation_library.h"
#include "rules/value/json.h"

namespace {

using namespace tollgate;
using value::Value;

const char* kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: d1, namespace: default, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: nginx}]
      volumes: [{name: x}]
)";

// The object after applying `expression` (evaluated with `object` bound), or "error: ...".
std::string apply(const Value& object, std::string_view expression) {
  cel::CompileOptions options;
  options.identifiers = {"object"};
  options.struct_types = &cel::mutation_struct_types();
  auto compiled = cel::Environment::kubernetes_mutating()->compile(expression, options);
  if (!compiled.ok()) return "compile error: " + compiled.error->message;
  cel::Activation act;
  act.identifiers = {object};
  auto r = compiled.program->evaluate(act);
  if (!r.ok()) return "eval error: " + *r.error;
  auto out = policies::vap::apply_configuration(object, r.value);
  if (!out.ok()) return "error: " + *out.error;
  return value::to_json(out.object);
}

std::string path_of(const std::string& json, std::initializer_list<std::string_view> keys) {
  Value v = value::parse_json_or_throw(json);
  const Value* p = v.path(keys);
  return p ? value::to_json(*p) : "absent";
}

}  // namespace

TEST_CASE("ApplyConfiguration sets a field computed from the object and keeps the rest") {
  const Value d = policies::testing::yaml(kDeployment);
  const std::string out = apply(d, "Object{spec: Object.spec{replicas: object.spec.replicas + 100}}");
  CHECK(path_of(out, {"spec", "replicas"}) == "101");
  CHECK(path_of(out, {"spec", "selector"}) == R"({"matchLabels":{"app":"web"}})");
  CHECK(path_of(out, {"metadata", "name"}) == R"("d1")");
}

TEST_CASE("ApplyConfiguration merges labels into the existing map") {
  const Value d = policies::testing::yaml(kDeployment);
  const std::string out = apply(d, "Object{metadata: Object.metadata{labels: {'env': 'prod'}}}");
  CHECK(path_of(out, {"metadata", "labels"}) == R"({"app":"web","env":"prod"})");
}

TEST_CASE("ApplyConfiguration appends to and merges into lists keyed by name") {
  const Value d = policies::testing::yaml(kDeployment);
  CHECK(path_of(apply(d, "Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{"
                         "volumes: [Object.spec.template.spec.volumes{name: 'y'}]}}}}"),
                {"spec", "template", "spec", "volumes"}) == R"([{"name":"x"},{"name":"y"}])");
  CHECK(path_of(apply(d, "Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{"
                         "containers: [Object.spec.template.spec.containers{name: 'a', image: 'busybox'}]}}}}"),
                {"spec", "template", "spec", "containers"}) == R"([{"image":"busybox","name":"a"}])");
}

TEST_CASE("ApplyConfiguration refuses to set an atomic struct") {
  const Value d = policies::testing::yaml(kDeployment);
  CHECK(apply(d, "Object{spec: Object.spec{selector: Object.spec.selector{matchLabels: {'l': 'v'}}}}") ==
        "error: error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: "
        ".spec.selector");
}

TEST_CASE("ApplyConfiguration refuses an Object whose type name does not follow its field path") {
  const Value d = policies::testing::yaml(kDeployment);
  CHECK(apply(d, "Object{spec: Object.specx{replicas: 1}}") ==
        "error: type mismatch: unexpected type name \"Object.specx\", expected \"Object.spec\", which matches field "
        "name path from root Object type");
  CHECK(apply(d, "Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{"
                 "volumes: [Object.spec.template.spec.volume{name: 'y'}]}}}}")
            .starts_with("error: type mismatch: unexpected type name \"Object.spec.template.spec.volume\""));
}

TEST_CASE("ApplyConfiguration refuses a field the kind's schema does not declare") {
  const Value d = policies::testing::yaml(kDeployment);
  CHECK(apply(d, "Object{spec: Object.spec{replicasx: 1}}") ==
        "error: error applying patch: failed to convert patch object to typed object: .spec.replicasx: field not "
        "declared in schema");
}

TEST_CASE("ApplyConfiguration on a kind without a schema merges maps and refuses lists as atomic") {
  const Value cm = policies::testing::yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: '1'}}");
  CHECK(path_of(apply(cm, "Object{data: {'b': '2'}}"), {"data"}) == R"({"a":"1","b":"2"})");
  CHECK(apply(cm, "Object{items: [1, 2]}") ==
        "error: error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: .items");
}
