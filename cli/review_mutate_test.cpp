// `tollgate review --mutate` answers as serve's /mutate: the Gatekeeper
// mutators, then the MutatingAdmissionPolicies, the patch in base64 with
// patchType JSONPatch, or the refusal with the policy's code.
#include <catch2/catch.hpp>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"
#include "rules/value/base64.h"
#include "rules/value/json.h"

namespace tollgate::cli {
namespace {

using policies::gator::testing::TempTree;
using testing::run;

constexpr const char* kPolicies = R"yaml(apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  reinvocationPolicy: Never
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration: {expression: "Object{spec: Object.spec{replicas: int(params.data.replicas)}}"}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: replicas-shop}
spec:
  policyName: replicas
  paramRef: {name: defaults, parameterNotFoundAction: Deny}
---
apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata: {name: team}
spec:
  match: {kinds: [{apiGroups: [apps], kinds: [Deployment]}]}
  location: metadata.labels.team
  parameters: {assign: {value: shop}}
)yaml";

constexpr const char* kInventory = R"(apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: defaults, namespace: shop}
data: {replicas: "2"}
)";

std::string review_in(const std::string& ns) {
  return R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u-7",
    "operation": "CREATE", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "resource": {"group": "apps", "version": "v1", "resource": "deployments"}, "name": "web", "namespace": ")" +
         ns + R"(", "object": {"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": ")" +
         ns + R"("}, "spec": {"replicas": 5}}}})";
}

}  // namespace

TEST_CASE("review --mutate prints the JSONPatch /mutate would answer, MutatingAdmissionPolicies included", "[map]") {
  TempTree tree;
  tree.write("policies/policies.yaml", kPolicies);
  tree.write("inventory/objects.yaml", kInventory);
  tree.write("request.json", review_in("shop"));
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"), "--inventory",
                tree.path("inventory"), "--mutate"});
  INFO(r.err);
  INFO(r.out);
  CHECK(r.code == 0);
  value::Value out = value::parse_json_or_throw(r.out);
  const value::Value& response = out["response"];
  CHECK(response["uid"].as_string() == "u-7");
  CHECK(response["allowed"].as_bool());
  CHECK(response["patchType"].as_string() == "JSONPatch");
  std::string patch_text;
  REQUIRE(value::base64_decode(response["patch"].as_string(), &patch_text));
  value::Value patch = value::parse_json_or_throw(patch_text);
  // The mutator's label, then the policy's replicas from its ConfigMap param.
  CHECK_THAT(patch_text, Catch::Contains(R"("path":"/metadata/labels")"));
  CHECK_THAT(patch_text, Catch::Contains(R"("op":"replace","path":"/spec/replicas","value":2)"));
  CHECK(patch.size() == 2);
}

TEST_CASE("review --mutate refuses with the MutatingAdmissionPolicy's code when its param is missing", "[map]") {
  TempTree tree;
  tree.write("policies/policies.yaml", kPolicies);
  tree.write("inventory/objects.yaml", kInventory);
  tree.write("request.json", review_in("elsewhere"));
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"), "--inventory",
                tree.path("inventory"), "--mutate", "-o", "json"});
  INFO(r.err);
  INFO(r.out);
  CHECK(r.code == 1);
  value::Value response = value::parse_json_or_throw(r.out)["response"];
  CHECK_FALSE(response["allowed"].as_bool());
  CHECK(response["status"]["code"].as_int() == 403);
  CHECK_THAT(response["status"]["message"].as_string(),
             Catch::Contains("policy 'replicas' with binding 'replicas-shop' denied request: failed to configure "
                             "binding: "));
  CHECK(response.find("patch") == nullptr);
}

}  // namespace tollgate::cli
