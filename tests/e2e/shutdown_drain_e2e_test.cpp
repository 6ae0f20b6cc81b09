// SIGTERM with --shutdown-delay, as a pod behind a Service or load balancer
// gets it: /readyz fails at once while the listener still accepts, every
// connection's next answer says `Connection: close`, an idle one is closed
// after a grace (not while its client may be sending), and only then does
// the listener close and the process exit 0.
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;

TEST_CASE("after SIGTERM, readiness fails before the listener closes and no request is cut", "[e2e][shutdown]") {
  TempDir work;
  make_dev_certs(work.path / "certs");
  fs::path policies = work.path / "policies";
  fs::create_directories(policies);
  fs::copy_file(library_dir("requiredlabels") / "template.yaml", policies / "template.yaml");
  fs::copy_file(library_dir("requiredlabels") / "samples/all-must-have-owner/constraint.yaml", policies / "owner.yaml");
  WebhookServer server(work.path, {policies}, work.path / "certs", {"--shutdown-delay", "2"});
  fs::path ca = work.path / "certs/ca.crt";
  std::string review = admission_review(load_json(fixture("namespace_without_owner.json")), "uid");

  HttpsClient kept_alive(server.port, ca);
  REQUIRE(kept_alive.post("/validate", review).keep_alive());
  HttpsClient idle(server.port, ca);
  REQUIRE(idle.get("/healthz").result() == http::status::ok);

  auto signalled = std::chrono::steady_clock::now();
  server.process().signal(SIGTERM);
  std::this_thread::sleep_for(200ms);

  // A new connection (the balancer has not noticed yet) is served once.
  HttpsClient late(server.port, ca);
  HttpResponse not_ready = late.get("/readyz");
  CHECK(not_ready.result() == http::status::service_unavailable);
  CHECK_FALSE(not_ready.keep_alive());
  CHECK(late.closed_by_server());

  // A kept-alive connection's next request is answered, with Connection: close.
  HttpResponse answered = kept_alive.post("/validate", review);
  CHECK(answered.result() == http::status::ok);
  CHECK_FALSE(answered.keep_alive());
  CHECK(kept_alive.closed_by_server());

  // An idle connection is closed cleanly once its grace is over.
  CHECK(idle.closed_by_server());

  // After the delay the listener is closed, and the process ends.
  std::this_thread::sleep_until(signalled + 2500ms);
  CHECK_THROWS_AS(HttpsClient(server.port, ca), boost::system::system_error);
  auto code = server.process().wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 0);
}
