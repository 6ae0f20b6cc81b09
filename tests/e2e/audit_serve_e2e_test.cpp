// `tollgate serve --kubeconfig --audit-interval N`: the audit inside serve
// lists what the constraints match from the (test) API server, finds the
// violations that already run, and reports them at /audit and in
// Gatekeeper's audit metrics on the metrics port, while /validate keeps
// answering.
#include <set>

#include "policies/test_support.h"
#include "tests/e2e/e2e_support.h"
#include "webhook/kube/kube_test_support.h"

using namespace tollgate::e2e;
namespace kt = tollgate::webhook::kube::testing;

namespace {

std::string pod_json(const std::string& ns, const std::string& name) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name + R"(","namespace":")" + ns +
         R"(","resourceVersion":"50"},"spec":{"containers":[{"name":"c","image":"nginx"}]}})";
}

}  // namespace

TEST_CASE("serve's audit reports the violations already in the cluster at /audit and in gatekeeper_violations",
          "[e2e][kube][audit]") {
  TempDir work;
  fs::path webhook_certs = work.path / "webhook-certs";
  make_dev_certs(webhook_certs);
  fs::path policies = work.path / "policies";
  fs::create_directories(policies);
  write_file(policies / "deny-all.yaml", tollgate::policies::testing::kDenyAllTemplate);
  write_file(policies / "no-pods-in-prod.yaml", kt::kNoPodsInProd);

  kt::TestApiServer api(kt::test_certs(), [&](const kt::ApiRequest& r) {
    kt::ApiReply reply;
    if (r.path == "/api/v1/namespaces" && !r.watch()) {
      reply.body = kt::list_json("NamespaceList", "v1", "40", "",
                                 {kt::namespace_json("payments", "31", R"({"env":"prod"})"),
                                  kt::namespace_json("sandbox", "32", R"({"env":"dev"})")});
    } else if (r.watch()) {
      reply = kt::quiet_watch();
    } else if (r.path == "/api") {
      reply.body = R"({"kind":"APIVersions","versions":["v1"]})";
    } else if (r.path == "/apis") {
      reply.body = R"({"kind":"APIGroupList","apiVersion":"v1","groups":[]})";
    } else if (r.path == "/api/v1") {
      reply.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[)"
                   R"({"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get","list","watch"]},)"
                   R"({"name":"pods","namespaced":true,"kind":"Pod","verbs":["get","list","watch"]}]})";
    } else if (r.path == "/api/v1/pods") {
      reply.body = kt::list_json("PodList", "v1", "60", "",
                                 {pod_json("payments", "ledger"), pod_json("payments", "billing"),
                                  pod_json("sandbox", "toy")});
    } else {
      reply.status = 404;
      reply.body = kt::status_json(404, "NotFound", "the server could not find the requested resource");
    }
    return reply;
  });
  fs::path kubeconfig = work.path / "kubeconfig";
  write_file(kubeconfig, kt::kubeconfig_yaml(api, "e2e-token"));

  WebhookServer server(work.path, {policies}, webhook_certs,
                       {"--kubeconfig", kubeconfig.string(), "--audit-interval", "1", "--leader-election=false"});

  HttpResponse audit;
  for (int i = 0; i < 500; ++i) {
    audit = HttpClient(server.metrics_port).get("/audit");
    if (audit.result() == http::status::ok) break;
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE(audit.result() == http::status::ok);
  nlohmann::json report = nlohmann::json::parse(audit.body());
  INFO(report.dump(2));
  // The two Pods of the prod namespace violate; the sandbox one does not.
  std::set<std::string> violating;
  for (const nlohmann::json& item : report["items"]) {
    for (const nlohmann::json& v : item["status"]["violations"]) {
      violating.insert(v["namespace"].get<std::string>() + "/" + v["name"].get<std::string>());
    }
  }
  CHECK(violating == std::set<std::string>{"payments/billing", "payments/ledger"});

  std::string metrics = HttpClient(server.metrics_port).get("/metrics").body();
  CHECK_THAT(metrics, Catch::Contains(R"(gatekeeper_violations{enforcement_action="deny"} 2)"));
  CHECK_THAT(metrics, Catch::Contains("gatekeeper_audit_last_run_time"));

  // Admission answers beside it.
  CHECK(HttpsClient(server.port, webhook_certs / "ca.crt").get("/readyz").result() == http::status::ok);
  server.process().signal(SIGTERM);
  CHECK(server.process().wait_exit(20s) == 0);
}
