// `tollgate test` with ValidatingAdmissionPolicies among the policies: each
// failed validation is reported like a constraint's violation, worded as the
// API server words it; Deny fails the run, Warn and Audit are reported only.
// The example pack of policies/vap/examples/replica-limit is the input.
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
const std::string kPolicy = kExample + "policy.yaml";

std::string sample(const std::string& name) { return kExample + "samples/" + name; }

constexpr const char* kDenied =
    "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-prod' denied request: replicas 10 exceed "
    "the limit of 5";
constexpr const char* kWarned =
    "Validation failed for ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label': every "
    "Deployment needs a team label";

// `tollgate test` of one sample (with the samples' Namespaces) against the example's policies.
Run test_sample(const std::string& name, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"test", "-f", sample("namespaces.yaml"), "-f", sample(name), "--policies", kPolicy};
  args.insert(args.end(), more.begin(), more.end());
  return run(args);
}

}  // namespace

TEST_CASE("tollgate test: a Deny ValidatingAdmissionPolicy fails the run with the API server's message",
          "[cli][test][vap]") {
  Run r = test_sample("deployment-prod-10-replicas.yaml");
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out == std::string("apps/v1/Deployment shop-prod/checkout: [\"replica-limit\"] Message: \"") + kDenied + "\"\n");
}

TEST_CASE("tollgate test: a Deployment the policies admit passes, in another namespace the binding does not select",
          "[cli][test][vap]") {
  Run within = test_sample("deployment-prod-3-replicas.yaml");
  CHECK(within.code == 0);
  CHECK(within.out.empty());
  Run dev = test_sample("deployment-dev-10-replicas.yaml");
  CHECK(dev.code == 0);
  CHECK(dev.out.empty());
}

TEST_CASE("tollgate test: Warn and Audit ValidatingAdmissionPolicy failures are printed and the run passes",
          "[cli][test][vap]") {
  Run r = test_sample("deployment-prod-no-team.yaml");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == std::string("apps/v1/Deployment shop-prod/cart: [\"require-team-label\"] Message: \"") + kWarned + "\"\n");

  Run deny_only = test_sample("deployment-prod-no-team.yaml", {"--deny-only"});
  CHECK(deny_only.code == 0);
  CHECK(deny_only.out.empty());

  TempTree tree;
  std::string audit_only = tree.write("audit.yaml", R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-latest}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  validations:
  - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
    message: no latest images
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-latest}
spec: {policyName: no-latest, validationActions: [Audit]}
)yaml");
  std::string pod = tree.write("pod.yaml", R"yaml(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  containers: [{name: web, image: "nginx:latest"}]
)yaml");
  Run audited = run({"test", "-f", pod, "--policies", audit_only, "-o", "json"});
  INFO(audited.err);
  CHECK(audited.code == 0);
  auto results = nlohmann::json::parse(audited.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0]["enforcementAction"] == "audit");
  CHECK(results[0]["msg"] ==
        "Validation failed for ValidatingAdmissionPolicy 'no-latest' with binding 'no-latest': no latest images");
  CHECK(results[0]["metadata"]["details"]["binding"] == "no-latest");
  CHECK(results[0]["metadata"]["details"]["validationActions"] == nlohmann::json::array({"Audit"}));
}

TEST_CASE("tollgate test: ValidatingAdmissionPolicy failures appear in the json, junit, sarif and github formats",
          "[cli][test][vap]") {
  std::vector<std::string> args = {"test", "-f", sample("namespaces.yaml"), "-f", sample("deployment-prod-10-replicas.yaml"),
                                   "-f", sample("deployment-prod-no-team.yaml"), "--policies", kPolicy, "-o"};
  auto with_format = [&](const char* format) {
    std::vector<std::string> a = args;
    a.push_back(format);
    return run(a);
  };

  Run json = with_format("json");
  CHECK(json.code == 1);
  auto results = nlohmann::json::parse(json.out);
  REQUIRE(results.size() == 2);
  CHECK(results[0]["enforcementAction"] == "deny");
  CHECK(results[0]["msg"] == kDenied);
  CHECK(results[0]["violatingObject"]["metadata"]["name"] == "checkout");
  CHECK(results[1]["enforcementAction"] == "warn");
  CHECK(results[1]["msg"] == kWarned);

  Run junit = with_format("junit");
  CHECK(junit.code == 1);
  CHECK_THAT(junit.out, Catch::Contains("<failure type=\"deny\" message=\"[replica-limit] ValidatingAdmissionPolicy "
                                        "&apos;replica-limit&apos; with binding &apos;replica-limit-prod&apos; denied"));
  CHECK_THAT(junit.out, Catch::Contains("<system-out>warn: [require-team-label] Validation failed for"));

  Run sarif = with_format("sarif");
  CHECK(sarif.code == 1);
  auto log = nlohmann::json::parse(sarif.out);
  std::vector<std::string> levels;
  for (const auto& result : log["runs"][0]["results"]) levels.push_back(result["level"]);
  CHECK(levels == std::vector<std::string>{"error", "warning"});
  CHECK(log["runs"][0]["results"][0]["ruleId"] == "ValidatingAdmissionPolicy/replica-limit");

  Run github = with_format("github");
  CHECK(github.code == 1);
  CHECK_THAT(github.out, Catch::StartsWith("::error file=") &&
                             Catch::Contains("deployment-prod-10-replicas.yaml,line=1,col=1,title=ValidatingAdmissionPolicy/"
                                             "replica-limit::apps/v1/Deployment shop-prod/checkout: " +
                                             std::string(kDenied)));
  CHECK_THAT(github.out, Catch::Contains("\n::warning file=") &&
                             Catch::Contains("deployment-prod-no-team.yaml,line=1,col=1,title=ValidatingAdmissionPolicy/"
                                             "require-team-label::"));
}

TEST_CASE("tollgate test: a MutatingAdmissionPolicy applies before the ValidatingAdmissionPolicies judge",
          "[cli][test][vap]") {
  TempTree tree;
  std::string policies = tree.write("policies.yaml", R"yaml(apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: default-team}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  reinvocationPolicy: Never
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'team': 'unowned'}}}"
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: default-team}
spec: {policyName: default-team}
)yaml");
  Run without = test_sample("deployment-prod-no-team.yaml");
  CHECK_THAT(without.out, Catch::Contains("require-team-label"));
  Run with = test_sample("deployment-prod-no-team.yaml", {"--policies", policies});
  INFO(with.err);
  CHECK(with.code == 0);
  CHECK(with.out.empty());
}
