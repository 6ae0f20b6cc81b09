// The log is written by a writer thread in batches; SIGTERM must still leave
// every line logged before the process exits on stderr.
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;

TEST_CASE("every denial logged before SIGTERM is on stderr when the server has exited", "[e2e]") {
  TempDir work;
  make_dev_certs(work.path / "certs");
  WebhookServer server(work.path, {required_labels_policies(work.path)}, work.path / "certs");
  constexpr int kRequests = 200;
  {
    HttpsClient client(server.port, work.path / "certs/ca.crt");
    for (int i = 0; i < kRequests; ++i) {
      HttpResponse response = client.post(
          "/validate", admission_review(load_json(fixture("namespace_without_owner.json")), "uid-sigterm-" + std::to_string(i)));
      REQUIRE(response.result() == http::status::ok);
    }
  }
  // At once: the last denials are still waiting for the writer's next batch.
  server.process().signal(SIGTERM);
  auto code = server.process().wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 0);

  std::string log = server.process().stderr_text();
  int denials = 0;
  std::istringstream lines(log);
  std::string last;
  for (std::string line; std::getline(lines, line);) {
    auto parsed = nlohmann::json::parse(line);  // every line whole: one JSON object
    if (parsed["msg"] == "admission denied" &&
        parsed["uid"].get<std::string>().rfind("uid-sigterm-", 0) == 0) {
      ++denials;
    }
    last = parsed["msg"];
  }
  CHECK(denials == kRequests);
  CHECK(log.find("\"uid-sigterm-" + std::to_string(kRequests - 1) + "\"") != std::string::npos);
  CHECK(last == "stopped");
}
