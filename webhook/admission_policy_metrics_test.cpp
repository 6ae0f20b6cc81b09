// /metrics counts ValidatingAdmissionPolicy and MutatingAdmissionPolicy checks
// under kube-apiserver's own names, labels and buckets
// (apiserver_{validating,mutating}_admission_policy_check_*), so that
// dashboards written for the API server's plugin read Tollgate's too.
#include <catch2/catch.hpp>

#include "policies/policy_set.h"
#include "policies/test_support.h"
#include "webhook/admission_router.h"
#include "webhook/admission_test_support.h"
#include "webhook/metrics.h"

using namespace tollgate;
using webhook::testing::post;

namespace {

const char* kPolicies = R"(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE, UPDATE]}]
  validations:
  - expression: "object.spec.replicas <= 3"
    message: too many replicas
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit-deny}
spec: {policyName: replica-limit, validationActions: [Deny, Audit]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: broken}
spec:
  failurePolicy: Ignore
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE, UPDATE]}]
  validations:
  - expression: "object.spec.nothing.missing == 1"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: broken-binding}
spec: {policyName: broken, validationActions: [Deny]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: passes}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE, UPDATE]}]
  validations:
  - expression: "true"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: passes-binding}
spec: {policyName: passes, validationActions: [Deny]}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: add-team}
spec:
  reinvocationPolicy: Never
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE]}]
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration: {expression: "Object{metadata: Object.metadata{labels: {'team': 'shop'}}}"}
  - {patchType: JSONPatch, jsonPatch: {expression: "[JSONPatch{op: 'remove', path: '/spec/nothing'}]"}}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: add-team-binding}
spec: {policyName: add-team}
)";

std::string deployment_review(int replicas) {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",)"
         R"("kind":{"group":"apps","version":"v1","kind":"Deployment"},)"
         R"("resource":{"group":"apps","version":"v1","resource":"deployments"},)"
         R"("operation":"CREATE","name":"web","namespace":"default",)"
         R"("object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},)"
         R"("spec":{"replicas":)" +
         std::to_string(replicas) + R"(}}}})";
}

std::shared_ptr<const policies::PolicySet> load() {
  auto loaded = policies::PolicySet::from_objects(policies::testing::yaml_all(kPolicies));
  INFO(policies::testing::joined_errors(loaded.errors));
  REQUIRE(loaded.policies);
  return loaded.policies;
}

}  // namespace

TEST_CASE("a ValidatingAdmissionPolicy denial at /validate is counted under the apiserver's metric names",
          "[metrics][vap]") {
  webhook::Metrics metrics;
  webhook::AdmissionRouter router(metrics);
  router.set_policies(load());
  webhook::HttpResponse response = router.handle(post("/validate", deployment_review(5)));
  REQUIRE(response.result() == webhook::http::status::ok);
  CHECK_THAT(response.body(), Catch::Contains("ValidatingAdmissionPolicy 'replica-limit' with binding "
                                              "'replica-limit-deny' denied request: too many replicas"));
  std::string text = metrics.render();

  CHECK_THAT(text, Catch::Contains("# HELP apiserver_validating_admission_policy_check_total [BETA] Validation "
                                   "admission policy check total, labeled by policy and further identified by "
                                   "binding and enforcement action taken."));
  CHECK_THAT(text, Catch::Contains("# TYPE apiserver_validating_admission_policy_check_total counter"));
  // One series per validationAction of the binding; a plain denial is an
  // invalid_error to the API server.
  CHECK_THAT(text, Catch::Contains(R"(apiserver_validating_admission_policy_check_total{enforcement_action="deny",)"
                                   R"(error_type="invalid_error",policy="replica-limit",)"
                                   R"(policy_binding="replica-limit-deny"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(apiserver_validating_admission_policy_check_total{enforcement_action="audit",)"
                                   R"(error_type="invalid_error",policy="replica-limit",)"
                                   R"(policy_binding="replica-limit-deny"} 1)"));
  // An error under failurePolicy Ignore admits, and is counted as allow.
  CHECK_THAT(text, Catch::Contains(R"(apiserver_validating_admission_policy_check_total{enforcement_action="allow",)"
                                   R"(error_type="invalid_error",policy="broken",policy_binding="broken-binding"} 1)"));
  // A validation that passes is not a check the API server counts.
  CHECK_THAT(text, !Catch::Contains(R"(policy="passes")"));
  // The apiserver's buckets: 0.5 µs, 1 ms, 10 ms, 100 ms, 1 s.
  CHECK_THAT(text, Catch::Contains(R"(apiserver_validating_admission_policy_check_duration_seconds_bucket{)"
                                   R"(enforcement_action="deny",error_type="invalid_error",policy="replica-limit",)"
                                   R"(policy_binding="replica-limit-deny",le="1"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(apiserver_validating_admission_policy_check_duration_seconds_count{)"
                                   R"(enforcement_action="deny",error_type="invalid_error",policy="replica-limit",)"
                                   R"(policy_binding="replica-limit-deny"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(le="5e-07"} )"));

  // The same series again, not a second one.
  router.handle(post("/validate", deployment_review(7)));
  CHECK_THAT(metrics.render(),
             Catch::Contains(R"(apiserver_validating_admission_policy_check_total{enforcement_action="deny",)"
                             R"(error_type="invalid_error",policy="replica-limit",)"
                             R"(policy_binding="replica-limit-deny"} 2)"));
  // An allowed request adds nothing to the denials.
  router.handle(post("/validate", deployment_review(1)));
  CHECK_THAT(metrics.render(),
             Catch::Contains(R"(apiserver_validating_admission_policy_check_total{enforcement_action="deny",)"
                             R"(error_type="invalid_error",policy="replica-limit",)"
                             R"(policy_binding="replica-limit-deny"} 2)"));
}

TEST_CASE("each MutatingAdmissionPolicy mutation at /mutate is counted under the apiserver's metric names",
          "[metrics][map]") {
  webhook::Metrics metrics;
  webhook::AdmissionRouter router(metrics);
  router.set_policies(load());
  router.handle(post("/mutate", deployment_review(1)));
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains("# HELP apiserver_mutating_admission_policy_check_total [ALPHA] Mutation "
                                   "admission policy check total, labeled by policy and further identified by "
                                   "binding."));
  // The ApplyConfiguration applied; the JSONPatch removing a missing field failed.
  CHECK_THAT(text, Catch::Contains(R"(apiserver_mutating_admission_policy_check_total{error_type="no_error",)"
                                   R"(policy="add-team",policy_binding="add-team-binding"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(apiserver_mutating_admission_policy_check_total{error_type="invalid_error",)"
                                   R"(policy="add-team",policy_binding="add-team-binding"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(apiserver_mutating_admission_policy_check_duration_seconds_count{)"
                                   R"(error_type="no_error",policy="add-team",policy_binding="add-team-binding"} 1)"));
  CHECK_THAT(text, !Catch::Contains("enforcement_action=\"allow\",error_type=\"no_error\""));
}
