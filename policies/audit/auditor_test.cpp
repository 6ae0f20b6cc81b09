// The incremental Auditor: objects handed in one at a time give the report
// run_audit gives over the same objects, and a unit that has to be redone
// (a list restarted) is forgotten by discard().
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "policies/audit/audit_run.h"
#include "policies/gator/engine.h"
#include "policies/test_support.h"

using tollgate::policies::audit::AuditOptions;
using tollgate::policies::audit::Auditor;
using tollgate::policies::audit::AuditReport;
using tollgate::policies::audit::AuditSources;
using tollgate::policies::audit::run_audit;
using tollgate::policies::audit::SourcedObject;
using tollgate::policies::testing::kDenyAllTemplate;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;

namespace {

constexpr const char* kConstraints = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: no-pods-in-prod}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    namespaceSelector: {matchLabels: {env: prod}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: config-maps-noted}
spec:
  enforcementAction: dryrun
  match:
    kinds: [{apiGroups: [""], kinds: [ConfigMap]}]
)";

constexpr const char* kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: lab, labels: {env: dev}}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: lab}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: lab}
)";

std::vector<SourcedObject> sourced(const std::string& text) {
  std::vector<SourcedObject> out;
  for (Value& v : yaml_all(text)) out.push_back(SourcedObject{v, "cluster.yaml", 1});
  return out;
}

struct Fixture {
  std::vector<Value> policies = yaml_all(std::string(kDenyAllTemplate) + "---\n" + kConstraints);
  std::vector<Value> constraints = yaml_all(kConstraints);
  std::vector<Value> cluster = yaml_all(kCluster);

  Auditor auditor(AuditOptions options = {}) {
    tollgate::policies::gator::EngineBuild engine = tollgate::policies::gator::build_engine(policies);
    REQUIRE(engine.errors.empty());
    auto namespaces = std::make_shared<std::unordered_map<std::string, Value>>();
    for (const Value& o : cluster) {
      if (o["kind"].string_or("") == "Namespace") (*namespaces)[std::string(o["metadata"]["name"].string_or(""))] = o;
    }
    AuditSources sources;
    sources.namespace_object = [namespaces](std::string_view name) {
      auto it = namespaces->find(std::string(name));
      return it == namespaces->end() ? Value() : it->second;
    };
    return Auditor(engine.policies, constraints, options, std::move(sources));
  }
};

}  // namespace

TEST_CASE("an audit fed one object at a time reports what the whole-dump audit reports", "[audit]") {
  Fixture f;
  AuditOptions options;
  options.audit_timestamp = "2026-01-01T00:00:00Z";
  AuditReport whole = run_audit(sourced(kCluster), sourced(std::string(kDenyAllTemplate) + "---\n" + kConstraints),
                                tollgate::policies::gator::build_engine, options);
  REQUIRE(whole.error.empty());

  Auditor auditor = f.auditor(options);
  for (const Value& o : f.cluster) auditor.audit(o, "cluster.yaml", 1);
  CHECK(auditor.objects_audited() == f.cluster.size());
  AuditReport streamed = auditor.finish();

  REQUIRE(streamed.constraints.size() == 2);
  REQUIRE(whole.constraints.size() == 2);
  CHECK(streamed.objects_audited == whole.objects_audited);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(streamed.constraints[i].kind == whole.constraints[i].kind);
    CHECK(streamed.constraints[i].name == whole.constraints[i].name);
    CHECK(streamed.constraints[i].total_violations == whole.constraints[i].total_violations);
    REQUIRE(streamed.constraints[i].violations.size() == whole.constraints[i].violations.size());
    for (size_t j = 0; j < whole.constraints[i].violations.size(); ++j) {
      CHECK(streamed.constraints[i].violations[j].name == whole.constraints[i].violations[j].name);
      CHECK(streamed.constraints[i].violations[j].message == whole.constraints[i].violations[j].message);
    }
  }
  // Sorted by (kind, name): config-maps-noted (1 ConfigMap), no-pods-in-prod (a, b in shop).
  CHECK(streamed.constraints[0].name == "config-maps-noted");
  CHECK(streamed.constraints[0].total_violations == 1);
  CHECK(streamed.constraints[1].name == "no-pods-in-prod");
  CHECK(streamed.constraints[1].total_violations == 2);
  CHECK(streamed.by_namespace.at("shop").at(1) == 2);
}

TEST_CASE("an audit forgets what it reviewed since its last commit when told to discard it", "[audit]") {
  Fixture f;
  Auditor auditor = f.auditor();
  for (const Value& o : f.cluster) auditor.audit(o);
  auditor.commit();
  // A list restarted from the start: its first pass is discarded, then listed again.
  auditor.audit(f.cluster[2]);
  auditor.audit(f.cluster[3]);
  auditor.discard();
  auditor.audit(f.cluster[2]);
  AuditReport report = auditor.finish();
  CHECK(report.objects_audited == f.cluster.size() + 1);
  REQUIRE(report.constraints.size() == 2);
  CHECK(report.constraints[1].name == "no-pods-in-prod");
  CHECK(report.constraints[1].total_violations == 3);
  CHECK(report.constraints[1].violations.size() == 3);
}

TEST_CASE("an audit keeps only the first violations per constraint however many objects violate", "[audit]") {
  Fixture f;
  AuditOptions options;
  options.violations_limit = 3;
  Auditor auditor = f.auditor(options);
  for (int i = 0; i < 500; ++i) {
    auditor.audit(yaml_all("{apiVersion: v1, kind: Pod, metadata: {name: p" + std::to_string(1000 + i) +
                           ", namespace: shop}}")
                      .front());
  }
  AuditReport report = auditor.finish();
  REQUIRE(report.constraints.size() == 2);
  CHECK(report.constraints[1].total_violations == 500);
  REQUIRE(report.constraints[1].violations.size() == 3);
  // The smallest names, written in descending order as Gatekeeper does.
  CHECK(report.constraints[1].violations[0].name == "p1002");
  CHECK(report.constraints[1].violations[2].name == "p1000");
}
