// SARIF results (and -o github annotations) point at the object that caused
// them: the first line and column of the object itself in a multi-document
// YAML file (past "---" and comments), and each item's own line and column
// in a List, YAML or JSON, as `kubectl get -o json` writes it. 1-based, as
// SARIF counts.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::audit_policies;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;

namespace {

using Where = std::pair<int, int>;  // startLine, startColumn

// "<ruleId> <object> <startLine>:<startColumn>" lines, sorted, so a failure shows them.
std::string described(const std::map<std::string, Where>& regions) {
  std::string out;
  for (const auto& [key, where] : regions) {
    out += key + " " + std::to_string(where.first) + ":" + std::to_string(where.second) + "\n";
  }
  return out;
}

// The region of each result, by "<ruleId> <object>" (the message's first words).
std::string regions(const std::string& sarif) {
  std::map<std::string, Where> out;
  nlohmann::json log = nlohmann::json::parse(sarif);
  for (const auto& result : log["runs"][0]["results"]) {
    std::string text = result["message"]["text"];
    std::string key = result["ruleId"].get<std::string>() + " " + text.substr(0, text.find(':'));
    const auto& region = result["locations"][0]["physicalLocation"]["region"];
    out[key] = {region["startLine"].get<int>(), region.value("startColumn", 0)};
  }
  return described(out);
}

constexpr const char* kNamespaces = R"(apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
)";

}  // namespace

TEST_CASE("each document of a YAML file is found at its object's first line, after --- and comments",
          "[cli][sarif][locations]") {
  TempTree tree;
  std::string policies = tree.write("policies.yaml", audit_policies());
  std::string manifests = tree.write("manifests.yaml",
                                     "# the shop's pods\n"                              // 1
                                     "apiVersion: v1\n"                                 // 2
                                     "kind: Pod\n"                                      // 3
                                     "metadata: {name: checkout, namespace: shop}\n"    // 4
                                     "---\n"                                            // 5
                                     "\n"                                               // 6
                                     "# billing has no owner either\n"                  // 7
                                     "apiVersion: v1\n"                                 // 8
                                     "kind: Pod\n"                                      // 9
                                     "metadata: {name: billing, namespace: shop}\n"     // 10
                                     "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: shop}}\n"  // 11
                                     "---\n"                                            // 12
                                     "  apiVersion: v1\n"                               // 13
                                     "  kind: Pod\n"
                                     "  metadata: {name: indented, namespace: shop}\n");
  std::string namespaces = tree.write("namespaces.yaml", kNamespaces);
  std::map<std::string, Where> expected = {
      {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/checkout", {2, 1}},
      {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/billing", {8, 1}},
      {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/indented", {13, 3}},
      {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/checkout", {2, 1}},
      {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/billing", {8, 1}},
      {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/indented", {13, 3}},
      {"K8sDenyAll/no-configmaps-yet v1/ConfigMap shop/cm", {11, 5}},
  };

  Run test = run({"test", "-f", manifests, "-f", namespaces, "--policies", policies, "-o", "sarif"});
  INFO(test.err);
  CHECK(regions(test.out) == described(expected));
  Run audit = run({"audit", "-f", manifests, "-f", namespaces, "--policies", policies, "-o", "sarif"});
  INFO(audit.err);
  CHECK(regions(audit.out) == described(expected));

  // -o github: the same lines and columns.
  Run github = run({"test", "-f", manifests, "-f", namespaces, "--policies", policies, "-o", "github"});
  CHECK_THAT(github.out, Catch::Contains("::error file=" + manifests +
                                         ",line=8,col=1,title=K8sRequiredOwner/prod-pods-need-owner::v1/Pod shop/billing"));
  CHECK_THAT(github.out, Catch::Contains("::error file=" + manifests +
                                         ",line=13,col=3,title=K8sRequiredOwner/prod-pods-need-owner::v1/Pod shop/indented"));
  CHECK_THAT(github.out, Catch::Contains("::notice file=" + manifests +
                                         ",line=11,col=5,title=K8sDenyAll/no-configmaps-yet::v1/ConfigMap shop/cm"));
}

TEST_CASE("each item of a YAML List is found at its own line and column", "[cli][audit][sarif][locations]") {
  TempTree tree;
  std::string policies = tree.write("policies.yaml", audit_policies());
  std::string list = tree.write("list.yaml",
                                "apiVersion: v1\n"                                        // 1
                                "kind: List\n"                                            // 2
                                "items:\n"                                                // 3
                                "- apiVersion: v1\n"                                      // 4
                                "  kind: Namespace\n"                                     // 5
                                "  metadata: {name: shop, labels: {env: prod}}\n"         // 6
                                "- apiVersion: v1\n"                                      // 7
                                "  kind: Pod\n"                                           // 8
                                "  metadata: {name: checkout, namespace: shop}\n"         // 9
                                "-   apiVersion: v1\n"                                    // 10
                                "    kind: Pod\n"                                         // 11
                                "    metadata: {name: billing, namespace: shop}\n"        // 12
                                "- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: shop}}\n");  // 13
  Run audit = run({"audit", "-f", list, "--policies", policies, "-o", "sarif"});
  INFO(audit.err);
  CHECK(regions(audit.out) == described({
                                  {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/checkout", {7, 3}},
                                  {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/billing", {10, 5}},
                                  {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/checkout", {7, 3}},
                                  {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/billing", {10, 5}},
                                  {"K8sDenyAll/no-configmaps-yet v1/ConfigMap shop/cm", {13, 3}},
                              }));
}

TEST_CASE("each item of a kubectl JSON List is found at its opening brace", "[cli][audit][sarif][locations]") {
  TempTree tree;
  std::string policies = tree.write("policies.yaml", audit_policies());
  // As `kubectl get namespaces,pods,configmaps -A -o json` writes it (4-space indents).
  std::string dump = tree.write("dump.json", R"({
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "labels": {"env": "prod"},
                "name": "shop"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "checkout",
                "namespace": "shop"
            },
            "spec": {"containers": [{"image": "shop/checkout:1", "name": "app"}]}
        },
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "shop"}, "data": {"a": "é]}"}}, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm2", "namespace": "shop"}}
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
)");
  // A typed list from the API server: its items carry no kind, the list's says it.
  std::string pod_list = tree.write("pods.json", R"({"kind": "PodList", "apiVersion": "v1", "items": [
  {"metadata": {"name": "billing", "namespace": "shop"}},
    {"metadata": {"name": "cart", "namespace": "shop"}}]})");
  Run audit = run({"audit", "-f", dump, "-f", pod_list, "--policies", policies, "-o", "sarif"});
  INFO(audit.err);
  CHECK(regions(audit.out) == described({
                                  {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/checkout", {12, 9}},
                                  {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/billing", {2, 3}},
                                  {"K8sRequiredOwner/prod-pods-need-owner v1/Pod shop/cart", {3, 5}},
                                  {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/checkout", {12, 9}},
                                  {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/billing", {2, 3}},
                                  {"K8sRequiredOwner/workloads-should-have-owner v1/Pod shop/cart", {3, 5}},
                                  {"K8sDenyAll/no-configmaps-yet v1/ConfigMap shop/cm", {21, 9}},
                                  {"K8sDenyAll/no-configmaps-yet v1/ConfigMap shop/cm2", {21, 123}},  // "é" is one code point
                              }));
  // The same List read from stdin has no file to point into, only the object.
  Run piped = run({"audit", "--policies", policies, "-o", "sarif"}, R"({"kind": "List", "items": [
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "shop"}}]})", false);
  nlohmann::json log = nlohmann::json::parse(piped.out);
  const auto& location = log["runs"][0]["results"][0]["locations"][0];
  CHECK_FALSE(location.contains("physicalLocation"));
  CHECK(location["logicalLocations"][0]["fullyQualifiedName"] == "shop/ConfigMap/cm");
}
