// The admission policies' params from a test API server: each paramKind the
// policies name is found by discovery, listed and watched, and every change
// is published as a new ParamIndex to the LiveParams the engines read.
#include "webhook/kube/param_sync.h"

#include <catch2/catch.hpp>

#include <prometheus/registry.h>

#include "policies/vap/vap_test_support.h"
#include "webhook/kube/kube_test_support.h"
#include "webhook/wait_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using tollgate::policies::SyncKind;
using tollgate::policies::vap::LiveParams;
using tollgate::policies::vap::ParamIndex;
using tollgate::policies::vap::ParamKind;
using tollgate::policies::vap::ParamRef;
using tollgate::policies::vap::RequestAttributes;
using tollgate::value::Value;
using tollgate::webhook::testing::eventually;
using namespace std::chrono_literals;

namespace {

std::string configmap_json(const std::string& max, const std::string& rv, bool with_type = false) {
  std::string type = with_type ? R"("kind":"ConfigMap","apiVersion":"v1",)" : "";
  return "{" + type + R"("metadata":{"name":"limits","namespace":"policy-params","resourceVersion":")" + rv +
         R"("},"data":{"maxReplicas":")" + max + R"("}})";
}

// ConfigMaps served (one listed, changed by the watch a little later); example.com not served.
ApiReply params_cluster(const ApiRequest& r) {
  ApiReply reply;
  if (r.path == "/api/v1") {
    reply.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[)"
                 R"({"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["list","watch"]}]})";
  } else if (r.path == "/api/v1/configmaps" && !r.watch()) {
    reply.body = list_json("ConfigMapList", "v1", "100", "", {configmap_json("3", "90")});
  } else if (r.path == "/api/v1/configmaps" && r.param("resourceVersion") == "100") {
    reply.stream = true;
    reply.chunks = {{watch_event("MODIFIED", configmap_json("10", "101", true)), 300ms}};
    reply.hold = 60000ms;
  } else if (r.watch()) {
    reply = quiet_watch();
  } else {
    reply = not_found();
  }
  return reply;
}

const SyncKind kConfigMap{"", "v1", "ConfigMap"};
const ParamKind kConfigMapParam{"v1", "ConfigMap"};

// The maxReplicas of the ConfigMap policy-params/limits as the live params hold it, or why there is none.
std::string max_replicas(const LiveParams& live) {
  std::shared_ptr<const ParamIndex> index = live.current();
  ParamIndex::KindInfo info = index->resolve(kConfigMapParam);
  if (!info.error.empty()) return info.error;
  ParamRef ref;
  ref.name = "limits";
  ref.namespace_name = "policy-params";
  ref.parameter_not_found_action = "Deny";
  std::vector<Value> params;
  std::string error;
  if (!ParamIndex::collect(kConfigMapParam, info, ref, RequestAttributes{}, params, &error)) return error;
  return std::string(params.at(0)["data"]["maxReplicas"].string_or(""));
}

}  // namespace

TEST_CASE("A paramKind is listed and watched into the live params, and each change is published", "[kube][params]") {
  TestApiServer server(test_certs(), params_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  auto live = std::make_shared<LiveParams>();
  ParamSync sync(cluster, quick_sync(), nullptr, nullptr, {}, live);
  // Before anything is listed, a binding reading ConfigMaps is told they are not synced yet.
  CHECK_THAT(max_replicas(*live), Catch::Contains("not yet synced to use for admission"));
  sync.set_kinds({kConfigMap});
  sync.start();
  REQUIRE(eventually([&] { return max_replicas(*live) == "3"; }));
  CHECK(sync.synced());
  // The watch's MODIFIED: a new index, nothing reloaded.
  REQUIRE(eventually([&] { return max_replicas(*live) == "10"; }));
  CHECK(sync.objects_held() == 1);
}

TEST_CASE("A paramKind the API server does not serve is published as unknown and looked up again",
          "[kube][params]") {
  TestApiServer server(test_certs(), params_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  auto live = std::make_shared<LiveParams>();
  prometheus::Registry registry;
  ParamSync sync(cluster, quick_sync(), nullptr, &registry, {}, live);
  sync.set_kinds({{"example.com", "v1", "Widget"}});
  sync.start();
  const ParamKind widget{"example.com/v1", "Widget"};
  REQUIRE(eventually([&] { return !live->current()->resolve(widget).error.empty(); }));
  CHECK(live->current()->resolve(widget).error ==
        "failed to find resource referenced by paramKind: 'example.com/v1, Kind=Widget'");
  REQUIRE(eventually([&] {
    return server.count([](const ApiRequest& r) { return r.path == "/apis/example.com/v1"; }) >= 2;
  }));
  CHECK_FALSE(sync.synced());
}

TEST_CASE("The paramKinds watched are those of the bound admission policies, the files' params kept beside them",
          "[kube][params]") {
  TestApiServer server(test_certs(), params_cluster);
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  auto live = std::make_shared<LiveParams>();
  Value file_param = tollgate::policies::testing::yaml(
      "{apiVersion: v1, kind: ConfigMap, metadata: {name: other, namespace: policy-params}, data: {maxReplicas: '7'}}");
  ParamSync sync(cluster, quick_sync(), nullptr, nullptr, {file_param}, live);
  auto loaded = tollgate::policies::PolicySet::from_objects(
      tollgate::policies::testing::yaml_all(tollgate::policies::testing::kMaxReplicasPolicy));
  REQUIRE(loaded.policies);
  CHECK(loaded.policies->admission_policy_param_kinds() == std::vector<SyncKind>{kConfigMap});
  sync.set_policies(loaded.policies);
  sync.start();
  REQUIRE(eventually([&] { return sync.synced() && max_replicas(*live) != ""; }));
  ParamIndex::KindInfo info = live->current()->resolve(kConfigMapParam);
  REQUIRE(info.entry != nullptr);
  CHECK(info.entry->params.size() == 2);  // the cluster's limits and the files' other
}
