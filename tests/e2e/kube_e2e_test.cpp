// `tollgate serve --kubeconfig` against a test API server: namespaceSelector
// matches with the cluster's Namespaces, /readyz waits for their first list,
// a syncOnly kind reaches a Rego policy as data.inventory, and the sync
// metrics are exposed.
#include <atomic>

#include "policies/test_support.h"
#include "tests/e2e/e2e_support.h"
#include "webhook/kube/kube_test_support.h"

using namespace tollgate::e2e;
namespace kt = tollgate::webhook::kube::testing;

namespace {

std::string review(const std::string& group, const std::string& kind, const std::string& ns, const nlohmann::json& object) {
  nlohmann::json request = {{"uid", "e2e-" + ns},
                            {"kind", {{"group", group}, {"version", "v1"}, {"kind", kind}}},
                            {"namespace", ns},
                            {"name", object["metadata"]["name"]},
                            {"operation", "CREATE"},
                            {"userInfo", {{"username", "alice"}}},
                            {"object", object}};
  return nlohmann::json{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", request}}.dump();
}

nlohmann::json pod(const std::string& ns) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", "web"}, {"namespace", ns}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx"}}}}}}};
}

std::string ingress_json(const std::string& ns, const std::string& name, const std::string& host) {
  return R"({"metadata":{"name":")" + name + R"(","namespace":")" + ns +
         R"(","resourceVersion":"70"},"spec":{"rules":[{"host":")" + host + R"("}]}})";
}

}  // namespace

TEST_CASE("serve --kubeconfig: namespaceSelector matches the cluster's Namespaces and syncOnly kinds reach Rego",
          "[e2e][kube]") {
  TempDir work;
  fs::path webhook_certs = work.path / "webhook-certs";
  make_dev_certs(webhook_certs);
  fs::path policies = work.path / "policies";
  fs::create_directories(policies);
  write_file(policies / "deny-all.yaml", tollgate::policies::testing::kDenyAllTemplate);
  write_file(policies / "no-pods-in-prod.yaml", kt::kNoPodsInProd);
  for (const char* file : {"template.yaml", "samples/unique-ingress-host/constraint.yaml", "sync.yaml"}) {
    fs::copy_file(library_dir("uniqueingresshost") / file, policies / ("uniqueingresshost-" + fs::path(file).filename().string()));
  }

  std::atomic<bool> namespaces_listable{false};
  kt::TestApiServer api(kt::test_certs(), [&](const kt::ApiRequest& r) {
    kt::ApiReply reply;
    if (r.authorization != "Bearer e2e-token") {
      reply.status = 401;
      reply.body = kt::status_json(401, "Unauthorized", "Unauthorized");
    } else if (r.path == "/api/v1/namespaces" && !r.watch()) {
      // A slow first list: /readyz must wait for it.
      for (int i = 0; i < 2000 && !namespaces_listable.load(); ++i) std::this_thread::sleep_for(5ms);
      reply.body = kt::list_json("NamespaceList", "v1", "40", "",
                                 {kt::namespace_json("payments", "31", R"({"env":"prod"})"),
                                  kt::namespace_json("sandbox", "32", R"({"env":"dev"})"),
                                  kt::namespace_json("default", "1")});
    } else if (r.path == "/apis/networking.k8s.io/v1") {
      reply.body = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"networking.k8s.io/v1","resources":[)"
                   R"({"name":"ingresses","singularName":"ingress","namespaced":true,"kind":"Ingress","verbs":["list","watch"]},)"
                   R"({"name":"ingresses/status","singularName":"","namespaced":true,"kind":"Ingress","verbs":["get"]}]})";
    } else if (r.path == "/apis/networking.k8s.io/v1/ingresses" && !r.watch()) {
      reply.body = kt::list_json("IngressList", "networking.k8s.io/v1", "80", "",
                                 {ingress_json("default", "ingress-host-example", "example-host.example.com")});
    } else if (r.watch()) {
      reply = kt::quiet_watch();
    } else {
      // extensions/v1beta1 and networking.k8s.io/v1beta1 Ingresses are gone from current clusters.
      reply.status = 404;
      reply.body = kt::status_json(404, "NotFound", "the server could not find the requested resource");
    }
    return reply;
  });

  fs::path kubeconfig = work.path / "kubeconfig";
  write_file(kubeconfig, kt::kubeconfig_yaml(api, "e2e-token"));

  WebhookServer server(work.path, {policies}, webhook_certs, {"--kubeconfig", kubeconfig.string()});
  fs::path ca = webhook_certs / "ca.crt";

  HttpResponse not_ready = HttpsClient(server.port, ca).get("/readyz");
  CHECK(not_ready.result() == http::status::service_unavailable);
  CHECK_THAT(not_ready.body(), Catch::Contains("Namespaces not listed"));
  namespaces_listable.store(true);
  bool ready = false;
  for (int i = 0; i < 500 && !ready; ++i) {
    ready = HttpsClient(server.port, ca).get("/readyz").result() == http::status::ok;
    if (!ready) std::this_thread::sleep_for(20ms);
  }
  REQUIRE(ready);

  nlohmann::json in_prod =
      nlohmann::json::parse(HttpsClient(server.port, ca).post("/validate", review("", "Pod", "payments", pod("payments"))).body());
  CHECK(in_prod["response"]["allowed"] == false);
  CHECK(in_prod["response"]["status"]["message"] == "[no-pods-in-prod] denied web");
  nlohmann::json in_sandbox =
      nlohmann::json::parse(HttpsClient(server.port, ca).post("/validate", review("", "Pod", "sandbox", pod("sandbox"))).body());
  CHECK(in_sandbox["response"]["allowed"] == true);

  // The library's example_disallowed.yaml: an Ingress whose host another Ingress in the cluster already has.
  nlohmann::json disallowed = {{"apiVersion", "networking.k8s.io/v1"},
                {"kind", "Ingress"},
                {"metadata", {{"name", "ingress-host-disallowed"}, {"namespace", "default"}}},
                {"spec", {{"rules", {{{"host", "example-host.example.com"}}}}}}};
  nlohmann::json verdict;
  for (int i = 0; i < 500; ++i) {
    verdict = nlohmann::json::parse(
        HttpsClient(server.port, ca).post("/validate", review("networking.k8s.io", "Ingress", "default", disallowed)).body());
    if (verdict["response"]["allowed"] == false) break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(verdict["response"]["allowed"] == false);
  CHECK_THAT(verdict["response"]["status"]["message"].get<std::string>(),
             Catch::Contains("[unique-ingress-host]") && Catch::Contains("example-host.example.com"));

  std::string metrics = HttpClient(server.metrics_port).get("/metrics").body();
  CHECK_THAT(metrics, Catch::Contains("gatekeeper_sync{kind=\"Ingress\",status=\"active\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("tollgate_kube_namespaces 3"));
  CHECK_THAT(metrics, Catch::Contains("gatekeeper_sync_duration_seconds_bucket"));
  CHECK_THAT(metrics, Catch::Contains("gatekeeper_sync_last_run_time"));

  server.process().signal(SIGTERM);
  CHECK(server.process().wait_exit(20s) == 0);
}
