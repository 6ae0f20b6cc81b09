// The admission endpoints with a cluster behind them: namespaceSelector
// answered from the Namespace cache, data.inventory from the sync, /readyz
// waiting for the first Namespace list.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "policies/policy_set.h"
#include "policies/rego_driver.h"
#include "policies/test_support.h"
#include "webhook/admission_router.h"
#include "webhook/kube/cluster_view.h"
#include "webhook/kube/kube_test_support.h"
#include "webhook/metrics.h"

using namespace tollgate::webhook;
using tollgate::policies::PolicySet;
using tollgate::policies::testing::kDenyAllTemplate;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;
using tollgate::webhook::kube::testing::kNoPodsInProd;

namespace {

class FakeCluster final : public kube::ClusterView {
 public:
  Value namespace_object(std::string_view name) const override {
    ++lookups;
    for (const Value& ns : namespaces) {
      if (ns["metadata"]["name"].string_or("") == name) return ns;
    }
    return {};
  }
  Value inventory_data() const override { return inventory; }
  bool ready(std::string* why) const override {
    if (!listed) *why = "Namespaces not listed from the kube API yet";
    return listed;
  }
  void policies_changed(const std::shared_ptr<const PolicySet>& policies) override { last_policies = policies; }

  std::vector<Value> namespaces;
  Value inventory;
  bool listed = true;
  mutable int lookups = 0;
  std::shared_ptr<const PolicySet> last_policies;
};

std::shared_ptr<const PolicySet> load(const std::vector<Value>& objects) {
  auto loaded = PolicySet::from_objects(objects);
  INFO(tollgate::policies::testing::joined_errors(loaded.errors));
  REQUIRE(loaded.policies);
  return loaded.policies;
}

std::string pod_in(const std::string& ns) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":")" + ns + R"("}})";
}

std::string pod_review(const std::string& ns, const std::string& kind = "Pod", const std::string& group = "",
                       std::string object = "") {
  if (object.empty()) object = pod_in(ns);
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":")" +
         group + R"(","version":"v1","kind":")" + kind + R"("},"operation":"CREATE","namespace":")" + ns +
         R"(","userInfo":{"username":"alice"},"object":)" + object + "}}";
}

HttpResponse send(AdmissionRouter& router, const std::string& path, const std::string& body) {
  HttpRequest request(http::verb::post, path, 11);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  return router.handle(request);
}

nlohmann::json verdict(AdmissionRouter& router, const std::string& body) {
  HttpResponse response = send(router, "/validate", body);
  REQUIRE(response.result() == http::status::ok);
  return nlohmann::json::parse(response.body())["response"];
}

Value ns(const std::string& name, const std::string& env) {
  return yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {env: " + env + "}}\n");
}

}  // namespace

TEST_CASE("namespaceSelector is answered from the cluster's Namespaces", "[admission_router][kube]") {
  Metrics metrics;
  FakeCluster cluster;
  cluster.namespaces = {ns("payments", "prod"), ns("sandbox", "dev")};
  AdmissionRouter router(metrics);
  router.set_cluster(&cluster);
  router.set_policies(load({yaml(kDenyAllTemplate), yaml(kNoPodsInProd)}));

  nlohmann::json in_prod = verdict(router, pod_review("payments"));
  CHECK(in_prod["allowed"] == false);
  CHECK(in_prod["status"]["message"] == "[no-pods-in-prod] denied p");
  CHECK(verdict(router, pod_review("sandbox"))["allowed"] == true);
  // A Namespace the cache has not seen: as Gatekeeper without one, the constraint cannot match.
  nlohmann::json unknown = verdict(router, pod_review("brand-new"));
  CHECK(unknown["allowed"] == false);
  CHECK_THAT(unknown["status"]["message"].get<std::string>(), Catch::Contains("unable to match constraints"));
}

TEST_CASE("Without a cluster, namespaceSelector falls back to the Namespaces loaded with the policies",
          "[admission_router][kube]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(load({yaml(kDenyAllTemplate), yaml(kNoPodsInProd), ns("payments", "prod")}));
  CHECK(verdict(router, pod_review("payments"))["allowed"] == false);
}

TEST_CASE("A Namespace request is matched on its own labels, not looked up", "[admission_router][kube]") {
  Metrics metrics;
  FakeCluster cluster;
  cluster.namespaces = {ns("payments", "dev")};  // stale: the request relabels it
  AdmissionRouter router(metrics);
  router.set_cluster(&cluster);
  const char* deny_prod_namespaces = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: no-prod-namespaces}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Namespace"]}]
    namespaceSelector:
      matchLabels: {env: prod}
)";
  router.set_policies(load({yaml(kDenyAllTemplate), yaml(deny_prod_namespaces)}));
  std::string relabel = pod_review(
      "", "Namespace", "", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"payments","labels":{"env":"prod"}}})");
  CHECK(verdict(router, relabel)["allowed"] == false);
  CHECK(cluster.lookups == 0);
}

TEST_CASE("Rego policies read the cluster's synced objects as data.inventory", "[admission_router][kube]") {
  Metrics metrics;
  FakeCluster cluster;
  AdmissionRouter router(metrics);
  router.set_cluster(&cluster);
  std::vector<Value> policies = yaml_all(R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8suniqueapplabel}
spec:
  crd: {spec: {names: {kind: K8sUniqueAppLabel}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8suniqueapplabel
      violation[{"msg": msg}] {
        app := input.review.object.metadata.labels.app
        other := data.inventory.namespace[ns][_]["Pod"][name]
        other.metadata.labels.app == app
        msg := sprintf("app %v is already run by %v/%v", [app, ns, name])
      }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sUniqueAppLabel
metadata: {name: unique-app}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
)");
  router.set_policies(load(policies));
  std::string pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"shop","labels":{"app":"billing"}}})";
  CHECK(verdict(router, pod_review("shop", "Pod", "", pod))["allowed"] == true);
  // The sync swaps in a new document; no policy reload.
  cluster.inventory = tollgate::policies::inventory_data(
      {yaml("apiVersion: v1\nkind: Pod\nmetadata: {name: old, namespace: shop, labels: {app: billing}}\n")});
  nlohmann::json second = verdict(router, pod_review("shop", "Pod", "", pod));
  CHECK(second["allowed"] == false);
  CHECK(second["status"]["message"] == "[unique-app] app billing is already run by shop/old");
}

TEST_CASE("/readyz waits for the cluster's first Namespace list, and the cluster hears of each policy set",
          "[admission_router][kube]") {
  Metrics metrics;
  FakeCluster cluster;
  cluster.listed = false;
  AdmissionRouter router(metrics);
  auto policies = load({yaml(kDenyAllTemplate)});
  router.set_policies(policies);
  router.set_cluster(&cluster);
  CHECK(cluster.last_policies == policies);
  HttpRequest readyz(http::verb::get, "/readyz", 11);
  HttpResponse not_yet = router.handle(readyz);
  CHECK(not_yet.result() == http::status::service_unavailable);
  CHECK_THAT(not_yet.body(), Catch::Contains("Namespaces not listed"));
  cluster.listed = true;
  CHECK(router.handle(readyz).result() == http::status::ok);
  auto reloaded = load({yaml(kDenyAllTemplate), yaml(kNoPodsInProd)});
  router.set_policies(reloaded);
  CHECK(cluster.last_policies == reloaded);
}
