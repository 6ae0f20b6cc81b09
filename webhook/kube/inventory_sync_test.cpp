// The Config's syncOnly kinds from a test API server into data.inventory.
#include "webhook/kube/inventory_sync.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"
#include "webhook/kube/kube_test_support.h"
#include "webhook/wait_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using tollgate::policies::SyncKind;
using tollgate::value::Value;
using tollgate::webhook::testing::eventually;
using namespace std::chrono_literals;

namespace {

std::string ingress_json(const std::string& ns, const std::string& name, const std::string& host, const std::string& rv,
                         bool with_type = false) {
  std::string type = with_type ? R"("kind":"Ingress","apiVersion":"networking.k8s.io/v1",)" : "";
  return "{" + type + R"("metadata":{"name":")" + name + R"(","namespace":")" + ns + R"(","resourceVersion":")" + rv +
         R"("},"spec":{"rules":[{"host":")" + host + R"("}]}})";
}

// A small cluster: discovery for v1 and networking.k8s.io/v1, Namespaces and
// Ingresses listed, and one Ingress added by the watch.
ApiReply small_cluster(const ApiRequest& r) {
  ApiReply reply;
  if (r.path == "/apis/networking.k8s.io/v1") {
    reply.body = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"networking.k8s.io/v1","resources":[)"
                 R"({"name":"ingresses","singularName":"ingress","namespaced":true,"kind":"Ingress","verbs":["get","list","watch"]},)"
                 R"({"name":"ingresses/status","singularName":"","namespaced":true,"kind":"Ingress","verbs":["get"]}]})";
  } else if (r.path == "/api/v1") {
    reply.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[)"
                 R"({"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["list","watch"]},)"
                 R"({"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace","verbs":["get"]}]})";
  } else if (r.path == "/apis/networking.k8s.io/v1/ingresses" && !r.watch()) {
    reply.body = list_json("IngressList", "networking.k8s.io/v1", "100", "",
                           {ingress_json("team-a", "web", "a.example.com", "90"),
                            ingress_json("team-b", "api", "b.example.com", "95")});
  } else if (r.path == "/apis/networking.k8s.io/v1/ingresses") {
    reply.stream = true;
    reply.chunks = {{watch_event("ADDED", ingress_json("team-c", "shop", "c.example.com", "101", true)), 50ms}};
    reply.hold = 60000ms;
  } else if (r.path == "/api/v1/namespaces" && !r.watch()) {
    reply.body = list_json("NamespaceList", "v1", "100", "", {namespace_json("team-a", "3")});
  } else if (r.path == "/api/v1/namespaces") {
    reply = quiet_watch();
  } else {
    reply.status = 404;
    reply.body = status_json(404, "NotFound", "the server could not find the requested resource");
  }
  return reply;
}

const SyncKind kIngress{"networking.k8s.io", "v1", "Ingress"};
const SyncKind kNamespace{"", "v1", "Namespace"};

}  // namespace

TEST_CASE("syncOnly kinds are listed and watched into data.inventory with Gatekeeper's layout", "[kube][sync]") {
  TestApiServer server(test_certs(), small_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  InventorySync sync(cluster, quick_sync(), nullptr);
  sync.set_kinds({kIngress, kNamespace});
  sync.start();
  REQUIRE(eventually([&] { return sync.synced() && sync.objects_held() == 4; }));
  REQUIRE(eventually([&] {
    return sync.data().path({"inventory", "namespace", "team-c", "networking.k8s.io/v1", "Ingress", "shop"}) != nullptr;
  }));
  Value data = sync.data();
  const Value* web = data.path({"inventory", "namespace", "team-a", "networking.k8s.io/v1", "Ingress", "web"});
  REQUIRE(web != nullptr);
  CHECK((*web)["spec"]["rules"].items().at(0)["host"].string_or("") == "a.example.com");
  // List items get their kind and apiVersion back, as Gatekeeper's unstructured objects have them.
  CHECK((*web)["kind"].string_or("") == "Ingress");
  CHECK(data.path({"inventory", "cluster", "v1", "Namespace", "team-a"}) != nullptr);
  // Discovery chose the resource, not its status subresource.
  CHECK(server.count([](const ApiRequest& r) { return r.path == "/apis/networking.k8s.io/v1/ingresses"; }) >= 2);
}

TEST_CASE("The sync memory cap leaves further objects out", "[kube][sync]") {
  TestApiServer server(test_certs(), small_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  SyncOptions options = quick_sync();
  options.max_objects = 2;
  InventorySync sync(cluster, options, nullptr);
  sync.set_kinds({kIngress});
  sync.start();
  REQUIRE(eventually([&] { return sync.synced(); }));
  std::this_thread::sleep_for(200ms);  // the watch's ADDED arrives, and is left out
  CHECK(sync.objects_held() == 2);
  CHECK(sync.data().path({"inventory", "namespace", "team-c"}) == nullptr);
}

TEST_CASE("A kind dropped from syncOnly leaves data.inventory, a kind the server lacks is retried", "[kube][sync]") {
  TestApiServer server(test_certs(), small_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  InventorySync sync(cluster, quick_sync(), nullptr);
  sync.set_kinds({kIngress, kNamespace});
  sync.start();
  REQUIRE(eventually([&] { return sync.synced() && sync.objects_held() >= 3; }));
  sync.set_kinds({kNamespace, {"example.com", "v1", "Widget"}});
  REQUIRE(eventually([&] { return sync.objects_held() == 1; }));
  REQUIRE(eventually([&] { return sync.data().path({"inventory", "namespace"}) == nullptr; }));
  CHECK(sync.data().path({"inventory", "cluster", "v1", "Namespace", "team-a"}) != nullptr);
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(sync.synced());
  CHECK(server.count([](const ApiRequest& r) { return r.path == "/apis/example.com/v1"; }) >= 2);
}

TEST_CASE("The Config's syncOnly decides what is synced, and its sync exclusions what data.inventory shows",
          "[kube][sync]") {
  TestApiServer server(test_certs(), small_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  InventorySync sync(cluster, quick_sync(), nullptr);
  auto loaded = tollgate::policies::PolicySet::from_objects({tollgate::policies::testing::yaml(R"(
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  match:
  - excludedNamespaces: ["team-b"]
    processes: ["sync"]
  sync:
    syncOnly:
    - {group: networking.k8s.io, version: v1, kind: Ingress}
    - {group: networking.k8s.io, version: v1, kind: Ingress}
)")});
  REQUIRE(loaded.policies);
  CHECK(loaded.policies->sync_only() == std::vector<SyncKind>{kIngress});
  sync.set_policies(loaded.policies);
  sync.start();
  REQUIRE(eventually([&] {
    return sync.data().path({"inventory", "namespace", "team-c", "networking.k8s.io/v1", "Ingress", "shop"}) != nullptr;
  }));
  Value data = sync.data();
  CHECK(data.path({"inventory", "namespace", "team-a", "networking.k8s.io/v1", "Ingress", "web"}) != nullptr);
  CHECK(data.path({"inventory", "namespace", "team-b"}) == nullptr);  // excluded from sync
  CHECK(data.path({"inventory", "cluster"}) == nullptr);               // Namespaces are not in syncOnly
  // A reload without a Config syncs nothing.
  sync.set_policies(tollgate::policies::PolicySet::from_objects({}).policies);
  REQUIRE(eventually([&] { return sync.objects_held() == 0; }));
  REQUIRE(eventually([&] { return sync.data().path({"inventory", "namespace"}) == nullptr; }));
}
