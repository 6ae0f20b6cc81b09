// The reflector against a test API server speaking the list/watch protocol.
#include "webhook/kube/reflector.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>

#include "webhook/kube/kube_test_support.h"
#include "webhook/wait_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using tollgate::webhook::testing::eventually;
using namespace std::chrono_literals;

namespace {

bool is_list(const ApiRequest& r) { return r.path == "/api/v1/namespaces" && !r.watch(); }
bool is_watch(const ApiRequest& r) { return r.path == "/api/v1/namespaces" && r.watch(); }

std::string namespace_list(const std::string& rv, const std::vector<std::string>& names,
                           const std::string& continue_token = "") {
  std::vector<std::string> items;
  for (const std::string& name : names) items.push_back(namespace_json(name, rv));
  return list_json("NamespaceList", "v1", rv, continue_token, items);
}

ApiReply ok(std::string body) {
  ApiReply reply;
  reply.body = std::move(body);
  return reply;
}

ApiReply stream(std::vector<Chunk> chunks, bool drop = false, std::chrono::milliseconds hold = 0ms) {
  ApiReply reply;
  reply.stream = true;
  reply.chunks = std::move(chunks);
  reply.drop = drop;
  reply.hold = hold;
  return reply;
}

struct Restarts {
  std::mutex mutex;
  std::vector<std::string> reasons;
  ReflectorOptions options() {
    ReflectorOptions o = quick_reflector();
    o.on_restart = [this](const ResourceRef&, RestartReason reason) {
      std::lock_guard<std::mutex> lock(mutex);
      reasons.push_back(to_string(reason));
    };
    return o;
  }
  int count(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex);
    return static_cast<int>(std::count(reasons.begin(), reasons.end(), reason));
  }
};

}  // namespace

TEST_CASE("A reflector lists a collection in pages of 500, following the continue token", "[kube][reflector]") {
  TestApiServer server(test_certs(), [](const ApiRequest& r) {
    if (is_watch(r)) return quiet_watch();
    if (r.param("continue").empty()) return ok(namespace_list("10", {"alpha", "beta"}, "page-2-token"));
    return ok(namespace_list("12", {"gamma"}));
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, quick_reflector());
  reflector.start();
  REQUIRE(eventually([&] { return reflector.synced(); }));
  CHECK(handler.names() == std::vector<std::string>{"alpha", "beta", "gamma"});
  // Items of a typed list come without apiVersion and kind; the reflector gives them the list's.
  CHECK(handler.get("gamma")["kind"].string_or("") == "Namespace");
  CHECK(handler.get("gamma")["apiVersion"].string_or("") == "v1");
  CHECK(reflector.resource_version() == "12");
  REQUIRE(eventually([&] { return server.count(is_watch) >= 1; }));
  std::vector<ApiRequest> requests = server.requests();
  REQUIRE(requests.size() >= 3);
  CHECK(requests[0].param("limit") == "500");
  CHECK(requests[1].param("continue") == "page-2-token");
  CHECK(requests[1].param("limit") == "500");
  CHECK(requests[2].param("resourceVersion") == "12");
  CHECK(requests[2].param("allowWatchBookmarks") == "true");
  CHECK(!requests[2].param("timeoutSeconds").empty());
  CHECK(requests[0].authorization == "Bearer test-token");
}

TEST_CASE("Watch events ADDED, MODIFIED and DELETED change the reflected objects", "[kube][reflector]") {
  TestApiServer server(test_certs(), [](const ApiRequest& r) {
    if (is_list(r)) return ok(namespace_list("10", {"alpha", "beta"}));
    return stream({{watch_event("ADDED", namespace_json("gamma", "11", "{}", true))},
                   {watch_event("MODIFIED", namespace_json("alpha", "12", R"({"team":"payments"})", true))},
                   {watch_event("DELETED", namespace_json("beta", "13", "{}", true))}},
                  false, 60000ms);
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, quick_reflector());
  reflector.start();
  REQUIRE(eventually([&] { return handler.events() == 3; }));
  CHECK(handler.names() == std::vector<std::string>{"alpha", "gamma"});
  CHECK(handler.get("alpha")["metadata"]["labels"]["team"].string_or("") == "payments");
  CHECK(reflector.resource_version() == "13");
  CHECK(reflector.lists() == 1);
}

TEST_CASE("A BOOKMARK moves the resourceVersion the next watch starts from", "[kube][reflector]") {
  std::atomic<int> watches{0};
  TestApiServer server(test_certs(), [&](const ApiRequest& r) {
    if (is_list(r)) return ok(namespace_list("10", {"alpha"}));
    // The first watch sends a bookmark and ends (its timeoutSeconds passed).
    if (watches.fetch_add(1) == 0) return stream({{bookmark_event("Namespace", "v1", "57")}});
    return quiet_watch();
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, quick_reflector());
  reflector.start();
  REQUIRE(eventually([&] { return server.count(is_watch) >= 2; }));
  std::vector<ApiRequest> watch_requests;
  for (const ApiRequest& r : server.requests()) {
    if (is_watch(r)) watch_requests.push_back(r);
  }
  CHECK(watch_requests[0].param("resourceVersion") == "10");
  CHECK(watch_requests[1].param("resourceVersion") == "57");
  CHECK(server.count(is_list) == 1);  // a bookmark is no reason to list again
  CHECK(handler.names() == std::vector<std::string>{"alpha"});
}

TEST_CASE("An ERROR 410 Expired in the watch stream lists the collection again", "[kube][reflector]") {
  std::atomic<int> lists{0};
  Restarts restarts;
  TestApiServer server(test_certs(), [&](const ApiRequest& r) {
    if (is_list(r)) {
      return lists.fetch_add(1) == 0 ? ok(namespace_list("10", {"alpha", "beta"}))
                                     : ok(namespace_list("90", {"alpha", "delta"}));
    }
    if (r.param("resourceVersion") == "10") return stream({{gone_event()}}, false, 60000ms);
    return quiet_watch();
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, restarts.options());
  reflector.start();
  REQUIRE(eventually([&] { return handler.replaces() == 2; }));
  CHECK(handler.names() == std::vector<std::string>{"alpha", "delta"});
  CHECK(restarts.count("gone") == 1);
  REQUIRE(eventually([&] { return reflector.resource_version() == "90"; }));
}

TEST_CASE("A watch stream dropped mid-way resumes from the last resourceVersion without listing again",
          "[kube][reflector]") {
  std::atomic<int> watches{0};
  Restarts restarts;
  TestApiServer server(test_certs(), [&](const ApiRequest& r) {
    if (is_list(r)) return ok(namespace_list("10", {"alpha"}));
    if (watches.fetch_add(1) == 0) {
      // One event, then half of the next, then the connection is gone.
      return stream({{watch_event("ADDED", namespace_json("gamma", "11", "{}", true))},
                     {R"({"type":"ADDED","object":{"kind":"Namesp)"}},
                    true);
    }
    return quiet_watch();
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, restarts.options());
  reflector.start();
  REQUIRE(eventually([&] { return server.count(is_watch) >= 2; }));
  std::vector<ApiRequest> watch_requests;
  for (const ApiRequest& r : server.requests()) {
    if (is_watch(r)) watch_requests.push_back(r);
  }
  CHECK(watch_requests[1].param("resourceVersion") == "11");
  CHECK(server.count(is_list) == 1);
  CHECK(restarts.count("dropped") == 1);
  CHECK(handler.names() == std::vector<std::string>{"alpha", "gamma"});
}

TEST_CASE("A slow watch stream delivers each event as its bytes arrive, whatever the chunking", "[kube][reflector]") {
  std::string event = watch_event("ADDED", namespace_json("gamma", "11", "{}", true));
  std::string second = watch_event("ADDED", namespace_json("delta", "12", "{}", true));
  TestApiServer server(test_certs(), [&](const ApiRequest& r) {
    if (is_list(r)) return ok(namespace_list("10", {}));
    // An event cut in the middle, its rest 300 ms later together with the start of the next.
    return stream({{event.substr(0, 40)},
                   {event.substr(40) + second.substr(0, 10), 300ms},
                   {second.substr(10), 300ms}},
                  false, 60000ms);
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, quick_reflector());
  reflector.start();
  REQUIRE(eventually([&] { return handler.events() == 1; }));
  CHECK(handler.names() == std::vector<std::string>{"gamma"});
  REQUIRE(eventually([&] { return handler.events() == 2; }));
  CHECK(handler.names() == std::vector<std::string>{"delta", "gamma"});
}

TEST_CASE("A 401 makes the reflector read its token file again and retry", "[kube][reflector]") {
  TempDir dir;
  std::filesystem::path token_file = dir.path / "token";
  { std::ofstream(token_file) << "expired-token\n"; }
  Restarts restarts;
  TestApiServer server(test_certs(), [](const ApiRequest& r) {
    if (r.authorization != "Bearer rotated-token") {
      ApiReply refused;
      refused.status = 401;
      refused.body = status_json(401, "Unauthorized", "Unauthorized");
      return refused;
    }
    if (is_list(r)) return ok(namespace_list("10", {"alpha"}));
    return quiet_watch();
  });
  ClusterConfig config = config_for(server, "");
  config.token_file = token_file.string();
  auto cluster = std::make_shared<ClusterConnection>(config, quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, restarts.options());
  reflector.start();
  REQUIRE(eventually([&] { return restarts.count("unauthorized") >= 1; }));
  CHECK_FALSE(reflector.synced());
  CHECK_THAT(reflector.last_error(), Catch::Contains("401 Unauthorized"));
  // The kubelet rotates the projected token.
  { std::ofstream(token_file, std::ios::trunc) << "rotated-token\n"; }
  REQUIRE(eventually([&] { return reflector.synced(); }));
  CHECK(handler.names() == std::vector<std::string>{"alpha"});
  CHECK(cluster->tokens().reads() >= 2);
}

TEST_CASE("A 403 says RBAC is missing and is retried with backoff, not in a tight loop", "[kube][reflector]") {
  Restarts restarts;
  TestApiServer server(test_certs(), [](const ApiRequest&) {
    ApiReply refused;
    refused.status = 403;
    refused.body = status_json(403, "Forbidden",
                               "namespaces is forbidden: User \\\"system:serviceaccount:tollgate:tollgate\\\" cannot "
                               "list resource \\\"namespaces\\\" in API group \\\"\\\" at the cluster scope");
    return refused;
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  ReflectorOptions options = restarts.options();
  options.backoff_initial = 100ms;
  options.backoff_max = 400ms;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, options);
  reflector.start();
  REQUIRE(eventually([&] { return restarts.count("forbidden") >= 2; }));
  CHECK_THAT(reflector.last_error(), Catch::Contains("403 Forbidden") && Catch::Contains("cannot list"));
  CHECK_FALSE(reflector.synced());
  std::this_thread::sleep_for(500ms);
  // 100 ms doubling (with up to 100% jitter) to 400 ms: a handful of tries in 0.5 s, not hundreds.
  CHECK(server.count(is_list) < 10);
}

TEST_CASE("A 5xx is retried with backoff, and a watch refused with HTTP 410 lists again", "[kube][reflector]") {
  std::atomic<int> lists{0};
  std::atomic<int> watches{0};
  Restarts restarts;
  TestApiServer server(test_certs(), [&](const ApiRequest& r) {
    ApiReply reply;
    if (is_list(r)) {
      if (lists.fetch_add(1) == 0) {
        reply.status = 500;
        reply.body = status_json(500, "InternalError", "etcdserver: request timed out");
        return reply;
      }
      return ok(namespace_list(std::to_string(10 + lists.load()), {"alpha"}));
    }
    if (watches.fetch_add(1) == 0) {
      reply.status = 410;
      reply.body = status_json(410, "Gone", "too old resource version: 11 (2000)");
      return reply;
    }
    return quiet_watch();
  });
  auto cluster = std::make_shared<ClusterConnection>(config_for(server), quick_client());
  RecordingHandler handler;
  Reflector reflector(cluster, {"", "v1", "namespaces", "Namespace", false}, handler, restarts.options());
  reflector.start();
  REQUIRE(eventually([&] { return handler.replaces() == 2 && server.count(is_watch) >= 2; }));
  CHECK(restarts.count("server_error") == 1);
  CHECK(restarts.count("gone") == 1);
  CHECK(lists.load() == 3);
}
