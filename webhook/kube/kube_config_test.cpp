// Finding the cluster: kubeconfig files and the in-cluster service account.
#include "webhook/kube/kube_config.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "rules/value/base64.h"
#include "webhook/kube/api_client.h"
#include "webhook/kube/kube_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

}  // namespace

TEST_CASE("A kubeconfig with embedded client certificate data uses its current context", "[kube][kubeconfig]") {
  TempDir dir;
  make_client_cert(dir.path);
  std::string ca = read_text(test_certs() / "ca.crt");
  std::string cert = read_text(dir.path / "client.crt");
  std::string key = read_text(dir.path / "client.key");
  using tollgate::value::base64_encode;
  write(dir.path / "config", R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: staging
  cluster:
    server: https://staging.example:6443
- name: prod
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: )" + base64_encode(ca) + R"(
contexts:
- name: staging
  context: {cluster: staging, user: admin}
- name: prod
  context:
    cluster: prod
    user: tollgate
    namespace: tollgate-system
users:
- name: admin
  user: {token: not-this-one}
- name: tollgate
  user:
    client-certificate-data: )" + base64_encode(cert) + R"(
    client-key-data: )" + base64_encode(key) + "\n");
  std::string error;
  std::optional<ClusterConfig> config = load_kubeconfig((dir.path / "config").string(), &error);
  REQUIRE(config);
  CHECK(error.empty());
  CHECK(config->host == "10.0.0.1");
  CHECK(config->port == "6443");
  CHECK(config->base_path.empty());
  CHECK(config->ca_pem == ca);
  CHECK(config->client_cert_pem == cert);
  CHECK(config->client_key_pem == key);
  CHECK(config->token.empty());
  CHECK(config->namespace_name == "tollgate-system");
  CHECK_THAT(config->description, Catch::Contains("context prod"));
}

TEST_CASE("A kubeconfig's file references are relative to its folder, and a token reaches the server",
          "[kube][kubeconfig]") {
  TempDir dir;
  fs::create_directories(dir.path / "pki");
  fs::copy_file(test_certs() / "ca.crt", dir.path / "pki/ca.crt");
  TestApiServer server(test_certs(), [](const ApiRequest&) {
    ApiReply reply;
    reply.body = R"({"major":"1","minor":"29"})";
    return reply;
  });
  write(dir.path / "config", R"(apiVersion: v1
kind: Config
current-context: local
clusters:
- name: local
  cluster:
    server: )" + server.url() + R"(
    certificate-authority: pki/ca.crt
contexts:
- name: local
  context: {cluster: local, user: robot}
users:
- name: robot
  user: {token: s3cret}
)");
  std::string error;
  std::optional<ClusterConfig> config = load_kubeconfig((dir.path / "config").string(), &error);
  REQUIRE(config);
  CHECK(config->token == "s3cret");
  ApiClient client(std::make_shared<ClusterConnection>(*config, quick_client()));
  CHECK(client.get("/version").status == 200);
  CHECK(server.requests().at(0).authorization == "Bearer s3cret");
}

TEST_CASE("A kubeconfig tokenFile is read, and read again when it changes", "[kube][kubeconfig]") {
  TempDir dir;
  write(dir.path / "token", "first\n");
  write(dir.path / "config", R"(apiVersion: v1
kind: Config
current-context: c
clusters: [{name: k, cluster: {server: "https://[::1]:8443", insecure-skip-tls-verify: true}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {tokenFile: token}}]
)");
  std::string error;
  std::optional<ClusterConfig> config = load_kubeconfig((dir.path / "config").string(), &error);
  REQUIRE(config);
  CHECK(config->host == "::1");
  CHECK(config->port == "8443");
  CHECK(config->insecure_skip_tls_verify);
  CHECK(config->token_file == (dir.path / "token").string());
  TokenSource tokens(*config, std::chrono::seconds(3600));
  CHECK(tokens.token() == "first");
  CHECK(tokens.token() == "first");
  CHECK(tokens.reads() == 1);
  // A rewrite (new size or mtime) is noticed without waiting for the minute.
  write(dir.path / "token", "second-token\n");
  CHECK(tokens.token() == "second-token");
  // A 401 forces a read even when the file looks unchanged.
  tokens.invalidate();
  CHECK(tokens.token() == "second-token");
  CHECK(tokens.reads() == 3);
}

TEST_CASE("A kubeconfig that cannot be used says why", "[kube][kubeconfig]") {
  TempDir dir;
  std::string error;
  SECTION("missing file") {
    CHECK_FALSE(load_kubeconfig((dir.path / "nope").string(), &error));
    CHECK_THAT(error, Catch::Contains("cannot read kubeconfig"));
  }
  SECTION("no such context") {
    write(dir.path / "config", "current-context: gone\ncontexts: []\n");
    CHECK_FALSE(load_kubeconfig((dir.path / "config").string(), &error));
    CHECK_THAT(error, Catch::Contains("context \"gone\" not found"));
  }
  SECTION("an exec credential plugin") {
    write(dir.path / "config", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://eks.example"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {exec: {command: aws, args: [eks, get-token]}}}]
)");
    CHECK_FALSE(load_kubeconfig((dir.path / "config").string(), &error));
    CHECK_THAT(error, Catch::Contains("exec plugin"));
  }
  SECTION("a plain-HTTP server") {
    write(dir.path / "config", R"(current-context: c
clusters: [{name: k, cluster: {server: "http://localhost:8080"}}]
contexts: [{name: c, context: {cluster: k}}]
)");
    CHECK_FALSE(load_kubeconfig((dir.path / "config").string(), &error));
    CHECK_THAT(error, Catch::Contains("not an https:// URL"));
  }
}

TEST_CASE("In-cluster configuration comes from KUBERNETES_SERVICE_HOST/PORT and the service account files",
          "[kube][kubeconfig]") {
  TempDir dir;
  write(dir.path / "token", "eyJhbGciOi.payload.sig\n");
  write(dir.path / "ca.crt", read_text(test_certs() / "ca.crt"));
  write(dir.path / "namespace", "tollgate-system");
  const char* saved_host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* saved_port = std::getenv("KUBERNETES_SERVICE_PORT");
  std::string old_host = saved_host ? saved_host : "", old_port = saved_port ? saved_port : "";
  ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  std::string error;
  std::optional<ClusterConfig> config = in_cluster_config(&error, dir.path.string());
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  std::optional<ClusterConfig> outside = in_cluster_config(&error, dir.path.string());
  if (saved_host) ::setenv("KUBERNETES_SERVICE_HOST", old_host.c_str(), 1);
  if (saved_port) ::setenv("KUBERNETES_SERVICE_PORT", old_port.c_str(), 1); else ::unsetenv("KUBERNETES_SERVICE_PORT");
  REQUIRE(config);
  CHECK(config->host == "10.96.0.1");
  CHECK(config->port == "443");
  CHECK(config->token_file == (dir.path / "token").string());
  CHECK(config->namespace_name == "tollgate-system");
  CHECK(TokenSource(*config).token() == "eyJhbGciOi.payload.sig");
  CHECK_FALSE(outside);
  CHECK_THAT(error, Catch::Contains("KUBERNETES_SERVICE_HOST"));
}
