// `tollgate serve` while an evaluation runs for minutes (a policy hashing a
// 100 kB string 3000^2 times for a labelled Namespace): health, readiness, metrics and
// other requests still answer, a full evaluation queue is denied with 503, a client
// that hangs up cancels its evaluation, and SIGTERM still ends the process
// within its bound.
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;

namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json slow_namespace(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}, {"labels", {{"slow", "yes"}}}}}};
}

std::string raw_validate(const std::string& body) {
  return "POST /validate?timeout=10s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The slow template and its constraint, one evaluation thread, a queue of one,
// no evaluation time budget and a one-second drain bound.
struct SlowServer {
  explicit SlowServer(std::vector<std::string> extra = {}) {
    certs = work.path / "certs";
    make_dev_certs(certs);
    fs::path policies = work.path / "policies";
    fs::create_directories(policies);
    fs::copy_file(fixture("slow/template.yaml"), policies / "template.yaml");
    fs::copy_file(fixture("slow/constraint.yaml"), policies / "constraint.yaml");
    // No time budget: only a cancellation ends the slow evaluation.
    std::vector<std::string> args = {"--eval-threads", "1", "--eval-queue", "1", "--shutdown-timeout", "1",
                                     "--max-eval-time", "0"};
    for (std::string& arg : extra) args.push_back(std::move(arg));
    server.emplace(work.path, std::vector<fs::path>{policies}, certs, args);
  }
  HttpsClient client() { return HttpsClient(server->port, certs / "ca.crt"); }
  // Sends a request for a slow Namespace and does not wait for the answer.
  std::unique_ptr<HttpsClient> start_slow(const std::string& uid) {
    auto slow = std::make_unique<HttpsClient>(server->port, certs / "ca.crt");
    slow->write_raw(raw_validate(admission_review(slow_namespace("slow-" + uid), uid)));
    return slow;
  }

  TempDir work;
  fs::path certs;
  std::optional<WebhookServer> server;
};

template <class Call>
std::chrono::milliseconds timed(Call call) {
  auto start = Clock::now();
  call();
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

TEST_CASE("an evaluation that never ends holds up neither health, readiness, metrics nor other endpoints",
          "[e2e][responsive]") {
  SlowServer s;
  // As many never-ending requests as the server has I/O threads (2): with
  // evaluation on the I/O threads, nothing would answer any more.
  auto running = s.start_slow("uid-slow-1");
  auto waiting = s.start_slow("uid-slow-2");
  std::this_thread::sleep_for(150ms);  // read, one evaluating and one queued

  for (int round = 0; round < 3; ++round) {
    auto took = timed([&] {
      CHECK(s.client().get("/healthz").result() == http::status::ok);
      CHECK(s.client().get("/readyz").result() == http::status::ok);
      CHECK(HttpClient(s.server->metrics_port).get("/healthz").result() == http::status::ok);
      HttpResponse metrics = HttpClient(s.server->metrics_port).get("/metrics");
      CHECK(metrics.result() == http::status::ok);
      CHECK_THAT(metrics.body(), Catch::Contains("gatekeeper_constraints"));
      // Answered on the I/O threads: no evaluation thread needed.
      CHECK(s.client().get("/nowhere").result() == http::status::not_found);
    });
    CHECK(took < 2s);
  }
}

TEST_CASE("with the evaluation threads busy and their queue full, an admission request is denied with 503 at once",
          "[e2e][responsive]") {
  SlowServer s;
  auto running = s.start_slow("uid-running");
  std::this_thread::sleep_for(150ms);
  auto waiting = s.start_slow("uid-waiting");
  std::this_thread::sleep_for(150ms);

  HttpResponse refused;
  auto took = timed([&] {
    refused = s.client().post("/validate?timeout=10s",
                              admission_review(load_json(fixture("namespace_with_owner.json")), "uid-refused"));
  });
  // An AdmissionReview that denies, not an HTTP 503 that failurePolicy: Ignore would admit.
  REQUIRE(refused.result() == http::status::ok);
  auto review = nlohmann::json::parse(refused.body());
  CHECK(review["response"]["uid"] == "uid-refused");
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 503);
  CHECK_THAT(review["response"]["status"]["message"].get<std::string>(),
             Catch::StartsWith("tollgate is overloaded: 1 requests waiting"));
  CHECK(took < 2s);
  CHECK(s.client().get("/healthz").result() == http::status::ok);

  std::string metrics = HttpClient(s.server->metrics_port).get("/metrics").body();
  CHECK_THAT(metrics, Catch::Contains("tollgate_eval_queue_depth 1"));
  CHECK_THAT(metrics, Catch::Contains(R"(tollgate_eval_rejected_total{reason="queue_full"} 1)"));
  CHECK_THAT(metrics, Catch::Contains(R"(tollgate_eval_rejected_total{reason="deadline"} 0)"));
}

TEST_CASE("SIGTERM ends the server within its drain bound while an evaluation never ends", "[e2e][responsive]") {
  SlowServer s;
  auto running = s.start_slow("uid-running");
  auto waiting = s.start_slow("uid-waiting");
  std::this_thread::sleep_for(150ms);

  s.server->process().signal(SIGTERM);
  // Drain bound 1 s, then half a second for the evaluations to notice they are cancelled.
  auto code = s.server->process().wait_exit(5s);
  REQUIRE(code);
  CHECK(*code == 0);
  std::string log = s.server->process().stderr_text();
  CHECK_THAT(log, Catch::Contains("shutdown deadline passed"));
}

TEST_CASE("a client that hangs up before its answer frees its evaluation thread", "[e2e][responsive]") {
  SlowServer s;
  auto gone = s.start_slow("uid-gone");
  std::this_thread::sleep_for(150ms);
  auto hung_up = Clock::now();
  gone.reset();  // closes the connection

  // The only evaluation thread answers the next request at once: the
  // evaluation of the request nobody waits for any more was cancelled.
  auto review = nlohmann::json::parse(
      s.client()
          .post("/validate?timeout=10s", admission_review(load_json(fixture("namespace_with_owner.json")), "uid-next"))
          .body());
  CHECK(review["response"]["uid"] == "uid-next");
  CHECK(review["response"]["allowed"] == true);
  CHECK(Clock::now() - hung_up < 2s);
  CHECK_THAT(s.server->process().stderr_text(), Catch::Contains("client closed the connection before its answer"));
}
