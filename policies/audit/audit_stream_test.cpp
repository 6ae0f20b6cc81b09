// The audit of a source read twice: the same report as run_audit over the
// same objects, with or without a Config; with one, the objects are read
// again to be reviewed instead of kept.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "policies/audit/audit_stream.h"
#include "policies/gator/engine.h"
#include "policies/test_support.h"

using tollgate::policies::audit::audit_source;
using tollgate::policies::audit::AuditReport;
using tollgate::policies::audit::ObjectSource;
using tollgate::policies::audit::run_audit;
using tollgate::policies::audit::SourcedObject;
using tollgate::policies::audit::StreamAuditOptions;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;

namespace {

// A Pod is denied when the inventory holds a ConfigMap of its namespace.
constexpr const char* kPolicies = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8snoconfigmapneighbours}
spec:
  crd: {spec: {names: {kind: K8sNoConfigMapNeighbours}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8snoconfigmapneighbours
      violation[{"msg": msg}] {
        ns := input.review.object.metadata.namespace
        cm := data.inventory.namespace[ns]["v1"]["ConfigMap"][name]
        msg := sprintf("%v shares %v with ConfigMap %v", [input.review.object.metadata.name, ns, name])
      }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNoConfigMapNeighbours
metadata: {name: pods-alone}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    namespaceSelector: {matchLabels: {env: prod}}
)";

constexpr const char* kConfig = R"(
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  sync:
    syncOnly:
    - {group: "", version: v1, kind: ConfigMap}
)";

constexpr const char* kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: lab, labels: {env: prod}}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: lab}
)";

std::vector<SourcedObject> sourced(const std::string& text) {
  std::vector<SourcedObject> out;
  for (Value& v : yaml_all(text)) out.push_back(SourcedObject{v, "cluster.yaml", 1});
  return out;
}

void check_same(const AuditReport& a, const AuditReport& b) {
  REQUIRE(a.error.empty());
  REQUIRE(b.error.empty());
  CHECK(a.objects_audited == b.objects_audited);
  REQUIRE(a.constraints.size() == b.constraints.size());
  for (size_t i = 0; i < a.constraints.size(); ++i) {
    CHECK(a.constraints[i].total_violations == b.constraints[i].total_violations);
    REQUIRE(a.constraints[i].violations.size() == b.constraints[i].violations.size());
    for (size_t j = 0; j < a.constraints[i].violations.size(); ++j) {
      CHECK(a.constraints[i].violations[j].message == b.constraints[i].violations[j].message);
    }
  }
}

}  // namespace

TEST_CASE("an audit read from a source twice reports what run_audit reports", "[audit]") {
  std::vector<SourcedObject> cluster = sourced(kCluster);
  int reads = 0;
  ObjectSource source = [&](const std::function<void(SourcedObject&&)>& each, std::string*) {
    ++reads;
    for (const SourcedObject& s : cluster) each(SourcedObject(s));
    return true;
  };
  StreamAuditOptions options;
  options.audit.audit_timestamp = "2026-01-01T00:00:00Z";
  size_t last_done = 0;
  size_t last_total = 0;
  options.progress = [&](size_t done, size_t total) {
    last_done = done;
    last_total = total;
  };

  SECTION("without a Config every object is data.inventory, kept from the first read") {
    std::vector<SourcedObject> policies = sourced(kPolicies);
    AuditReport streamed = audit_source(source, policies, tollgate::policies::gator::build_engine, options);
    AuditReport whole = run_audit(cluster, policies, tollgate::policies::gator::build_engine, options.audit);
    check_same(streamed, whole);
    CHECK(streamed.total_violations() == 1);
    CHECK(reads == 1);
  }
  SECTION("with a Config only its syncOnly kinds are kept, and the objects are read again") {
    std::vector<SourcedObject> policies = sourced(std::string(kPolicies) + "---\n" + kConfig);
    AuditReport streamed = audit_source(source, policies, tollgate::policies::gator::build_engine, options);
    AuditReport whole = run_audit(cluster, policies, tollgate::policies::gator::build_engine, options.audit);
    check_same(streamed, whole);
    CHECK(streamed.total_violations() == 1);
    CHECK(reads == 2);
  }
  CHECK(last_done == cluster.size());
  CHECK(last_total == cluster.size());
}

TEST_CASE("a source that cannot be read is the audit's error", "[audit]") {
  ObjectSource broken = [](const std::function<void(SourcedObject&&)>&, std::string* error) {
    *error = "dump.json:3: unclosed string";
    return false;
  };
  AuditReport r = audit_source(broken, sourced(kPolicies), tollgate::policies::gator::build_engine, {});
  CHECK(r.error == "dump.json:3: unclosed string");
}
