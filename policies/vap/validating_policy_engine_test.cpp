#include "policies/vap/validating_policy_engine.h"

#include <catch2/catch.hpp>

#include "policies/vap/vap_test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;
using testing::yaml_all;
using value::Value;

class Namespaces final : public NamespaceLookup {
 public:
  const Value* find_namespace(std::string_view name) const override {
    return name == "default" ? &ns_ : nullptr;
  }

 private:
  Value ns_ = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: default, labels: {env: prod}}}");
};

std::shared_ptr<const ValidatingPolicyEngine> engine(std::string_view objects_yaml, std::vector<Value> params = {}) {
  return testing::engine_from_yaml(objects_yaml, std::move(params));
}

const char* kPodCreate = R"({operation: CREATE, kind: {group: "", version: v1, kind: Pod},
  resource: {group: "", version: v1, resource: pods}, name: p1, namespace: default,
  userInfo: {username: alice}, object: {apiVersion: v1, kind: Pod, metadata: {name: p1, namespace: default},
  spec: {containers: [{name: c1}, {name: c2}]}}})";

std::string policy(std::string_view name, std::string_view spec) {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: " +
         std::string(name) + "}\nspec:\n  matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], "
         "operations: ['*'], resources: [pods]}]}\n" + std::string(spec) + "\n---\n";
}

std::string binding(std::string_view name, std::string_view policy_name, std::string_view actions) {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: " +
         std::string(name) + "}\nspec: {policyName: " + std::string(policy_name) + ", validationActions: " +
         std::string(actions) + "}\n---\n";
}

TEST_CASE("The first denial answers, with the reason's code and the resource in the status message", "[vap]") {
  auto e = engine(policy("p", "  validations: [{expression: 'true'}, {expression: 'false', message: second, reason: Forbidden}, "
                              "{expression: 'false', message: third}]") +
                  binding("b", "p", "[Deny]"));
  VapOutcome out = e->evaluate(yaml(kPodCreate), Namespaces());
  CHECK_FALSE(out.allowed);
  CHECK(out.code == 403);
  CHECK(out.reason == "Forbidden");
  CHECK(out.message == "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: second");
  CHECK(out.status_message == "pods \"p1\" is forbidden: " + out.message);
}

TEST_CASE("Warn and Audit actions allow, with a warning and a validation_failure annotation", "[vap]") {
  auto e = engine(policy("p", "  validations: [{expression: 'size(object.spec.containers) < 2', messageExpression: \"'too many: ' + string(size(object.spec.containers))\"}]") +
                  binding("b", "p", "[Warn, Audit]"));
  VapOutcome out = e->evaluate(yaml(kPodCreate), Namespaces());
  CHECK(out.allowed);
  CHECK(out.warnings == std::vector<std::string>{"Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': too many: 2"});
  REQUIRE(out.audit_annotations.size() == 1);
  CHECK(out.audit_annotations[0].first == "validation.policy.admission.k8s.io/validation_failure");
  CHECK(out.audit_annotations[0].second ==
        R"([{"message":"too many: 2","policy":"p","binding":"b","expressionIndex":0,"validationActions":["Warn","Audit"]}])");
}

TEST_CASE("A run-time error follows the failure policy: Fail denies, Ignore admits", "[vap]") {
  std::string spec = "  validations: [{expression: \"object.spec.nodeName == 'n1'\"}]";
  VapOutcome fail = engine(policy("p", spec) + binding("b", "p", "[Deny]"))->evaluate(yaml(kPodCreate), Namespaces());
  CHECK(fail.message == "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression "
                        "'object.spec.nodeName == 'n1'' resulted in error: no such key: nodeName");
  CHECK(fail.code == 422);
  VapOutcome ignore = engine(policy("p", spec + "\n  failurePolicy: Ignore") + binding("b", "p", "[Deny]"))
                          ->evaluate(yaml(kPodCreate), Namespaces());
  CHECK(ignore.allowed);
}

TEST_CASE("Audit annotation values from several params are deduplicated and joined", "[vap]") {
  std::string objects = policy("p", "  paramKind: {apiVersion: v1, kind: ConfigMap}\n"
                                    "  auditAnnotations: [{key: k, valueExpression: 'string(params.data.v)'}]");
  for (std::string_view b : {"b1", "b2", "b3"}) {
    objects += "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: " +
               std::string(b) + "}\nspec: {policyName: p, validationActions: [Deny], paramRef: {name: c" +
               std::string(b.substr(1)) + ", parameterNotFoundAction: Deny}}\n---\n";
  }
  std::vector<Value> params = yaml_all(R"(
{apiVersion: v1, kind: ConfigMap, metadata: {name: c1, namespace: default}, data: {v: normal}}
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: c2, namespace: default}, data: {v: special}}
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: c3, namespace: default}, data: {v: normal}}
)");
  VapOutcome out = engine(objects, params)->evaluate(yaml(kPodCreate), Namespaces());
  CHECK(out.allowed);
  REQUIRE(out.audit_annotations.size() == 1);
  CHECK(out.audit_annotations[0] == std::pair<std::string, std::string>{"p/k", "normal, special"});
}

}  // namespace
}  // namespace tollgate::policies::vap
