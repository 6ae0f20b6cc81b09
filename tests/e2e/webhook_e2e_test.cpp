// `tollgate serve` as kube-apiserver sees it: real AdmissionReviews over
// verified TLS, the HTTP error paths, metrics and shutdown.
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;

namespace {

// One server for the tests that only talk to it (started on first use).
struct SharedServer {
  SharedServer() {
    certs = work.path / "certs";
    make_dev_certs(certs);
    server.emplace(work.path, std::vector<fs::path>{required_labels_policies(work.path)}, certs);
  }
  TempDir work;
  fs::path certs;
  std::optional<WebhookServer> server;
};

SharedServer& shared() {
  static SharedServer instance;
  return instance;
}

HttpsClient client() { return HttpsClient(shared().server->port, shared().certs / "ca.crt"); }

nlohmann::json review_response(const HttpResponse& response) {
  INFO(response.body());
  REQUIRE(response.result() == http::status::ok);
  REQUIRE(response[http::field::content_type] == "application/json");
  return nlohmann::json::parse(response.body());
}

const char* kDenyCount = R"(gatekeeper_validation_request_count_total{admission_dryrun="false",admission_status="deny"})";

std::string scrape(unsigned short metrics_port) {
  HttpResponse response = HttpClient(metrics_port).get("/metrics");
  REQUIRE(response.result() == http::status::ok);
  return response.body();
}

}  // namespace

TEST_CASE("a Namespace without an owner label is denied by all-must-have-owner", "[e2e]") {
  auto review = review_response(client().post(
      "/validate?timeout=10s", admission_review(load_json(fixture("namespace_without_owner.json")), "uid-deny-1")));
  const auto& response = review["response"];
  CHECK(review["apiVersion"] == "admission.k8s.io/v1");
  CHECK(review["kind"] == "AdmissionReview");
  CHECK(response["uid"] == "uid-deny-1");
  CHECK(response["allowed"] == false);
  CHECK(response["status"]["code"] == 403);
  CHECK(response["status"]["reason"] == "Forbidden");
  CHECK_THAT(response["status"]["message"].get<std::string>(), Catch::StartsWith("[all-must-have-owner] "));
  // The warn constraint fails too, and shows up as a warning beside the denial.
  REQUIRE(response["warnings"].is_array());
  CHECK_THAT(response["warnings"][0].get<std::string>(), Catch::StartsWith("[should-have-cost-center] "));
}

TEST_CASE("a Namespace with owner and cost-center labels is allowed without warnings", "[e2e]") {
  auto review = review_response(
      client().post("/validate", admission_review(load_json(fixture("namespace_with_owner.json")), "uid-allow-1")));
  CHECK(review["response"]["uid"] == "uid-allow-1");
  CHECK(review["response"]["allowed"] == true);
  CHECK(review["response"]["status"]["code"] == 200);
  CHECK_FALSE(review["response"].contains("warnings"));
}

TEST_CASE("a warn constraint admits with a warning and status 299", "[e2e]") {
  auto review = review_response(
      client().post("/v1/admit", admission_review(load_json(fixture("namespace_owner_only.json")), "uid-warn-1")));
  CHECK(review["response"]["allowed"] == true);
  CHECK(review["response"]["status"]["code"] == 299);
  // Both of the template's CEL validations fail without the label, each a result.
  CHECK(review["response"]["warnings"] ==
        nlohmann::json::array({"[should-have-cost-center] missing required label, requires all of: cost-center",
                               "[should-have-cost-center] regex mismatch"}));
}

TEST_CASE("a v1beta1 review is answered in v1beta1, on a kept-alive connection", "[e2e]") {
  HttpsClient connection = client();
  for (int i = 0; i < 3; ++i) {
    std::string uid = "uid-v1beta1-" + std::to_string(i);
    auto review = review_response(connection.post(
        "/validate",
        admission_review(load_json(fixture("namespace_without_owner.json")), uid, "admission.k8s.io/v1beta1")));
    CHECK(review["apiVersion"] == "admission.k8s.io/v1beta1");
    CHECK(review["response"]["uid"] == uid);
    CHECK(review["response"]["allowed"] == false);
  }
}

TEST_CASE("/mutate admits unchanged", "[e2e]") {
  auto review = review_response(
      client().post("/mutate", admission_review(load_json(fixture("namespace_without_owner.json")), "uid-mutate")));
  CHECK(review["response"]["uid"] == "uid-mutate");
  CHECK(review["response"]["allowed"] == true);
  CHECK_FALSE(review["response"].contains("patch"));
}

TEST_CASE("malformed bodies are 400 with the reason, the connection stays usable", "[e2e]") {
  HttpsClient connection = client();
  HttpResponse malformed = connection.post("/validate", R"({"apiVersion": "admission.k8s.io/v1", "kind": )");
  CHECK(malformed.result() == http::status::bad_request);
  CHECK_THAT(malformed.body(), Catch::Contains("not valid JSON"));
  HttpResponse not_review = connection.post("/validate", R"({"apiVersion":"v1","kind":"Namespace"})");
  CHECK(not_review.result() == http::status::bad_request);
  CHECK_THAT(not_review.body(), Catch::Contains("not an AdmissionReview"));
  HttpResponse empty = connection.post("/validate", "");
  CHECK(empty.result() == http::status::bad_request);
  CHECK(connection.get("/healthz").result() == http::status::ok);
}

TEST_CASE("a body over 7 MiB is refused with 413 before it is sent", "[e2e]") {
  HttpsClient connection = client();
  // Only the header goes out: the answer must not wait for 8 MiB that never come.
  connection.write_raw(
      "POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 8388608\r\n\r\n");
  HttpResponse response = connection.read_response();
  CHECK(response.result() == http::status::payload_too_large);
  CHECK_FALSE(response.keep_alive());
}

TEST_CASE("a chunked body over the limit is refused with 413", "[e2e]") {
  HttpsClient connection = client();
  std::string chunk(64 * 1024, ' ');
  std::ostringstream size;
  size << std::hex << chunk.size();
  connection.write_raw("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n");
  // 7 MiB and one chunk more: no Content-Length warns the server in advance.
  for (int i = 0; i <= 7 * 16; ++i) connection.write_raw(size.str() + "\r\n" + chunk + "\r\n");
  HttpResponse response = connection.read_response();
  CHECK(response.result() == http::status::payload_too_large);
  CHECK_FALSE(response.keep_alive());
}

TEST_CASE("Content-Type must be application/json (parameters allowed)", "[e2e]") {
  HttpsClient connection = client();
  std::string body = admission_review(load_json(fixture("namespace_with_owner.json")), "uid-ct");
  HttpResponse wrong = connection.post("/validate", body, "application/yaml");
  CHECK(wrong.result() == http::status::unsupported_media_type);
  HttpResponse with_charset = client().post("/validate", body, "application/json; charset=utf-8");
  CHECK(with_charset.result() == http::status::ok);
}

TEST_CASE("unknown paths are 404, wrong methods 405, health endpoints answer", "[e2e]") {
  HttpsClient connection = client();
  CHECK(connection.get("/healthz").result() == http::status::ok);
  CHECK(connection.get("/readyz").result() == http::status::ok);
  CHECK(connection.get("/nope").result() == http::status::not_found);
  HttpResponse wrong_method = client().get("/validate");
  CHECK(wrong_method.result() == http::status::method_not_allowed);
  CHECK(wrong_method[http::field::allow] == "POST");
  CHECK(HttpClient(shared().server->metrics_port).get("/healthz").result() == http::status::ok);
}

TEST_CASE("the certificate verifies for the service names and not against another CA", "[e2e]") {
  unsigned short port = shared().server->port;
  CHECK_NOTHROW(HttpsClient(port, shared().certs / "ca.crt", "localhost"));
  CHECK_NOTHROW(HttpsClient(port, shared().certs / "ca.crt", "tollgate.tollgate-system.svc"));
  CHECK_THROWS_AS(HttpsClient(port, shared().certs / "ca.crt", "tollgate.elsewhere.svc"), boost::system::system_error);

  TempDir other;
  make_dev_certs(other.path / "certs");
  CHECK_THROWS_WITH(HttpsClient(port, other.path / "certs/ca.crt"), Catch::Contains("certificate verify failed"));
}

TEST_CASE("a rotated certificate is served to new connections without dropping open ones", "[e2e]") {
  TempDir work;
  make_dev_certs(work.path / "certs");
  make_dev_certs(work.path / "rotated");
  WebhookServer server(work.path, {required_labels_policies(work.path)}, work.path / "certs");
  HttpsClient open_before(server.port, work.path / "certs/ca.crt");
  REQUIRE(open_before.get("/healthz").result() == http::status::ok);

  // As a Secret update would: the key lands first, then the certificate.
  fs::copy_file(work.path / "rotated/tls.key", work.path / "certs/tls.key", fs::copy_options::overwrite_existing);
  fs::copy_file(work.path / "rotated/tls.crt", work.path / "certs/tls.crt", fs::copy_options::overwrite_existing);

  bool rotated = false;
  for (int attempt = 0; attempt < 100 && !rotated; ++attempt) {
    try {
      HttpsClient(server.port, work.path / "rotated/ca.crt").get("/healthz");
      rotated = true;
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(100ms);  // files are looked at every 2 s
    }
  }
  CHECK(rotated);
  CHECK_THROWS_AS(HttpsClient(server.port, work.path / "certs/ca.crt"), boost::system::system_error);
  CHECK(open_before.get("/healthz").result() == http::status::ok);
}

TEST_CASE("/metrics counts denials as gatekeeper_validation_request_count_total", "[e2e]") {
  unsigned short metrics_port = shared().server->metrics_port;
  double before = metric_value(scrape(metrics_port), kDenyCount);
  auto review = review_response(
      client().post("/validate", admission_review(load_json(fixture("namespace_without_owner.json")), "uid-count")));
  REQUIRE(review["response"]["allowed"] == false);
  std::string after = scrape(metrics_port);
  CHECK(metric_value(after, kDenyCount) == before + 1);
  CHECK_THAT(after, Catch::Contains(R"(gatekeeper_constraints{enforcement_action="deny",status="active"} 1)"));
  CHECK_THAT(after, Catch::Contains(R"(gatekeeper_constraints{enforcement_action="warn",status="active"} 1)"));
  CHECK_THAT(after, Catch::Contains(R"(gatekeeper_constraint_templates{status="active"} 1)"));
  CHECK(metric_value(after, R"(tollgate_constraint_violations_total{constraint="all-must-have-owner",)"
                            R"(constraint_kind="K8sRequiredLabels",enforcement_action="deny"})") >= 1);
}

TEST_CASE("denials are logged as JSON lines with the request and the messages", "[e2e]") {
  client().post("/validate", admission_review(load_json(fixture("namespace_without_owner.json")), "uid-logged"));
  // The log is flushed per line; give the write a moment to land.
  std::string log;
  for (int i = 0; i < 50 && log.find("uid-logged") == std::string::npos; ++i) {
    std::this_thread::sleep_for(20ms);
    log = shared().server->process().stderr_text();
  }
  std::istringstream lines(log);
  std::optional<nlohmann::json> denial;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("uid-logged") != std::string::npos) denial = nlohmann::json::parse(line);
  }
  REQUIRE(denial);
  CHECK((*denial)["msg"] == "admission denied");
  CHECK((*denial)["kind"] == "Namespace");
  CHECK((*denial)["name"] == "no-owner");
  CHECK((*denial)["namespace"] == "");
  CHECK_THAT((*denial)["denials"][0].get<std::string>(), Catch::StartsWith("[all-must-have-owner] "));
}

TEST_CASE("SIGTERM lets the request in flight finish, then exits 0", "[e2e]") {
  TempDir work;
  make_dev_certs(work.path / "certs");
  WebhookServer server(work.path, {required_labels_policies(work.path)}, work.path / "certs");
  HttpsClient idle(server.port, work.path / "certs/ca.crt");
  REQUIRE(idle.get("/healthz").result() == http::status::ok);

  // Half a request is on the wire when the signal arrives...
  HttpsClient busy(server.port, work.path / "certs/ca.crt");
  std::string body = admission_review(load_json(fixture("namespace_without_owner.json")), "uid-in-flight");
  busy.write_raw("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 100));
  std::this_thread::sleep_for(200ms);
  server.process().signal(SIGTERM);
  std::this_thread::sleep_for(200ms);
  // ...the idle connection is closed, the server stops accepting...
  CHECK(idle.closed_by_server());
  CHECK_THROWS_AS(HttpsClient(server.port, work.path / "certs/ca.crt"), boost::system::system_error);
  // ...and the rest of the request still gets its answer.
  busy.write_raw(body.substr(100));
  auto review = review_response(busy.read_response());
  CHECK(review["response"]["uid"] == "uid-in-flight");
  CHECK(review["response"]["allowed"] == false);

  auto code = server.process().wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK_THAT(server.process().stderr_text(), Catch::Contains("shutting down"));
}

TEST_CASE("policies that do not load stop the server with file:line:col errors and exit 1", "[e2e]") {
  TempDir work;
  make_dev_certs(work.path / "certs");
  fs::path policies = work.path / "broken";
  fs::create_directories(policies);
  write_file(policies / "constraint.yaml",
             "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: x\n"
             "spec:\n  match: [unclosed\n");
  ChildProcess process({TOLLGATE_BINARY, "serve", "--policies", policies.string(), "--tls-cert",
                        (work.path / "certs/tls.crt").string(), "--tls-key", (work.path / "certs/tls.key").string(),
                        "--addr", "127.0.0.1:0", "--metrics-addr", ""},
                       work.path / "out", work.path / "err");
  auto code = process.wait_exit(30s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK_THAT(process.stderr_text(), Catch::Contains((policies / "constraint.yaml").string() + ":"));
}

TEST_CASE("a missing certificate stops the server with exit 1", "[e2e]") {
  TempDir work;
  ChildProcess process({TOLLGATE_BINARY, "serve", "--policies", required_labels_policies(work.path).string(),
                        "--tls-cert", (work.path / "missing.crt").string(), "--tls-key",
                        (work.path / "missing.key").string(), "--addr", "127.0.0.1:0", "--metrics-addr", ""},
                       work.path / "out", work.path / "err");
  auto code = process.wait_exit(30s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK_THAT(process.stderr_text(), Catch::Contains("missing.crt: No such file or directory"));
}
