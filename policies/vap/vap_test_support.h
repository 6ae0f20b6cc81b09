// Helpers shared by the ValidatingAdmissionPolicy tests.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "policies/model/parse_context.h"
#include "policies/test_support.h"
#include "policies/vap/validating_policy_engine.h"

namespace tollgate::policies::testing {

// A ValidatingAdmissionPolicy on Deployments whose limit is the ConfigMap
// policy-params/limits' data.maxReplicas, bound with parameterNotFoundAction: Deny
// (the params tests: offline, serve's param sync, end to end).
inline constexpr const char* kMaxReplicasPolicy = R"y(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  failurePolicy: Fail
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
    messageExpression: "'replicas must be at most ' + params.data.maxReplicas"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max-replicas-binding}
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef: {name: limits, namespace: policy-params, parameterNotFoundAction: Deny}
)y";

// No Namespace is known (namespaceObject binds null).
class NoNamespaces final : public vap::NamespaceLookup {
 public:
  const value::Value* find_namespace(std::string_view) const override { return nullptr; }
};

// An engine over the policies and bindings of a YAML stream (which must be
// valid: the test fails otherwise).
inline std::shared_ptr<const vap::ValidatingPolicyEngine> engine_from_yaml(
    std::string_view objects_yaml, std::vector<value::Value> params = {},
    const vap::ValidatingPolicyEngine::Options& options = {}) {
  using namespace vap;
  std::vector<ValidatingAdmissionPolicy> policies;
  std::vector<ValidatingAdmissionPolicyBinding> bindings;
  std::vector<LoadError> errors;
  ObjectOrigin origin;
  for (const value::Value& o : yaml_all(objects_yaml)) {
    ParseContext ctx(origin, errors);
    if (is_validating_policy(o)) policies.push_back(*parse_validating_policy(o, ctx));
    if (is_validating_policy_binding(o)) bindings.push_back(*parse_validating_policy_binding(o, ctx));
  }
  REQUIRE(errors.empty());
  return ValidatingPolicyEngine::build(std::move(policies), std::move(bindings), std::move(params), options);
}

}  // namespace tollgate::policies::testing
