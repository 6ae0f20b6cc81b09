// The API client's transport: TLS verification, client certificates,
// keep-alive, limits, cancellation.
#include "webhook/kube/api_client.h"

#include <catch2/catch.hpp>

#include <thread>

#include "webhook/kube/kube_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using namespace std::chrono_literals;

namespace {

ApiReply ok(std::string body) {
  ApiReply reply;
  reply.body = std::move(body);
  return reply;
}

TestApiServer::Handler version_handler() {
  return [](const ApiRequest&) { return ok(R"({"major":"1","minor":"29","gitVersion":"v1.29.0"})"); };
}

}  // namespace

TEST_CASE("The API client verifies the server against the configured CA and host name", "[kube][client]") {
  TestApiServer server(test_certs(), version_handler());
  SECTION("the dev CA signed it for 127.0.0.1 and localhost") {
    ApiClient client(std::make_shared<ClusterConnection>(config_for(server), quick_client()));
    CHECK(client.get("/version").status == 200);
    ClusterConfig by_name = config_for(server);
    by_name.host = "localhost";
    ApiClient named(std::make_shared<ClusterConnection>(by_name, quick_client()));
    CHECK(named.get("/version").status == 200);
  }
  SECTION("another CA did not sign it") {
    TempDir other;
    REQUIRE(make_test_certs(other.path));
    ClusterConfig config = config_for(server);
    config.ca_pem = read_text(other.path / "ca.crt");
    ApiClient client(std::make_shared<ClusterConnection>(config, quick_client()));
    CHECK_THROWS_AS(client.get("/version"), TransportError);
  }
  SECTION("insecure-skip-tls-verify accepts it whoever signed it") {
    ClusterConfig config = config_for(server);
    config.ca_pem.clear();
    config.insecure_skip_tls_verify = true;
    ApiClient client(std::make_shared<ClusterConnection>(config, quick_client()));
    CHECK(client.get("/version").status == 200);
  }
}

TEST_CASE("The API client refuses a certificate made for another address", "[kube][client]") {
  // 127.0.0.2 is loopback too, but the certificate names only 127.0.0.1, ::1 and localhost.
  TestApiServer server(test_certs(), version_handler(), "", "127.0.0.2");
  ClusterConfig config = config_for(server);
  config.host = "127.0.0.2";
  ApiClient client(std::make_shared<ClusterConnection>(config, quick_client()));
  CHECK_THROWS_WITH(client.get("/version"), Catch::Contains("TLS handshake"));
}

TEST_CASE("The API client presents its client certificate when the server asks for one", "[kube][client]") {
  TestApiServer server(test_certs(), version_handler(), (test_certs() / "ca.crt").string());
  TempDir dir;
  make_client_cert(dir.path);
  ClusterConfig config = config_for(server, "");
  config.client_cert_pem = read_text(dir.path / "client.crt");
  config.client_key_pem = read_text(dir.path / "client.key");
  ApiClient client(std::make_shared<ClusterConnection>(config, quick_client()));
  CHECK(client.get("/version").status == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].has_client_certificate);
  CHECK(server.requests()[0].authorization.empty());
}

TEST_CASE("The API client keeps its connection alive between requests", "[kube][client]") {
  TestApiServer server(test_certs(), version_handler());
  ApiClient client(std::make_shared<ClusterConnection>(config_for(server), quick_client()));
  for (int i = 0; i < 5; ++i) CHECK(client.get("/version").status == 200);
  CHECK(server.connections() == 1);
  // The server closes kept-alive connections when it likes; the client reconnects.
  server.drop_connections();
  std::this_thread::sleep_for(50ms);
  CHECK(client.get("/version").status == 200);
  CHECK(server.connections() == 2);
}

TEST_CASE("A list page over the response limit fails instead of taking memory", "[kube][client]") {
  TestApiServer server(test_certs(), [](const ApiRequest&) {
    std::vector<std::string> items(200, namespace_json("n", "1"));
    return ok(list_json("NamespaceList", "v1", "1", "", items));
  });
  ClientOptions options = quick_client();
  options.max_response_bytes = 4096;
  ApiClient client(std::make_shared<ClusterConnection>(config_for(server), options));
  ApiResponse refused;
  CHECK_THROWS_WITH(client.list_page("/api/v1/namespaces", 500, "", &refused), Catch::Contains("larger than 4096"));
}

TEST_CASE("A watch event over the line limit breaks the stream off", "[kube][client]") {
  TestApiServer server(test_certs(), [](const ApiRequest&) {
    ApiReply reply;
    reply.stream = true;
    reply.chunks = {{std::string(10000, 'x')}};
    reply.hold = 60000ms;
    return reply;
  });
  ClientOptions options = quick_client();
  options.max_watch_line_bytes = 1024;
  ApiClient client(std::make_shared<ClusterConnection>(config_for(server), options));
  CHECK_THROWS_WITH(client.watch("/api/v1/namespaces", "1", 60, [](std::string_view) { return true; }),
                    Catch::Contains("larger than 1024"));
}

TEST_CASE("A watch with nothing to say for longer than the idle timeout is dropped", "[kube][client]") {
  TestApiServer server(test_certs(), [](const ApiRequest&) { return quiet_watch(); });
  ClientOptions options = quick_client();
  options.watch_idle_timeout = 300ms;
  ApiClient client(std::make_shared<ClusterConnection>(config_for(server), options));
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(client.watch("/api/v1/namespaces", "1", 60, [](std::string_view) { return true; }), TransportError);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("cancel() ends a watch in progress from another thread", "[kube][client]") {
  TestApiServer server(test_certs(), [](const ApiRequest&) { return quiet_watch(); });
  ApiClient client(std::make_shared<ClusterConnection>(config_for(server), quick_client()));
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    client.cancel();
  });
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(client.watch("/api/v1/namespaces", "1", 60, [](std::string_view) { return true; }), TransportError);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  canceller.join();
}

TEST_CASE("A Status body is described by its code, reason and message", "[kube][client]") {
  ApiResponse response{403, status_json(403, "Forbidden", "namespaces is forbidden")};
  CHECK(response.describe() == "403 Forbidden: namespaces is forbidden");
  CHECK(group_version_path("", "v1") == "/api/v1");
  CHECK(group_version_path("networking.k8s.io", "v1") == "/apis/networking.k8s.io/v1");
}

TEST_CASE("POST and PUT send their JSON body, and a refusal such as 409 Conflict is an answer, not an error",
          "[kube][client]") {
  FakeLeases leases;
  TestApiServer server(test_certs(), [&](const ApiRequest& r) { return leases.handle(r); });
  ApiClient client(std::make_shared<ClusterConnection>(config_for(server), quick_client()));
  const std::string collection = "/apis/coordination.k8s.io/v1/namespaces/ops/leases";
  ApiResponse created = client.post(
      collection, R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l"},"spec":{}})");
  CHECK(created.status == 201);
  nlohmann::json lease = nlohmann::json::parse(created.body);
  std::string first_version = lease["metadata"]["resourceVersion"];
  lease["spec"]["holderIdentity"] = "a";
  ApiResponse replaced = client.put(collection + "/l", lease.dump());
  CHECK(replaced.status == 200);
  CHECK(leases.holder("ops", "l") == "a");
  CHECK(nlohmann::json::parse(replaced.body)["metadata"]["resourceVersion"] != first_version);
  // The same replacement again carries the old resourceVersion.
  lease["spec"]["holderIdentity"] = "b";
  ApiResponse stale = client.put(collection + "/l", lease.dump());
  CHECK(stale.status == 409);
  CHECK_THAT(stale.describe(), Catch::StartsWith("409 Conflict: Operation cannot be fulfilled"));
  CHECK(leases.holder("ops", "l") == "a");
  // One connection served them all.
  CHECK(server.connections() == 1);
  std::vector<ApiRequest> requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].method == "POST");
  CHECK(requests[1].method == "PUT");
  CHECK(requests[0].path == collection);
}
