// serve's audit (--audit-interval) against a test API server: the kinds the
// constraints match listed in pages, the same totals and violations as
// `tollgate audit` on the same objects offline, Gatekeeper's audit metrics,
// /audit, and what happens when this replica does not lead, a kind is
// forbidden, a continue token expires, or the interval is 0.
#include "webhook/kube/audit_loop.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/audit_test_support.h"
#include "policies/audit/audit_report.h"
#include "policies/test_support.h"
#include "rules/value/json.h"
#include "webhook/kube/audit_loop_test_support.h"
#include "webhook/kube/kube_test_support.h"
#include "webhook/metrics.h"
#include "webhook/metrics_endpoint.h"
#include "webhook/wait_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using tollgate::value::Value;
using tollgate::webhook::testing::eventually;
namespace audit = tollgate::policies::audit;
using namespace std::chrono_literals;

namespace {

// What `tollgate audit` reports on the same objects offline.
audit::AuditReport offline_report(const std::vector<Value>& objects) {
  return offline_audit(objects, tollgate::cli::testing::audit_policies());
}

// A test API server with the fixture cluster and an AuditLoop on it.
struct Rig : AuditRig {
  explicit Rig(std::function<bool()> is_leader = nullptr, size_t chunk_size = 2,
               std::chrono::milliseconds interval = 60s)
      : AuditRig(tollgate::cli::testing::kAuditCluster, tollgate::cli::testing::audit_policies(), std::move(is_leader),
                 chunk_size, interval) {}
};

const audit::ConstraintAudit& find_constraint(const audit::AuditReport& report, const std::string& name) {
  for (const audit::ConstraintAudit& c : report.constraints) {
    if (c.name == name) return c;
  }
  FAIL("no constraint " << name);
  return report.constraints.front();
}

}  // namespace

TEST_CASE("serve's audit lists the matched kinds in pages and finds what tollgate audit finds offline", "[kube][audit]") {
  Rig rig;
  REQUIRE(rig.loop->run_once());

  // Chunked lists: limit=2, then the continue tokens the server gave.
  std::vector<ApiRequest> requests = rig.server.requests();
  int pod_pages = 0;
  int continued = 0;
  for (const ApiRequest& r : requests) {
    if (r.path != "/api/v1/pods") continue;
    ++pod_pages;
    CHECK(r.param("limit") == "2");
    continued += r.param("continue").empty() ? 0 : 1;
  }
  CHECK(pod_pages == 2);  // 4 Pods
  CHECK(continued == 1);
  // The scoped webhook-only constraint has no match.kinds: every listable resource is audited.
  CHECK(rig.requests_for("/api/v1/namespaces") == 1);
  CHECK(rig.requests_for("/apis/apps/v1/deployments") == 1);
  CHECK(rig.requests_for("/api/v1/bindings") == 0);  // not listable
  CHECK(rig.requests_for("/apis/apps/v1/deployments/scale") == 0);

  // The same constraints, totals and violations as the offline audit, in the same JSON.
  audit::AuditReport offline = offline_report(rig.fake.objects);
  Value served = rig.report();
  Value expected = audit::audit_report_value(offline);
  tollgate::policies::testing::check_same(statuses(served), statuses(expected));
  CHECK(served["summary"]["totalViolations"] == expected["summary"]["totalViolations"]);
  CHECK(served["summary"]["objectsAudited"] == expected["summary"]["objectsAudited"]);
  CHECK(find_constraint(offline, "prod-pods-need-owner").total_violations == 2);  // checkout, billing in shop
  CHECK(find_constraint(offline, "workloads-should-have-owner").total_violations == 4);
  CHECK(served["summary"]["kindsFailed"].size() == 0);
}

TEST_CASE("serve's audit exports Gatekeeper's audit metrics and a gauge per constraint", "[kube][audit]") {
  Rig rig;
  REQUIRE(rig.loop->run_once());
  std::string text = rig.metrics.render();
  CHECK_THAT(text, Catch::Contains("# TYPE gatekeeper_violations gauge"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="deny"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="warn"} 4)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="dryrun"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="scoped"} 0)"));
  CHECK_THAT(text, Catch::Contains("# TYPE gatekeeper_audit_duration_seconds histogram"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_audit_duration_seconds_bucket{le="60"} 1)"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_audit_duration_seconds_count 1"));
  CHECK_THAT(text, Catch::Contains("# TYPE gatekeeper_audit_last_run_time gauge"));
  CHECK_THAT(text, Catch::Contains("# TYPE gatekeeper_audit_last_run_end_time gauge"));
  CHECK_THAT(text, Catch::Contains(
                       R"(tollgate_audit_constraint_violations{constraint_kind="K8sRequiredOwner",constraint_name="prod-pods-need-owner",enforcement_action="deny"} 2)"));
  CHECK_THAT(text, Catch::Contains(
                       R"(tollgate_audit_constraint_violations{constraint_kind="K8sDenyAll",constraint_name="no-configmaps-yet",enforcement_action="dryrun"} 2)"));
  CHECK_THAT(text, Catch::Contains("tollgate_audit_objects 9"));
  // The run's start and end are now, in Unix seconds (not 0).
  CHECK_THAT(text, !Catch::Contains("gatekeeper_audit_last_run_time 0\n"));
  CHECK_THAT(text, !Catch::Contains("gatekeeper_audit_last_run_end_time 0\n"));

  // A constraint that goes away loses its series at the next run.
  {
    std::lock_guard<std::mutex> lock(rig.mutex);
    std::string without_configmaps = std::string(tollgate::cli::testing::kRequiredOwnerTemplate) + "---" +
                                     tollgate::policies::testing::kDenyAllTemplate + R"(
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredOwner
metadata: {name: prod-pods-need-owner}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    namespaceSelector: {matchLabels: {env: prod}}
)";
    rig.policies = load_audit_policies(without_configmaps);
  }
  REQUIRE(rig.loop->run_once());
  text = rig.metrics.render();
  CHECK_THAT(text, !Catch::Contains("no-configmaps-yet"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="dryrun"} 0)"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_audit_duration_seconds_count 2"));
}

TEST_CASE("/audit on the metrics port answers 503 with the reason before the first run, then the report", "[kube][audit]") {
  Rig rig;
  tollgate::webhook::MetricsEndpoint endpoint(rig.metrics);
  endpoint.add_route("/audit", [&] {
    AuditLoop::Answer a = rig.loop->answer();
    return tollgate::webhook::make_response(static_cast<tollgate::webhook::http::status>(a.status),
                                            "application/json", a.body);
  });
  tollgate::webhook::HttpRequest request{tollgate::webhook::http::verb::get, "/audit", 11};
  tollgate::webhook::HttpResponse before = endpoint.handle(request);
  CHECK(before.result_int() == 503);
  CHECK_THAT(before.body(), Catch::Contains("no audit run has finished yet"));

  REQUIRE(rig.loop->run_once());
  tollgate::webhook::HttpResponse after = endpoint.handle(request);
  CHECK(after.result_int() == 200);
  CHECK(after[tollgate::webhook::http::field::content_type] == "application/json");
  Value document;
  tollgate::value::JsonError error;
  REQUIRE(tollgate::value::parse_json(after.body(), &document, &error));
  CHECK(document["kind"].string_or("") == "List");
  CHECK(document["items"].size() == 4);
  CHECK(document["summary"]["kindsListed"].size() == 4);
  // /metrics and /healthz still answer beside it.
  tollgate::webhook::HttpRequest metrics{tollgate::webhook::http::verb::get, "/metrics", 11};
  CHECK(endpoint.handle(metrics).result_int() == 200);

  CHECK(audit_off_answer("audit is off (--audit-interval 0)").status == 503);
}

TEST_CASE("a replica that does not lead lists nothing and says so at /audit", "[kube][audit]") {
  std::atomic<bool> leading{false};
  Rig rig([&] { return leading.load(); });
  CHECK_FALSE(rig.loop->run_once());
  CHECK(rig.server.requests().empty());
  AuditLoop::Answer answer = rig.loop->answer();
  CHECK(answer.status == 503);
  CHECK_THAT(answer.body, Catch::Contains("not the leader"));

  leading = true;
  CHECK(rig.loop->run_once());
  CHECK(rig.loop->answer().status == 200);
}

TEST_CASE("a kind the audit may not list is counted and named, and the other kinds are still audited", "[kube][audit]") {
  Rig rig;
  rig.fake.forbid("/api/v1/configmaps");
  REQUIRE(rig.loop->run_once());
  Value report = rig.report();
  REQUIRE(report["summary"]["kindsFailed"].size() == 1);
  CHECK(report["summary"]["kindsFailed"].items()[0]["kind"].string_or("") == "configmaps");
  CHECK_THAT(std::string(report["summary"]["kindsFailed"].items()[0]["error"].string_or("")), Catch::Contains("403"));
  std::string text = rig.metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(tollgate_audit_errors_total{kind="configmaps"} 1)"));
  // Pods and Deployments were still audited; the ConfigMaps were not.
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="deny"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="warn"} 4)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="dryrun"} 0)"));
}

TEST_CASE("an expired continue token lists the kind again without counting its objects twice", "[kube][audit]") {
  Rig rig;
  rig.fake.expire_next_continue("/api/v1/pods");
  REQUIRE(rig.loop->run_once());
  // First page, the expired continue, then the list again from the start: two pages.
  CHECK(rig.requests_for("/api/v1/pods") == 4);
  audit::AuditReport offline = offline_report(rig.fake.objects);
  Value served = rig.report();
  tollgate::policies::testing::check_same(statuses(served), statuses(audit::audit_report_value(offline)));
  CHECK(served["summary"]["objectsAudited"].as_int() == 9);
}

TEST_CASE("with --audit-interval 0 nothing is ever listed, otherwise a run comes every interval", "[kube][audit]") {
  {
    Rig rig(nullptr, 500, 0ms);
    rig.loop->start();
    std::this_thread::sleep_for(200ms);
    CHECK(rig.loop->runs() == 0);
    CHECK(rig.server.requests().empty());
    rig.loop->stop();
  }
  Rig rig(nullptr, 500, 50ms);
  rig.loop->start();
  CHECK(eventually([&] { return rig.loop->runs() >= 2; }));
  rig.loop->stop();
  CHECK(rig.loop->answer().status == 200);
}

TEST_CASE("the audit lists only the kinds the constraints match, or all for a wildcard", "[kube][audit]") {
  std::vector<ResourceRef> listable = {{"", "v1", "pods", "Pod", true},
                                       {"", "v1", "configmaps", "ConfigMap", true},
                                       {"apps", "v1", "deployments", "Deployment", true},
                                       {"networking.k8s.io", "v1", "ingresses", "Ingress", true}};
  auto names = [&](const std::string& constraints) {
    std::vector<std::string> out;
    for (const ResourceRef& r : resources_to_audit(tollgate::policies::testing::yaml_all(constraints), listable)) {
      out.push_back(r.label());
    }
    return out;
  };
  CHECK(names("spec: {match: {kinds: [{apiGroups: [''], kinds: [Pod]}]}}") == std::vector<std::string>{"pods"});
  CHECK(names("spec: {match: {kinds: [{apiGroups: ['*'], kinds: [Deployment, Ingress]}]}}") ==
        std::vector<std::string>{"deployments.apps", "ingresses.networking.k8s.io"});
  CHECK(names("spec: {match: {kinds: [{apiGroups: [apps], kinds: ['*']}]}}") == std::vector<std::string>{"deployments.apps"});
  CHECK(names("spec: {match: {namespaces: [a]}}").size() == 4);
  CHECK(names("spec: {match: {kinds: [{apiGroups: [''], kinds: [Pod]}]}}\n---\nspec: {}").size() == 4);
}
