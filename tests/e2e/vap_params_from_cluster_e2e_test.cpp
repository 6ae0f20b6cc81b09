// `tollgate serve --kubeconfig` with a ValidatingAdmissionPolicy whose param
// is a ConfigMap in the (test) API server: the param's value decides, a
// change the watch brings decides the next request with no policy reload,
// and a deleted param is the binding's parameterNotFoundAction.
#include <mutex>

#include "policies/vap/vap_test_support.h"
#include "tests/e2e/e2e_support.h"
#include "webhook/kube/kube_test_support.h"

using namespace tollgate::e2e;
namespace kt = tollgate::webhook::kube::testing;

namespace {


std::string limits_json(const std::string& max, int rv, bool with_type) {
  std::string type = with_type ? R"("kind":"ConfigMap","apiVersion":"v1",)" : "";
  return "{" + type + R"("metadata":{"name":"limits","namespace":"policy-params","resourceVersion":")" +
         std::to_string(rv) + R"("},"data":{"maxReplicas":")" + max + R"("}})";
}

// The ConfigMaps of the test cluster: the one param, and the watch events
// that change it, handed to each watch that asks from before them.
class ConfigMaps {
 public:
  kt::ApiReply list() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> items;
    if (!max_.empty()) items.push_back(limits_json(max_, rv_, false));
    kt::ApiReply reply;
    reply.body = kt::list_json("ConfigMapList", "v1", std::to_string(rv_), "", items);
    return reply;
  }
  // Events after `since`, as soon as there are some (the stream then ends
  // and the reflector watches again from the last); an empty stream after 2 s.
  kt::ApiReply watch(int since) {
    kt::ApiReply reply;
    reply.stream = true;
    for (int i = 0; i < 100; ++i) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [rv, line] : events_) {
          if (rv > since) reply.chunks.push_back({line});
        }
      }
      if (!reply.chunks.empty()) break;
      std::this_thread::sleep_for(20ms);
    }
    return reply;
  }
  void set(const std::string& max) {
    std::lock_guard<std::mutex> lock(mutex_);
    max_ = max;
    ++rv_;
    events_.push_back({rv_, kt::watch_event("MODIFIED", limits_json(max, rv_, true))});
  }
  void remove() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string last = max_;
    max_.clear();
    ++rv_;
    events_.push_back({rv_, kt::watch_event("DELETED", limits_json(last, rv_, true))});
  }

 private:
  std::mutex mutex_;
  std::string max_ = "3";
  int rv_ = 100;
  std::vector<std::pair<int, std::string>> events_;
};

nlohmann::json deployment(int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
          {"spec", {{"replicas", replicas}}}};
}

}  // namespace

TEST_CASE("serve --kubeconfig: a ValidatingAdmissionPolicy's ConfigMap param comes from the cluster and its changes "
          "decide the next request without a reload",
          "[e2e][kube][vap]") {
  TempDir work;
  fs::path webhook_certs = work.path / "webhook-certs";
  make_dev_certs(webhook_certs);
  fs::path policies = work.path / "policies";
  fs::create_directories(policies);
  write_file(policies / "max-replicas.yaml", tollgate::policies::testing::kMaxReplicasPolicy);

  ConfigMaps configmaps;
  kt::TestApiServer api(kt::test_certs(), [&](const kt::ApiRequest& r) {
    kt::ApiReply reply;
    if (r.path == "/api/v1/namespaces" && !r.watch()) {
      reply.body = kt::list_json("NamespaceList", "v1", "40", "",
                                 {kt::namespace_json("shop", "31"), kt::namespace_json("policy-params", "32")});
    } else if (r.path == "/api/v1") {
      reply.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[)"
                   R"({"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["list","watch"]},)"
                   R"({"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["list","watch"]}]})";
    } else if (r.path == "/api/v1/configmaps" && !r.watch()) {
      reply = configmaps.list();
    } else if (r.path == "/api/v1/configmaps") {
      reply = configmaps.watch(std::stoi(r.param("resourceVersion")));
    } else if (r.watch()) {
      reply = kt::quiet_watch();
    } else {
      reply = kt::not_found();
    }
    return reply;
  });
  fs::path kubeconfig = work.path / "kubeconfig";
  write_file(kubeconfig, kt::kubeconfig_yaml(api, "e2e-token"));

  WebhookServer server(work.path, {policies}, webhook_certs,
                       {"--kubeconfig", kubeconfig.string(), "--audit-interval", "0", "--vap-environment", "current"});
  fs::path ca = webhook_certs / "ca.crt";
  REQUIRE(eventually_ready(server.port, ca));

  std::string review = admission_create_review(deployment(5), "apps", "v1", "deployments");
  nlohmann::json answer;
  auto answered = [&](bool allowed, const std::string& message) {
    return eventually([&] {
      answer = nlohmann::json::parse(HttpsClient(server.port, ca).post("/validate", review).body())["response"];
      return answer["allowed"] == allowed && (allowed || answer["status"]["message"] == message);
    });
  };
  const std::string forbidden =
      "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding "
      "'max-replicas-binding' denied request: ";

  // The param as listed: at most 3 replicas.
  CHECK(answered(false, forbidden + "replicas must be at most 3"));
  CHECK(answer["status"]["code"] == 422);

  // The watch brings 10: the same request is allowed, the policy files untouched.
  configmaps.set("10");
  CHECK(answered(true, ""));

  // Deleted: parameterNotFoundAction Deny refuses, with the API server's message.
  configmaps.remove();
  CHECK(answered(false, forbidden +
                            "failed to configure binding: no params found for policy binding with `Deny` "
                            "parameterNotFoundAction"));
  INFO(answer.dump());

  std::string metrics = HttpClient(server.metrics_port).get("/metrics").body();
  CHECK(metric_value(metrics, R"(tollgate_kube_param_kinds{kind="v1, Kind=ConfigMap",state="listed"})") == 1);
  CHECK_THAT(server.process().stderr_text(), !Catch::Contains("policies reloaded"));

  server.process().signal(SIGTERM);
  CHECK(server.process().wait_exit(20s) == 0);
}
