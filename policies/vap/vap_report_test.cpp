// PolicySet::admission_policy_results: every failure of every
// ValidatingAdmissionPolicy binding on one request, as the results tollgate
// test, verify and audit print, where the API server answers with the first
// denial only.
#include <catch2/catch.hpp>

#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"
#include "policies/vap/vap_report.h"

namespace tollgate::policies {
namespace {

using testing::yaml;
using testing::yaml_all;

constexpr const char* kPolicies = R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: shape}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  validations:
  - expression: "has(object.data)"
    message: needs data
  - expression: "has(object.metadata.labels)"
    message: needs labels
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: shape-deny}
spec: {policyName: shape, validationActions: [Deny]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: shape-watch}
spec: {policyName: shape, validationActions: [Audit, Warn]}
)yaml";

ReviewInput create_of(const char* object) {
  ReviewInput input;
  input.request = vap::offline_admission_request(admission_request_for_object(yaml(object)));
  return input;
}

}  // namespace

TEST_CASE("every failed validation of every binding is a result, worded for its strongest action", "[vap][report]") {
  LoadResult loaded = PolicySet::from_objects(yaml_all(kPolicies));
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.policies->has_admission_policies());
  std::vector<Result> results =
      loaded.policies->admission_policy_results(create_of("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}"));
  REQUIRE(results.size() == 4);
  CHECK(results[0].constraint_kind == "ValidatingAdmissionPolicy");
  CHECK(results[0].constraint_name == "shape");
  CHECK(results[0].enforcement_action == "deny");
  CHECK(results[0].message == "ValidatingAdmissionPolicy 'shape' with binding 'shape-deny' denied request: needs data");
  CHECK(results[1].message == "ValidatingAdmissionPolicy 'shape' with binding 'shape-deny' denied request: needs labels");
  CHECK(results[2].enforcement_action == "warn");
  CHECK(results[2].message == "Validation failed for ValidatingAdmissionPolicy 'shape' with binding 'shape-watch': needs data");
  CHECK(results[3].details["binding"].string_or("") == "shape-watch");
  CHECK(results[3].details["validationActions"].items().size() == 2);

  // The API server's own answer keeps the first denial.
  ReviewInput input = create_of("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}");
  Decision d = loaded.policies->validate(input);
  CHECK_FALSE(d.allowed);
  CHECK(d.causes == std::vector<std::string>{"ValidatingAdmissionPolicy 'shape' with binding 'shape-deny' denied request: needs data"});
}

TEST_CASE("an object the policies admit has no admission-policy results", "[vap][report]") {
  LoadResult loaded = PolicySet::from_objects(yaml_all(kPolicies));
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.policies
            ->admission_policy_results(
                create_of("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {a: b}}, data: {k: v}}"))
            .empty());
  // Not a resource the policy matches (the resource is guessed from the kind: secrets).
  CHECK(loaded.policies->admission_policy_results(create_of("{apiVersion: v1, kind: Secret, metadata: {name: s}}")).empty());
}

TEST_CASE("a binding with only Audit is an audit result", "[vap][report]") {
  vap::VapViolation v{"p", "b", "m", "", {"Audit"}};
  Result r = vap::admission_policy_result(v);
  CHECK(r.enforcement_action == "audit");
  CHECK(r.message == "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': m");
  CHECK(r.details["reason"].string_or("") == "Invalid");
  vap::VapViolation config{"p", "", "failed to configure policy: x", "", {"Deny"}};
  CHECK(vap::admission_policy_result(config).message == "ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: x");
}

}  // namespace tollgate::policies
