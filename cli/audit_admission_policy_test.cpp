// `tollgate audit` with ValidatingAdmissionPolicies among the policies
// (Gatekeeper's audit does not run them): each object of the dump is judged
// as if created now, and each failure counts for its binding, reported like
// a constraint with the action of its validationActions.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;

namespace {

const std::string kExample = std::string(TOLLGATE_SOURCE_DIR) + "/policies/vap/examples/replica-limit/";

// The example's samples as one dump, as `kubectl get -A -o json` would list them.
std::string dump(const TempTree& tree) {
  return tree.write("dump.yaml", R"yaml(apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop-prod, labels: {env: prod}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: shop-dev, labels: {env: dev}}}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: checkout, namespace: shop-prod, labels: {team: payments}}
  spec: {replicas: 10}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: checkout, namespace: shop-dev, labels: {team: payments}}
  spec: {replicas: 10}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: cart, namespace: shop-prod}
  spec: {replicas: 2}
)yaml");
}

}  // namespace

TEST_CASE("tollgate audit reports ValidatingAdmissionPolicy failures per binding with its action",
          "[cli][audit][vap]") {
  TempTree tree;
  std::string objects = dump(tree);
  Run r = run({"audit", "-f", objects, "--policies", kExample + "policy.yaml"});
  INFO(r.err);
  CHECK(r.code == 1);  // a Deny binding has a violation
  CHECK(r.out.substr(0, r.out.find(" (audited ")) ==
        "ValidatingAdmissionPolicyBinding/replica-limit-prod (deny): 1 violation\n"
        "  apps/v1/Deployment shop-prod/checkout: ValidatingAdmissionPolicy 'replica-limit' with binding "
        "'replica-limit-prod' denied request: replicas 10 exceed the limit of 5\n"
        "ValidatingAdmissionPolicyBinding/require-team-label (warn): 1 violation\n"
        "  apps/v1/Deployment shop-prod/cart: Validation failed for ValidatingAdmissionPolicy 'require-team-label' "
        "with binding 'require-team-label': every Deployment needs a team label\n"
        "Total: 2 violations of 2 constraints in 5 objects");
}

TEST_CASE("tollgate audit: a Warn binding's violations reach --fail-on warn, not deny", "[cli][audit][vap]") {
  TempTree tree;
  // The Namespace answers the other binding's namespaceSelector (without it, that binding fails closed).
  std::string objects = tree.write("dump.yaml", R"yaml(apiVersion: v1
kind: Namespace
metadata: {name: shop-prod, labels: {env: prod}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop-prod}
spec: {replicas: 2}
)yaml");
  std::string policies = kExample + "policy.yaml";
  CHECK(run({"audit", "-f", objects, "--policies", policies}).code == 0);
  CHECK(run({"audit", "-f", objects, "--policies", policies, "--fail-on", "warn"}).code == 1);

  Run json = run({"audit", "-f", objects, "--policies", policies, "-o", "json"});
  auto report = nlohmann::json::parse(json.out);
  nlohmann::json binding;
  for (const auto& item : report["items"]) {
    if (item["metadata"]["name"] == "require-team-label" && item["kind"] == "ValidatingAdmissionPolicyBinding") binding = item;
  }
  REQUIRE(binding.is_object());
  CHECK(binding["status"]["totalViolations"] == 1);
  CHECK(binding["status"]["violations"][0]["enforcementAction"] == "warn");
  CHECK(binding["status"]["violations"][0]["name"] == "cart");
}

TEST_CASE("tollgate audit without ValidatingAdmissionPolicies reports no binding", "[cli][audit][vap]") {
  TempTree tree;
  std::string objects = dump(tree);
  Run r = run({"audit", "-f", objects, "--policies", std::string(TOLLGATE_SOURCE_DIR) + "/policies/library/templates",
               "--policies", std::string(TOLLGATE_SOURCE_DIR) + "/policies/library/constraints"});
  INFO(r.err);
  CHECK(r.out.find("ValidatingAdmissionPolicy") == std::string::npos);
}
