// MutatingAdmissionPolicies loaded with the other policies run in
// `tollgate mutate` and at /mutate, after the Gatekeeper mutators.
#include <catch2/catch.hpp>

#include "policies/mutation_review.h"
#include "policies/test_support.h"

namespace {

using namespace tollgate;
using value::Value;

const char* kPolicies = R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: replicas}
spec:
  reinvocationPolicy: Never
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE, UPDATE]}]
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration: {expression: "Object{spec: Object.spec{replicas: object.metadata.labels['team'] == 'x' ? 3 : 1}}"}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: replicas}
spec: {policyName: replicas}
---
apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata: {name: team}
spec:
  match: {kinds: [{apiGroups: [apps], kinds: [Deployment]}]}
  location: metadata.labels.team
  parameters: {assign: {value: x}}
)";

const char* kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: d1, namespace: default}
spec: {replicas: 5, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: a, image: nginx}]}}}
)";

}  // namespace

TEST_CASE("A MutatingAdmissionPolicy sees what the Gatekeeper mutators set and mutates after them") {
  auto loaded = policies::PolicySet::from_objects(policies::testing::yaml_all(kPolicies));
  REQUIRE(loaded.errors.empty());
  const Value request = policies::create_request_for_manifest(policies::testing::yaml(kDeployment), "default");
  policies::MutationReview r = policies::mutate_admission_request(*loaded.policies, request);
  REQUIRE(r.outcome == policies::MutationOutcome::Mutated);
  CHECK(r.result.object["metadata"]["labels"]["team"].string_or("") == "x");
  CHECK(r.result.object["spec"]["replicas"].as_int() == 3);
}

TEST_CASE("A MutatingAdmissionPolicy error fails the mutation with its 403 and message") {
  auto loaded = policies::PolicySet::from_objects(policies::testing::yaml_all(R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: m}
spec:
  reinvocationPolicy: Never
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE]}]
  mutations:
  - {patchType: JSONPatch, jsonPatch: {expression: "[JSONPatch{op: 'remove', path: '/spec/nothing'}]"}}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: mb}
spec: {policyName: m}
)"));
  REQUIRE(loaded.errors.empty());
  const Value request = policies::create_request_for_manifest(policies::testing::yaml(kDeployment), "default");
  policies::MutationReview r = policies::mutate_admission_request(*loaded.policies, request);
  REQUIRE(r.outcome == policies::MutationOutcome::Failed);
  CHECK(r.code == 403);
  CHECK(r.reason == "Invalid");
  CHECK(r.message ==
        "policy 'm' with binding 'mb' denied request: JSON Patch: error in remove for path: '/spec/nothing': Unable to "
        "remove nonexistent key: nothing: missing value");
}
