// What the kube tests share: a temp dir with dev certificates, a cluster
// connection to a TestApiServer, and a handler that records what a
// reflector hands it.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rules/value/json.h"
#include "webhook/kube/api_client.h"
#include "webhook/kube/inventory_sync.h"
#include "webhook/kube/reflector.h"
#include "webhook/kube/test_api_server.h"

namespace tollgate::webhook::kube::testing {

struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tollgate-kube-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

// The dev certificates, made once per test binary run.
inline const std::filesystem::path& test_certs() {
  static TempDir dir;
  static bool made = make_test_certs(dir.path);
  REQUIRE(made);
  return dir.path;
}

// A client certificate (client.crt, client.key; extendedKeyUsage clientAuth,
// CN `user`) signed by the test CA, as a kubeconfig user's.
inline void make_client_cert(const std::filesystem::path& dir, const std::string& user = "tollgate") {
  std::string ca = test_certs().string();
  std::string d = dir.string();
  std::string command =
      "cd '" + d + "' && openssl ecparam -name prime256v1 -genkey -noout -out client.key 2>/dev/null && "
      "openssl req -new -key client.key -subj '/O=system:masters/CN=" + user + "' -out client.csr 2>/dev/null && "
      "printf 'extendedKeyUsage=clientAuth\\nkeyUsage=critical,digitalSignature\\n' > client.ext && "
      "openssl x509 -req -in client.csr -CA '" + ca + "/ca.crt' -CAkey '" + ca + "/ca.key' -CAcreateserial "
      "-CAserial client.srl -days 2 -extfile client.ext -out client.crt 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
}

inline ClusterConfig config_for(const TestApiServer& server, const std::string& token = "test-token") {
  ClusterConfig config;
  config.host = "127.0.0.1";
  config.port = std::to_string(server.port());
  config.ca_pem = read_text(test_certs() / "ca.crt");
  config.token = token;
  config.description = "test";
  return config;
}

// A kubeconfig for `tollgate serve --kubeconfig` that talks to `server`
// with a bearer token (and a context namespace when given).
inline std::string kubeconfig_yaml(const TestApiServer& server, const std::string& token,
                                   const std::string& namespace_name = "") {
  std::string context = "{cluster: test, user: tollgate" +
                        (namespace_name.empty() ? std::string() : ", namespace: " + namespace_name) + "}";
  return "apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters:\n- name: test\n  cluster:\n    server: " +
         server.url() + "\n    certificate-authority: " + (test_certs() / "ca.crt").string() +
         "\ncontexts:\n- name: test\n  context: " + context + "\nusers:\n- name: tollgate\n  user: {token: " + token +
         "}\n";
}

inline ClientOptions quick_client() {
  ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.request_timeout = std::chrono::milliseconds(3000);
  options.watch_idle_timeout = std::chrono::milliseconds(3000);
  return options;
}

inline ReflectorOptions quick_reflector() {
  ReflectorOptions options;
  options.backoff_initial = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(100);
  options.watch_timeout_seconds = 5;
  return options;
}

// Remembers the objects a reflector hands it, by name.
class RecordingHandler final : public ReflectorHandler {
 public:
  void replace(std::vector<value::Value> objects) override {
    std::lock_guard<std::mutex> lock(mutex_);
    objects_.clear();
    for (value::Value& o : objects) objects_[std::string(o["metadata"]["name"].string_or(""))] = std::move(o);
    ++replaces_;
  }
  void apply(WatchEventType type, const value::Value& object) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string name(object["metadata"]["name"].string_or(""));
    if (type == WatchEventType::Deleted) {
      objects_.erase(name);
    } else {
      objects_[name] = object;
    }
    ++events_;
  }
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, o] : objects_) out.push_back(name);
    return out;
  }
  value::Value get(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = objects_.find(name);
    return it == objects_.end() ? value::Value() : it->second;
  }
  int replaces() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return replaces_;
  }
  int events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, value::Value> objects_;
  int replaces_ = 0;
  int events_ = 0;
};

// A constraint for policies::testing::kDenyAllTemplate ("denied <name>") on
// Pods in Namespaces labelled env=prod: only a known Namespace decides it.
inline constexpr const char* kNoPodsInProd = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: no-pods-in-prod}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
    namespaceSelector:
      matchLabels: {env: prod}
)";

// A watch the server keeps open without news (as a quiet cluster's), for
// tests that are done once the list is in.
inline ApiReply quiet_watch() {
  ApiReply reply;
  reply.stream = true;
  reply.hold = std::chrono::milliseconds(60000);
  return reply;
}

// What the API server answers for a path it does not serve (a group or kind it lacks).
inline ApiReply not_found() {
  ApiReply reply;
  reply.status = 404;
  reply.body = status_json(404, "NotFound", "the server could not find the requested resource");
  return reply;
}

// A sync that rebuilds soon after a change and retries discovery quickly.
inline SyncOptions quick_sync() {
  SyncOptions options;
  options.rebuild_interval = std::chrono::milliseconds(50);
  options.discovery_retry = std::chrono::milliseconds(100);
  options.reflector = quick_reflector();
  return options;
}

}  // namespace tollgate::webhook::kube::testing
