// gator test's namespace rules with a real template (the library's
// K8sRequiredLabels) and real objects: an object without a namespace is
// reviewed with an empty Namespace, one in `default` with a label-less
// `default` Namespace unless one is supplied, others with the Namespace
// among the inputs (Gatekeeper v3.19.3 pkg/gator/expand NamespaceForResource,
// gatekeeper-expansion.md §5.1, §5.3).
#include <catch2/catch.hpp>

#include <algorithm>

#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_run.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;

namespace {

const std::string& kTemplate = tollgate::policies::expansion::testing::kRequiredLabelsTemplate;

// The template, a constraint requiring label `owner` on Pods with `match`,
// then the given objects.
std::vector<SourcedObject> inputs_with(const std::string& match, const std::string& objects) {
  std::vector<SourcedObject> out;
  std::string error;
  REQUIRE(read_objects_file(kTemplate, &out, &error));
  std::string constraint = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: pods-need-owner
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
)" + match + R"(
  parameters:
    labels: [{key: owner}]
)";
  INFO(constraint);
  REQUIRE(read_objects_text(constraint + "---\n" + objects, "in.yaml", &out, &error));
  return out;
}

std::string pod(const std::string& name, const std::string& ns) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + (ns.empty() ? "" : "\n  namespace: " + ns) +
         "\nspec:\n  containers: [{name: c, image: nginx}]\n---\n";
}

// Names of the Pods that got a violation, sorted, each once (the template's
// CEL code reports a missing label twice: missing, and regex mismatch).
std::vector<std::string> denied_pods(const TestRunReport& report) {
  INFO(report.error);
  REQUIRE(report.error.empty());
  std::vector<std::string> out;
  for (const ViolationReport& v : report.violations) {
    INFO(v.result.message);
    CHECK((v.result.message.rfind("missing required label", 0) == 0 || v.result.message == "regex mismatch"));
    out.emplace_back(v.violating_object["metadata"]["name"].string_or(""));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

TEST_CASE("match.namespaces [default] does not select an object that has no namespace", "[gator][test][namespace]") {
  TestRunReport report =
      run_gator_test(inputs_with("    namespaces: [default]", pod("no-namespace", "") + pod("in-default", "default")), {});
  CHECK(denied_pods(report) == std::vector<std::string>{"in-default"});
}

TEST_CASE("excludedNamespaces compare the empty name of an object that has no namespace", "[gator][test][namespace]") {
  std::string pods = pod("no-namespace", "") + pod("in-default", "default");
  // A named exclusion does not exclude it...
  CHECK(denied_pods(run_gator_test(inputs_with("    excludedNamespaces: [default]", pods), {})) ==
        std::vector<std::string>{"no-namespace"});
  // ... a bare "*" does: its Namespace is empty, not absent (as for a cluster-scoped object at the webhook).
  CHECK(denied_pods(run_gator_test(inputs_with("    excludedNamespaces: [\"*\"]", pods), {})).empty());
}

TEST_CASE("scope Namespaced selects an object without a namespace, scope Cluster does not", "[gator][test][namespace]") {
  std::string pods = pod("no-namespace", "") + pod("in-default", "default");
  CHECK(denied_pods(run_gator_test(inputs_with("    scope: Namespaced", pods), {})) ==
        std::vector<std::string>{"in-default", "no-namespace"});
  CHECK(denied_pods(run_gator_test(inputs_with("    scope: Cluster", pods), {})).empty());
}

TEST_CASE("namespaceSelector sees no labels for an object without a namespace or in an unsupplied default",
          "[gator][test][namespace]") {
  std::string pods = pod("no-namespace", "") + pod("in-default", "default");
  CHECK(denied_pods(run_gator_test(inputs_with("    namespaceSelector: {matchLabels: {team: a}}", pods), {})).empty());
  CHECK(denied_pods(run_gator_test(
            inputs_with("    namespaceSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}", pods), {})) ==
        std::vector<std::string>{"in-default", "no-namespace"});
}

TEST_CASE("Namespaces among the inputs are what namespaceSelectors see", "[gator][test][namespace]") {
  std::string objects = pod("in-default", "default") + pod("in-shop", "shop") +
                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: {team: a}\n---\n"
                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: b}\n";
  CHECK(denied_pods(run_gator_test(inputs_with("    namespaceSelector: {matchLabels: {team: a}}", objects), {})) ==
        std::vector<std::string>{"in-default"});
}

TEST_CASE("an object in a namespace gator does not know autorejects a namespaceSelector", "[gator][test][namespace]") {
  TestRunReport report =
      run_gator_test(inputs_with("    namespaceSelector: {matchLabels: {team: a}}", pod("in-shop", "shop")), {});
  REQUIRE(report.error.empty());
  REQUIRE(report.violations.size() == 1);
  CHECK(report.violations[0].result.message ==
        "unable to match constraints: error matching the requested object: in-shop :failed to run Match criteria: "
        "namespace selector for namespace-scoped object but missing Namespace");
}
