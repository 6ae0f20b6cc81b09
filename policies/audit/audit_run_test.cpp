// The audit engine: Lists unwrapped as kubectl and the API server print
// them, data.inventory limited to the Config's syncOnly kinds when a Config
// is among the policies, the Config's audit exclusions honoured.
#include "policies/audit/audit_run.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "policies/test_support.h"

using tollgate::policies::audit::AuditReport;
using tollgate::policies::audit::run_audit;
using tollgate::policies::audit::SourcedObject;
using tollgate::policies::audit::truncated_message;
using tollgate::policies::audit::unwrap_lists;
using tollgate::policies::testing::yaml_all;

namespace {

std::vector<SourcedObject> sourced(const char* text) {
  std::vector<SourcedObject> out;
  for (auto& v : yaml_all(text)) out.push_back(SourcedObject{v, "dump.yaml", 1});
  return out;
}

// Denies a Pod while a ConfigMap named "stop" is in data.inventory of its namespace.
constexpr const char* kInventoryPolicy = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sstopmarker}
spec:
  crd: {spec: {names: {kind: K8sStopMarker}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8sstopmarker
      violation[{"msg": "a stop marker is set"}] {
        data.inventory.namespace[input.review.object.metadata.namespace]["v1"]["ConfigMap"]["stop"]
      }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sStopMarker
metadata: {name: stop}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
)";

constexpr const char* kDump = R"(
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: stop, namespace: a}
)";

size_t total(const AuditReport& report) {
  REQUIRE(report.error.empty());
  return report.total_violations();
}

}  // namespace

TEST_CASE("audit reads a kubectl List item by item, and a typed list's items get its kind", "[audit]") {
  std::vector<SourcedObject> objects = unwrap_lists(sourced(R"(
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: a}}
- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: a}}
---
apiVersion: v1
kind: PodList
metadata: {resourceVersion: "7"}
items:
- metadata: {name: p, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
)"));
  REQUIRE(objects.size() == 4);
  CHECK(objects[0].object["kind"].as_string() == "Namespace");
  CHECK(objects[1].object["apiVersion"].as_string() == "apps/v1");
  CHECK(objects[2].object["kind"].as_string() == "Pod");
  CHECK(objects[2].object["apiVersion"].as_string() == "v1");
  CHECK(objects[3].object["kind"].as_string() == "ConfigMap");
}

TEST_CASE("audit's data.inventory is the whole dump, or only the Config's syncOnly kinds", "[audit]") {
  CHECK(total(run_audit(sourced(kDump), sourced(kInventoryPolicy))) == 1);

  std::string config_syncing = std::string(kInventoryPolicy) + R"(
---
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  sync:
    syncOnly:
    - {group: "", version: v1, kind: )";
  CHECK(total(run_audit(sourced(kDump), sourced((config_syncing + "ConfigMap}\n").c_str()))) == 1);
  CHECK(total(run_audit(sourced(kDump), sourced((config_syncing + "Pod}\n").c_str()))) == 0);
}

TEST_CASE("audit skips the namespaces the Config excludes from the audit process", "[audit]") {
  std::string excluding = std::string(kInventoryPolicy) + R"(
---
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  sync:
    syncOnly: [{group: "", version: v1, kind: ConfigMap}]
  match:
  - excludedNamespaces: [a]
    processes: [)";
  CHECK(total(run_audit(sourced(kDump), sourced((excluding + "audit]\n").c_str()))) == 0);
  CHECK(total(run_audit(sourced(kDump), sourced((excluding + "webhook]\n").c_str()))) == 1);
}

TEST_CASE("a status message is cut on a UTF-8 boundary", "[audit]") {
  CHECK(truncated_message(std::string(256, 'a')) == std::string(256, 'a'));
  std::string accented = std::string(252, 'a') + "\xc3\xa9" + std::string(10, 'b');  // é across byte 253
  CHECK(truncated_message(accented) == std::string(252, 'a') + "...");
}
