// MutatingAdmissionPolicy objects: defaults and the API server's validation.
#include "policies/vap/mutating_objects.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

namespace {

using namespace tollgate;
using namespace tollgate::policies::vap;

std::vector<std::string> load_errors(const std::string& doc, bool binding = false) {
  std::vector<policies::LoadError> errors;
  policies::ObjectOrigin origin;
  policies::ParseContext ctx(origin, errors);
  const auto v = policies::testing::yaml(doc);
  if (binding) parse_mutating_policy_binding(v, ctx);
  else parse_mutating_policy(v, ctx);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.message);
  return out;
}

}  // namespace

TEST_CASE("A MutatingAdmissionPolicy gets failurePolicy Fail and matchPolicy Equivalent by default") {
  std::vector<policies::LoadError> errors;
  policies::ObjectOrigin origin;
  policies::ParseContext ctx(origin, errors);
  auto p = parse_mutating_policy(policies::testing::yaml(R"(
apiVersion: admissionregistration.k8s.io/v1alpha1
kind: MutatingAdmissionPolicy
metadata: {name: m}
spec:
  reinvocationPolicy: IfNeeded
  matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE]}]}
  mutations: [{patchType: JSONPatch, jsonPatch: {expression: "[]"}}]
)"),
                                 ctx);
  REQUIRE(errors.empty());
  CHECK(p->failure_policy == "Fail");
  CHECK(p->match_constraints->match_policy == "Equivalent");
  CHECK(p->mutations.at(0).patch_type == "JSONPatch");
  CHECK(p->reinvocation_policy == "IfNeeded");
}

TEST_CASE("A MutatingAdmissionPolicy is refused without mutations, reinvocationPolicy, or with DELETE") {
  auto errors = load_errors(R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: m}
spec:
  matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [DELETE]}]}
)");
  const std::string prefix = "MutatingAdmissionPolicy.admissionregistration.k8s.io \"m\" is invalid: ";
  CHECK(std::find(errors.begin(), errors.end(),
                  prefix + "spec.mutations: Required value: mutations must contain at least one item") != errors.end());
  CHECK(std::find(errors.begin(), errors.end(), prefix + "spec.reinvocationPolicy: Required value") != errors.end());
  CHECK(std::find(errors.begin(), errors.end(),
                  prefix + "spec.matchConstraints.resourceRules[0].operations[0]: Unsupported value: \"DELETE\": "
                           "supported values: \"*\", \"CONNECT\", \"CREATE\", \"UPDATE\"") != errors.end());
}

TEST_CASE("A mutation must set exactly the member its patchType names") {
  auto errors = load_errors(R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: m}
spec:
  reinvocationPolicy: Never
  matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE]}]}
  mutations:
  - {patchType: JSONPatch, applyConfiguration: {expression: "Object{}"}}
)");
  const std::string prefix = "MutatingAdmissionPolicy.admissionregistration.k8s.io \"m\" is invalid: ";
  CHECK(errors == std::vector<std::string>{
                      prefix + "spec.mutations[0].jsonPatch: Required value: must be specified when patchType is JSONPatch",
                      prefix + "spec.mutations[0].applyConfiguration: Invalid value: \"{applyConfiguration}\": must "
                               "not be specified when patchType is JSONPatch"});
}

TEST_CASE("A v1alpha1 MutatingAdmissionPolicyBinding paramRef defaults parameterNotFoundAction to Deny") {
  CHECK(load_errors(R"(
apiVersion: admissionregistration.k8s.io/v1alpha1
kind: MutatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: m, paramRef: {name: p}}
)",
                    true)
            .empty());
  CHECK(load_errors(R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: m, paramRef: {name: p}}
)",
                    true) == std::vector<std::string>{"MutatingAdmissionPolicyBinding.admissionregistration.k8s.io "
                                                      "\"b\" is invalid: spec.paramRef.parameterNotFoundAction: "
                                                      "Required value"});
}
