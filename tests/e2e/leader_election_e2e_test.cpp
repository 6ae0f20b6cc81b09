// Two `tollgate serve` replicas on one test API server elect one leader on a
// Lease: both serve, one leads (leader_election_master_status), and the
// leader's SIGTERM releases the Lease so that the other takes it over at
// once instead of a lease duration later.
#include <cstdlib>

#include "policies/test_support.h"
#include "tests/e2e/e2e_support.h"
#include "webhook/kube/kube_test_support.h"

using namespace tollgate::e2e;
namespace kt = tollgate::webhook::kube::testing;

namespace {

const std::string kLeaseNamespace = "tollgate-system";
const std::string kLeaseName = "tollgate-audit";

bool leads(WebhookServer& server) {
  std::string metrics = HttpClient(server.metrics_port).get("/metrics").body();
  return metrics.find("leader_election_master_status{name=\"" + kLeaseName + "\"} 1") != std::string::npos;
}

}  // namespace

TEST_CASE("serve replicas elect one leader on a Lease, and a leader's SIGTERM hands it over at once",
          "[e2e][kube][leader]") {
  TempDir work;
  fs::path webhook_certs = work.path / "webhook-certs";
  make_dev_certs(webhook_certs);
  fs::path policies = work.path / "policies";
  fs::create_directories(policies);
  write_file(policies / "deny-all.yaml", tollgate::policies::testing::kDenyAllTemplate);

  kt::FakeLeases leases;
  kt::TestApiServer api(kt::test_certs(), [&](const kt::ApiRequest& r) {
    if (kt::FakeLeases::handles(r)) return leases.handle(r);
    kt::ApiReply reply;
    if (r.path == "/api/v1/namespaces" && !r.watch()) {
      reply.body = kt::list_json("NamespaceList", "v1", "40", "", {kt::namespace_json(kLeaseNamespace, "31")});
    } else if (r.watch()) {
      reply = kt::quiet_watch();
    } else {
      reply.status = 404;
      reply.body = kt::status_json(404, "NotFound", "the server could not find the requested resource");
    }
    return reply;
  });
  fs::path kubeconfig = work.path / "kubeconfig";
  write_file(kubeconfig, kt::kubeconfig_yaml(api, "e2e-token", kLeaseNamespace));

  // Each replica's identity starts with its pod name (the chart sets POD_NAME from the downward API).
  auto replica = [&](const std::string& pod) {
    fs::path dir = work.path / pod;
    fs::create_directories(dir);
    ::setenv("POD_NAME", pod.c_str(), 1);
    auto server = std::make_unique<WebhookServer>(
        dir, std::vector<fs::path>{policies}, webhook_certs,
        std::vector<std::string>{"--kubeconfig", kubeconfig.string(), "--audit-interval", "0"});
    ::unsetenv("POD_NAME");
    return server;
  };
  std::unique_ptr<WebhookServer> a = replica("tollgate-a");
  std::unique_ptr<WebhookServer> b = replica("tollgate-b");

  // One leads; the Lease (in the kubeconfig context's namespace) names it.
  bool elected = false;
  for (int i = 0; i < 500 && !elected; ++i) {
    elected = leads(*a) || leads(*b);
    if (!elected) std::this_thread::sleep_for(20ms);
  }
  REQUIRE(elected);
  bool a_leads = leads(*a);
  CHECK(leads(*b) != a_leads);
  std::string holder = leases.holder(kLeaseNamespace, kLeaseName);
  CHECK_THAT(holder, Catch::StartsWith(a_leads ? "tollgate-a_" : "tollgate-b_"));

  // Both serve.
  for (WebhookServer* server : {a.get(), b.get()}) {
    CHECK(HttpsClient(server->port, webhook_certs / "ca.crt").get("/readyz").result() == http::status::ok);
  }

  // The leader stops: it releases the Lease, and the other takes it within its retry period
  // (2 s, jittered), far sooner than the 15 s lease duration.
  WebhookServer& leader = a_leads ? *a : *b;
  WebhookServer& other = a_leads ? *b : *a;
  leader.process().signal(SIGTERM);
  CHECK(leader.process().wait_exit(30s) == 0);
  auto stopped = std::chrono::steady_clock::now();
  bool took_over = false;
  while (!took_over && std::chrono::steady_clock::now() - stopped < 10s) {
    took_over = leads(other);
    if (!took_over) std::this_thread::sleep_for(50ms);
  }
  CHECK(took_over);
  CHECK(std::chrono::steady_clock::now() - stopped < 8s);
  CHECK_THAT(leases.holder(kLeaseNamespace, kLeaseName), Catch::StartsWith(a_leads ? "tollgate-b_" : "tollgate-a_"));
  CHECK(leases.get(kLeaseNamespace, kLeaseName)["spec"]["leaseTransitions"] == 1);

  other.process().signal(SIGTERM);
  CHECK(other.process().wait_exit(30s) == 0);
  CHECK(leases.holder(kLeaseNamespace, kLeaseName).empty());
}
