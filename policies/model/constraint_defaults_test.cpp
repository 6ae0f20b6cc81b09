// The defaults of a template's parameter schema reach the code that reads
// them: Rego's input.parameters and CEL's params (gatekeeper-expansion.md §8).
#include <catch2/catch.hpp>

#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;

namespace {

const std::string kStorageClassTemplate =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/storageclass/template.yaml";

Value load_file(const std::string& path) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  if (!tollgate::value::load_yaml_file(path, &docs, &error) || docs.empty()) {
    throw std::runtime_error(path + ": " + error.message);
  }
  return docs.front().value;
}

std::vector<std::string> messages(const std::vector<Value>& objects, const Value& object,
                                  std::vector<Value> inventory = {}) {
  LoadResult loaded = PolicySet::from_objects(objects);
  INFO(testing::joined_errors(loaded.errors));
  REQUIRE(loaded.policies);
  ReviewInput in;
  in.request = admission_request_for_object(object, "CREATE");
  in.enforcement_point = kGatorPoint;
  in.inventory = std::move(inventory);
  std::vector<std::string> out;
  for (const Result& r : loaded.policies->validate(in).results) out.push_back(r.message);
  return out;
}

const char* kStorageClassConstraint = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sStorageClass
metadata: {name: storageclass}
spec:
  match: {kinds: [{apiGroups: [""], kinds: [PersistentVolumeClaim]}]}
  parameters: {}
)";

}  // namespace

TEST_CASE("constraint defaults: the library storageclass template lists the classes by its default",
          "[parameter_defaults]") {
  // includeStorageClassesInMessage defaults to true in the template's schema.
  Value pvc = yaml("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: pvc, namespace: default}, "
                   "spec: {storageClassName: badstorageclass}}");
  Value storage_class = yaml("{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: standard}}");
  std::vector<std::string> got =
      messages({load_file(kStorageClassTemplate), yaml(kStorageClassConstraint)}, pvc, {storage_class});
  CHECK(got == std::vector<std::string>{
                   "pvc did not specify a valid storage class name <badstorageclass>. Must be one of [standard]"});

  // Set to false explicitly, the default does not apply.
  Value explicit_false = yaml(R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sStorageClass
metadata: {name: storageclass}
spec:
  match: {kinds: [{apiGroups: [""], kinds: [PersistentVolumeClaim]}]}
  parameters: {includeStorageClassesInMessage: false}
)");
  got = messages({load_file(kStorageClassTemplate), explicit_false}, pvc, {storage_class});
  CHECK(got == std::vector<std::string>{"pvc did not specify a valid storage class name <badstorageclass>."});
}

// The schema is Gatekeeper's own defaulting fixture (gatekeeper-expansion.md S1): `placeholder` is
// its field without a default, which a constraint sets so that it has parameters at all.
TEST_CASE("constraint defaults: CEL params and Rego input.parameters see nested and list defaults",
          "[parameter_defaults]") {
  const char* tmpl = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdefaulted}
spec:
  crd:
    spec:
      names: {kind: K8sDefaulted}
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels: {type: array, default: [{key: aRequiredLabel}], items: {type: object, properties: {key: {type: string}}}}
            message: {type: string, default: aRequiredMessage}
            placeholder: {type: string}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "false"
          messageExpression: "'cel ' + variables.params.message + ' ' + variables.params.labels[0].key"
    - engine: Rego
      source:
        rego: |
          package k8sdefaulted
          violation[{"msg": msg}] {
            msg := sprintf("rego %v %v", [input.parameters.message, input.parameters.labels[0].key])
          }
)";
  const char* constraint = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDefaulted
metadata: {name: defaulted}
spec: {parameters: {placeholder: p}}
)";
  Value ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: my-ns}}");
  for (EnginePreference engine : {EnginePreference::Cel, EnginePreference::Rego}) {
    LoadOptions options;
    options.engine = engine;
    LoadResult loaded = PolicySet::from_objects({yaml(tmpl), yaml(constraint)}, options);
    INFO(testing::joined_errors(loaded.errors));
    REQUIRE(loaded.policies);
    ReviewInput in;
    in.request = admission_request_for_object(ns, "CREATE");
    in.enforcement_point = kGatorPoint;
    Decision d = loaded.policies->validate(in);
    REQUIRE(d.results.size() == 1);
    CHECK(d.results[0].message ==
          std::string(engine == EnginePreference::Cel ? "cel" : "rego") + " aRequiredMessage aRequiredLabel");
    CHECK(d.results[0].constraint["spec"]["enforcementAction"].string_or("") == "deny");
    CHECK(!d.allowed);
  }
}
