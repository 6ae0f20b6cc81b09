// gator test reviews what a generator implies (gatekeeper-expansion.md
// §5.1, §10 case 31; Gatekeeper's test/gator/test/fixtures/manifests/
// expansion): a Deployment in my-ns, the template expand-deployments and a
// K8sRequiredLabels constraint on Pods with a namespaceSelector.
#include <catch2/catch.hpp>

#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_run.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;
using tollgate::policies::expansion::testing::kExpandDeployments;
using tollgate::policies::expansion::testing::kNginxDeployment;
using tollgate::policies::expansion::testing::kRequiredLabelsTemplate;

namespace {

const char* kFixture = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: all-must-have-owner
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
    namespaceSelector:
      matchExpressions:
        - key: admission.gatekeeper.sh/ignore
          operator: DoesNotExist
  parameters:
    message: "All pods must have an `owner` label that points to your company username"
    labels:
      - key: owner
        allowedRegex: "^[a-zA-Z]+.agilebank.demo$"
)";

const char* kNamespace = R"(---
apiVersion: v1
kind: Namespace
metadata:
  name: my-ns
)";

// kNginxDeployment in namespace my-ns.
std::string deployment_in_my_ns() {
  std::string deployment = kNginxDeployment;
  deployment.replace(deployment.find("  name: nginx-deployment\n"), 25, "  name: nginx-deployment\n  namespace: my-ns\n");
  return deployment;
}

TestRunReport run(const std::string& extra) {
  std::vector<SourcedObject> inputs;
  std::string error;
  REQUIRE(read_objects_file(kRequiredLabelsTemplate, &inputs, &error));
  REQUIRE(read_objects_text(std::string(kFixture) + "---\n" + deployment_in_my_ns() + "---\n" + kExpandDeployments + extra,
                            "fixture.yaml", &inputs, &error));
  // The Rego code of the template uses the constraint's message, as gator's fixture template does.
  TestRunReport report = run_gator_test(inputs, {}, engine_factory(EnginePreference::Rego));
  INFO(report.error);
  REQUIRE(report.error.empty());
  return report;
}

}  // namespace

TEST_CASE("gator test denies a Deployment for the Pod it implies", "[gator][test][expansion]") {
  TestRunReport report = run(kNamespace);
  REQUIRE(report.violations.size() == 1);
  const ViolationReport& v = report.violations[0];
  CHECK(v.result.message ==
        "[Implied by expand-deployments] All pods must have an `owner` label that points to your company username");
  CHECK(is_enforced_denial(v.result));
  // Reported against the Deployment, the object among the inputs.
  CHECK(v.violating_object["kind"].string_or("") == "Deployment");
}

TEST_CASE("gator test autorejects the implied Pod when its Namespace is unknown", "[gator][test][expansion]") {
  TestRunReport report = run("");
  REQUIRE(report.violations.size() == 1);
  CHECK(report.violations[0].result.message ==
        "[Implied by expand-deployments] unable to match constraints: error matching the requested object: "
        "nginx-deployment-pod :failed to run Match criteria: namespace selector for namespace-scoped object but "
        "missing Namespace");
}

TEST_CASE("gator test stops when a generator cannot be expanded", "[gator][test][expansion]") {
  std::vector<SourcedObject> inputs;
  std::string error;
  REQUIRE(read_objects_file(kRequiredLabelsTemplate, &inputs, &error));
  std::string deployment = deployment_in_my_ns();
  deployment.replace(deployment.find("  template:\n    metadata:"), 12, "  notemplate:\n");
  REQUIRE(read_objects_text(std::string(kFixture) + "---\n" + deployment + "---\n" + kExpandDeployments, "fixture.yaml",
                            &inputs, &error));
  TestRunReport report = run_gator_test(inputs, {});
  CHECK(report.error ==
        "auditing objects: fixture.yaml: expanding resource nginx-deployment: error expanding resource "
        "nginx-deployment: could not find source field \"spec.template\" in resource nginx-deployment");
}
