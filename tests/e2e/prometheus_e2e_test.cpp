// A real Prometheus server scrapes `tollgate serve` and sees the
// Gatekeeper-named validation counter.
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;

namespace {

std::optional<fs::path> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path candidate = fs::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

unsigned short free_port() {
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace

TEST_CASE("Prometheus scrapes gatekeeper_validation_request_count_total from /metrics", "[e2e][prometheus]") {
  auto prometheus = find_in_path("prometheus");
  if (!prometheus) {
    FAIL("the prometheus binary is not on PATH; install it (Debian package `prometheus`) to run this test");
  }
  TempDir work;
  make_dev_certs(work.path / "certs");
  WebhookServer server(work.path, {required_labels_policies(work.path)}, work.path / "certs");

  auto review = nlohmann::json::parse(
      HttpsClient(server.port, work.path / "certs/ca.crt")
          .post("/validate", admission_review(load_json(fixture("namespace_without_owner.json")), "uid-prometheus"))
          .body());
  REQUIRE(review["response"]["allowed"] == false);

  write_file(work.path / "prometheus.yml",
             "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
             "scrape_configs:\n  - job_name: tollgate\n    scrape_interval: 1s\n    static_configs:\n"
             "      - targets: ['127.0.0.1:" + std::to_string(server.metrics_port) + "']\n");
  unsigned short web_port = free_port();
  ChildProcess prometheus_process(
      {prometheus->string(), "--config.file=" + (work.path / "prometheus.yml").string(),
       "--storage.tsdb.path=" + (work.path / "tsdb").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(web_port)},
      work.path / "prometheus.stdout", work.path / "prometheus.stderr");

  std::string last_answer = "(no answer)";
  auto give_up = std::chrono::steady_clock::now() + 30s;
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(250ms);
    if (auto code = prometheus_process.wait_exit(0ms)) {
      FAIL("prometheus exited with " << *code << ":\n" << prometheus_process.stderr_text());
    }
    try {
      HttpResponse answer =
          HttpClient(web_port).get("/api/v1/query?query=gatekeeper_validation_request_count_total");
      last_answer = answer.body();
      if (answer.result() != http::status::ok) continue;
      nlohmann::json query_result = nlohmann::json::parse(answer.body());
      for (const auto& series : query_result["data"]["result"]) {
        if (series["metric"]["admission_status"] == "deny" && series["metric"]["admission_dryrun"] == "false" &&
            series["metric"]["job"] == "tollgate" && std::stod(series["value"][1].get<std::string>()) >= 1) {
          found = true;
        }
      }
    } catch (const boost::system::system_error&) {
      // Not listening yet.
    }
  }
  INFO("last answer from Prometheus: " << last_answer);
  CHECK(found);
  prometheus_process.signal(SIGTERM);
  prometheus_process.wait_exit(10s);
}
