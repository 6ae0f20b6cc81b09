// The `mutation error` log line carries the code /mutate answered: a
// MutatingAdmissionPolicy denial is a 403, not the 500 of the Gatekeeper
// mutators' errors.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "policies/policy_set.h"
#include "policies/test_support.h"
#include "webhook/admission_router.h"
#include "webhook/admission_test_support.h"
#include "webhook/log.h"
#include "webhook/log_test_support.h"
#include "webhook/metrics.h"

using namespace tollgate;

namespace {

std::string log_line(const std::string& log, const std::string& msg) {
  size_t at = log.find("\"msg\":\"" + msg + "\"");
  if (at == std::string::npos) return {};
  size_t begin = log.rfind('\n', at);
  size_t end = log.find('\n', at);
  return log.substr(begin == std::string::npos ? 0 : begin + 1, end == std::string::npos ? end : end - begin - 1);
}

}  // namespace

TEST_CASE("a MutatingAdmissionPolicy denial at /mutate is logged with the 403 it answered", "[log][map]") {
  auto loaded = policies::PolicySet::from_objects(policies::testing::yaml_all(R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: m}
spec:
  reinvocationPolicy: Never
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE]}]
  mutations:
  - {patchType: JSONPatch, jsonPatch: {expression: "[JSONPatch{op: 'remove', path: '/spec/nothing'}]"}}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: mb}
spec: {policyName: m}
)"));
  INFO(policies::testing::joined_errors(loaded.errors));
  REQUIRE(loaded.policies);
  webhook::Metrics metrics;
  webhook::AdmissionRouter router(metrics);
  router.set_policies(loaded.policies);
  // kReview is a Namespace CREATE without a resource: give it one the rule matches.
  std::string review = webhook::testing::kReview;
  review.insert(review.find("\"operation\""), R"("resource":{"group":"","version":"v1","resource":"namespaces"},)");
  webhook::HttpResponse response;
  std::string log = webhook::testing::stderr_of([&] { response = router.handle(webhook::testing::post("/mutate", review)); });
  REQUIRE_THAT(response.body(), Catch::Contains("\"code\":403"));
  std::string line = log_line(log, "mutation error");
  INFO(log);
  REQUIRE(!line.empty());
  CHECK_THAT(line, Catch::Contains("\"code\":403"));
  CHECK_THAT(line, Catch::Contains("policy 'm' with binding 'mb' denied request"));
}
