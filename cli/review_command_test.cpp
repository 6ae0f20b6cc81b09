#include <catch2/catch.hpp>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"
#include "rules/value/json.h"

namespace tollgate::cli {
namespace {

using policies::gator::testing::TempTree;
using testing::run;

constexpr const char* kPolicy = R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "object.spec.replicas <= int(params.data.max)"
    messageExpression: "'replicas must be at most ' + params.data.max"
    reason: Forbidden
  auditAnnotations:
  - {key: replicas, valueExpression: "string(object.spec.replicas)"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-prod}
spec:
  policyName: replicas
  validationActions: [Deny]
  paramRef: {name: limits, parameterNotFoundAction: Deny}
  matchResources: {namespaceSelector: {matchLabels: {env: prod}}}
)yaml";

constexpr const char* kInventory = R"(apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: limits, namespace: shop}
data: {max: "3"}
)";

std::string review_of(int replicas) {
  return R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u-1",
    "operation": "CREATE", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "resource": {"group": "apps", "version": "v1", "resource": "deployments"}, "name": "web", "namespace": "shop",
    "userInfo": {"username": "alice"}, "object": {"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": )" +
         std::to_string(replicas) + "}}}}";
}

TEST_CASE("review answers a ValidatingAdmissionPolicy denial as the API server words it", "[vap]") {
  TempTree tree;
  tree.write("policies/vap.yaml", kPolicy);
  tree.write("inventory/objects.yaml", kInventory);
  tree.write("request.json", review_of(5));
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"), "--inventory",
                tree.path("inventory")});
  INFO(r.err);
  CHECK(r.code == 1);
  value::Value out = value::parse_json_or_throw(r.out);
  const value::Value& response = out["response"];
  CHECK(response["uid"].as_string() == "u-1");
  CHECK(response["allowed"].as_bool() == false);
  CHECK(response["status"]["code"].as_int() == 403);
  CHECK(response["status"]["reason"].as_string() == "Forbidden");
  CHECK(response["status"]["message"].as_string() ==
        "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'replicas' with binding 'replicas-prod' "
        "denied request: replicas must be at most 3");
  CHECK(response["auditAnnotations"]["replicas/replicas"].as_string() == "5");
}

TEST_CASE("review allows what the policies allow, from a bare AdmissionRequest", "[vap]") {
  TempTree tree;
  tree.write("policies/vap.yaml", kPolicy);
  tree.write("inventory/objects.yaml", kInventory);
  value::Value review = value::parse_json_or_throw(review_of(2));
  tree.write("request.json", value::to_json(review["request"]));
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"), "--inventory",
                tree.path("inventory"), "-o", "yaml"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("allowed: true") != std::string::npos);
}

TEST_CASE("review refuses a policy the API server would refuse, at its line", "[vap]") {
  TempTree tree;
  tree.write("policies/binding.yaml", R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p}
)");
  tree.write("request.json", review_of(1));
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies")});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("binding.yaml:4:1: ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io \"b\" is invalid: "
                   "spec.validationActions: Required value: at least one validation action is required") !=
        std::string::npos);
}

}  // namespace
}  // namespace tollgate::cli
