// `tollgate verify` with Tollgate's admission-policy form of a suite (gator
// has none): `policy:` (or `template:`) names a file of
// ValidatingAdmissionPolicies, bindings and params; each case's object is
// judged as a CREATE and every failed validation is one violation. The
// example suite of policies/vap/examples runs here, so CI keeps it green.
#include <catch2/catch.hpp>

#include <string>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;

namespace {

const std::string kExample = std::string(TOLLGATE_SOURCE_DIR) + "/policies/vap/examples/replica-limit/";

constexpr const char* kPolicies = R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
  - expression: "object.spec.replicas <= int(params.data.max)"
    messageExpression: "'too many replicas: ' + string(object.spec.replicas)"
  - expression: "object.spec.replicas > 0"
    message: no replicas
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max-replicas}
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef: {name: limits, namespace: default, parameterNotFoundAction: Deny}
)yaml";

constexpr const char* kParams = R"yaml(apiVersion: v1
kind: ConfigMap
metadata: {name: limits, namespace: default}
data: {max: "3"}
)yaml";

std::string deployment(int replicas) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {replicas: " +
         std::to_string(replicas) + "}\n";
}

// A suite of one test named "replicas": `files` its policy/template/constraint lines, then its cases.
std::string suite_text(const std::string& files, const std::string& cases) {
  return "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests:\n- name: replicas\n" + files + "  cases:\n" + cases;
}

}  // namespace

TEST_CASE("tollgate verify passes the example suite of ValidatingAdmissionPolicies", "[cli][verify][vap]") {
  std::string suite = kExample + "suite.yaml";
  Run r = run({"verify", suite, "-v"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("    --- PASS: prod-deployment-over-the-limit\t("));
  CHECK_THAT(r.out, Catch::Contains("    --- PASS: deployment-without-team-is-warned\t("));
  CHECK(r.out.rfind("ok\t" + suite + "\t", r.out.size()) != std::string::npos);
  CHECK(r.out.substr(r.out.size() - 7) == "\nPASS\n\n");
}

TEST_CASE("tollgate verify: a ValidatingAdmissionPolicy test fails with gator's message when the count is wrong",
          "[cli][verify][vap]") {
  TempTree tree;
  tree.write("policy.yaml", std::string(kPolicies) + "---\n" + kParams);
  tree.write("big.yaml", deployment(5));
  tree.write("none.yaml", deployment(0));
  std::string suite = tree.write("suite.yaml", suite_text("  policy: policy.yaml\n", R"yaml(  - name: too-many
    object: big.yaml
    assertions:
    - violations: 1
      message: "^ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas' denied request: too many replicas: 5$"
  - name: zero-is-wrongly-expected-to-pass
    object: none.yaml
    assertions:
    - violations: no
)yaml"));
  Run r = run({"verify", suite});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.out, Catch::Contains("    --- FAIL: zero-is-wrongly-expected-to-pass\t("));
  CHECK_THAT(r.out, Catch::Contains("unexpected number of violations: got 1 violations but want none"));
  CHECK_THAT(r.out, Catch::Contains("no replicas"));
  CHECK(r.out.find("--- FAIL: too-many") == std::string::npos);
}

TEST_CASE("tollgate verify: template and constraint may name the policy and its binding and params",
          "[cli][verify][vap]") {
  TempTree tree;
  tree.write("policy.yaml", kPolicies);
  tree.write("params.yaml", kParams);
  tree.write("big.yaml", deployment(9));
  tree.write("ok.yaml", deployment(2));
  std::string suite = tree.write("suite.yaml", suite_text("  template: policy.yaml\n  constraint: params.yaml\n",
                                                          R"yaml(  - name: too-many
    object: big.yaml
    assertions:
    - violations: 1
      message: "too many replicas: 9"
  - name: fine
    object: ok.yaml
    assertions:
    - violations: no
)yaml"));
  Run r = run({"verify", suite});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
}

TEST_CASE("tollgate verify: params may come from a case's inventory", "[cli][verify][vap]") {
  TempTree tree;
  tree.write("policy.yaml", kPolicies);
  tree.write("params.yaml", kParams);
  tree.write("big.yaml", deployment(9));
  std::string suite = tree.write("suite.yaml", suite_text("  policy: policy.yaml\n", R"yaml(  - name: with-params
    object: big.yaml
    inventory: [params.yaml]
    assertions:
    - violations: 1
      message: "too many replicas: 9"
  - name: without-params
    object: big.yaml
    assertions:
    - violations: 1
      message: "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
)yaml"));
  Run r = run({"verify", suite, "-v"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
}

TEST_CASE("tollgate verify: a policy file without an admission policy fails its test", "[cli][verify][vap]") {
  TempTree tree;
  tree.write("params.yaml", kParams);
  tree.write("big.yaml", deployment(9));
  std::string suite = tree.write("suite.yaml", suite_text("  policy: params.yaml\n", R"yaml(  - name: c
    object: big.yaml
    assertions:
    - violations: no
)yaml"));
  Run r = run({"verify", suite});
  CHECK(r.code == 1);
  CHECK_THAT(r.out, Catch::Contains("invalid Suite: no ValidatingAdmissionPolicy or MutatingAdmissionPolicy in " +
                                    tree.path("params.yaml")));
}

TEST_CASE("tollgate verify: invalid: true expects the policy to be refused as the API server refuses it",
          "[cli][verify][vap]") {
  TempTree tree;
  tree.write("policy.yaml", std::string(kPolicies) + R"yaml(---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: nameless}
spec: {validationActions: [Deny]}
)yaml");
  tree.write("big.yaml", deployment(9));
  std::string invalid = tree.write("invalid.yaml", suite_text("  policy: policy.yaml\n  invalid: true\n", ""));
  Run refused = run({"verify", invalid});
  INFO(refused.out << refused.err);
  CHECK(refused.code == 0);

  std::string valid = tree.write("valid.yaml", suite_text("  policy: policy.yaml\n", R"yaml(  - name: c
    object: big.yaml
    assertions:
    - violations: no
)yaml"));
  Run r = run({"verify", valid});
  CHECK(r.code == 1);
  CHECK_THAT(r.out, Catch::Contains("adding policy: "));
  CHECK_THAT(r.out, Catch::Contains("policyName"));
}
