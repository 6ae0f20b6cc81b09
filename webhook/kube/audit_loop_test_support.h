// serve's audit under test (audit_loop_test*.cpp). FakeCluster: the API server's
// discovery (v1 and apps/v1, with subresources and a resource that cannot be
// listed beside them) and each collection of the given objects listed in
// pages of ?limit= items with the offset as continue token, as typed lists
// whose items lack apiVersion and kind. Paths can be forbidden, and the next
// continue of a path made to expire (410). FakeView holds the objects'
// Namespaces as the NamespaceCache does; nothing synced. AuditRig: an
// AuditLoop on a test API server serving a FakeCluster.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "policies/audit/audit_report.h"
#include "policies/audit/audit_run.h"
#include "policies/gator/engine.h"
#include "policies/test_support.h"
#include "rules/value/json.h"
#include "webhook/kube/audit_loop.h"
#include "webhook/kube/cluster_view.h"
#include "webhook/kube/kube_test_support.h"
#include "webhook/kube/namespace_cache.h"
#include "webhook/kube/test_api_server.h"
#include "webhook/metrics.h"

namespace tollgate::webhook::kube::testing {

// Where the API server serves a kind of the fixture cluster, and its list kind.
inline std::string collection_of(const value::Value& object) {
  std::string kind(object["kind"].string_or(""));
  if (kind == "Namespace") return "/api/v1/namespaces";
  if (kind == "Pod") return "/api/v1/pods";
  if (kind == "ConfigMap") return "/api/v1/configmaps";
  if (kind == "Deployment") return "/apis/apps/v1/deployments";
  FAIL("no collection for " << kind);
  return "";
}

inline std::string list_kind_of(const std::string& path) {
  return path == "/api/v1/namespaces" ? "NamespaceList"
         : path == "/api/v1/pods"     ? "PodList"
         : path == "/api/v1/configmaps" ? "ConfigMapList"
                                        : "DeploymentList";
}

class FakeCluster {
 public:
  // `yaml`: the cluster's objects (Namespaces, Pods, ConfigMaps, Deployments).
  explicit FakeCluster(const std::string& yaml) {
    for (const value::Value& o : policies::testing::yaml_all(yaml)) {
      // A typed list's items carry no apiVersion and kind.
      value::Value item = value::without_entry(value::without_entry(o, "kind"), "apiVersion");
      collections_[collection_of(o)].push_back(value::to_json(item));
      objects.push_back(o);
    }
  }

  void forbid(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    forbidden_.insert(path);
  }
  void expire_next_continue(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    expiring_.insert(path);
  }

  ApiReply operator()(const ApiRequest& r) {
    ApiReply reply;
    std::lock_guard<std::mutex> lock(mutex_);
    if (r.path == "/api") {
      reply.body = R"({"kind":"APIVersions","versions":["v1"]})";
    } else if (r.path == "/apis") {
      reply.body = R"({"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]})";
    } else if (r.path == "/api/v1") {
      reply.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[)"
                   R"({"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get","list","watch"]},)"
                   R"({"name":"namespaces/status","namespaced":false,"kind":"Namespace","verbs":["get"]},)"
                   R"({"name":"pods","namespaced":true,"kind":"Pod","verbs":["get","list","watch"]},)"
                   R"({"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","watch"]},)"
                   R"({"name":"bindings","namespaced":true,"kind":"Binding","verbs":["create"]}]})";
    } else if (r.path == "/apis/apps/v1") {
      reply.body = R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[)"
                   R"({"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["get","list","watch"]},)"
                   R"({"name":"deployments/scale","namespaced":true,"kind":"Scale","verbs":["get","update"]}]})";
    } else if (forbidden_.count(r.path) != 0) {
      reply.status = 403;
      reply.body = status_json(403, "Forbidden", r.path + " is forbidden: User cannot list resource");
    } else if (auto it = collections_.find(r.path); it != collections_.end() || is_collection(r.path)) {
      std::string token = r.param("continue");
      if (!token.empty() && expiring_.erase(r.path) != 0) {
        reply.status = 410;
        reply.body = status_json(410, "Expired", "The provided continue parameter is too old");
        return reply;
      }
      static const std::vector<std::string> none;
      const std::vector<std::string>& items = it == collections_.end() ? none : it->second;
      size_t offset = token.empty() ? 0 : std::stoul(token);
      size_t limit = r.param("limit").empty() ? 1000 : std::stoul(r.param("limit"));
      std::vector<std::string> page(items.begin() + static_cast<long>(std::min(offset, items.size())),
                                    items.begin() + static_cast<long>(std::min(offset + limit, items.size())));
      std::string next = offset + limit < items.size() ? std::to_string(offset + limit) : "";
      reply.body = list_json(list_kind_of(r.path), r.path.rfind("/apis/apps", 0) == 0 ? "apps/v1" : "v1", "100", next,
                             page);
    } else {
      reply.status = 404;
      reply.body = status_json(404, "NotFound", "the server could not find the requested resource");
    }
    return reply;
  }

  std::vector<value::Value> objects;  // with apiVersion and kind

 private:
  // A served collection with no object in it lists empty.
  static bool is_collection(const std::string& path) {
    return path == "/api/v1/namespaces" || path == "/api/v1/pods" || path == "/api/v1/configmaps" ||
           path == "/apis/apps/v1/deployments";
  }
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> collections_;
  std::set<std::string> forbidden_;
  std::set<std::string> expiring_;
};

class FakeView final : public ClusterView {
 public:
  explicit FakeView(const std::vector<value::Value>& objects) {
    std::vector<value::Value> namespaces;
    for (const value::Value& o : objects) {
      if (o["kind"].string_or("") == "Namespace") namespaces.push_back(o);
    }
    cache_.replace(std::move(namespaces));
  }
  value::Value namespace_object(std::string_view name) const override { return cache_.find(name); }
  value::Value inventory_data() const override { return value::Value(); }
  bool ready(std::string*) const override { return true; }
  void policies_changed(const std::shared_ptr<const policies::PolicySet>&) override {}

 private:
  NamespaceCache cache_;
};

inline constexpr const char* kAuditTimestamp = "2026-12-07T00:00:00Z";

inline std::shared_ptr<const policies::PolicySet> load_audit_policies(const std::string& text) {
  policies::LoadResult loaded = policies::PolicySet::from_objects(policies::testing::yaml_all(text));
  REQUIRE(loaded.errors.empty());
  return loaded.policies;
}

// What `tollgate audit` reports on the same objects with `policies_yaml` offline.
inline policies::audit::AuditReport offline_audit(const std::vector<value::Value>& objects,
                                                  const std::string& policies_yaml) {
  auto sourced = [](const std::vector<value::Value>& values, const std::string& file) {
    std::vector<policies::audit::SourcedObject> out;
    for (const value::Value& o : values) {
      policies::audit::SourcedObject s;
      s.object = o;
      s.file = file;
      out.push_back(std::move(s));
    }
    return out;
  };
  policies::audit::AuditOptions options;
  options.audit_timestamp = kAuditTimestamp;
  policies::audit::AuditReport report =
      policies::audit::run_audit(sourced(objects, "cluster.yaml"),
                                 sourced(policies::testing::yaml_all(policies_yaml), "policies.yaml"),
                                 policies::gator::build_engine, options);
  REQUIRE(report.error.empty());
  return report;
}

// The constraints' kinds, names and status, as /audit and `tollgate audit -o json` print them.
// (Served constraints carry their schema's defaults, e.g. spec.enforcementAction, as the API server
// returns them; the offline report shows them as written.)
inline value::Value statuses(const value::Value& document) {
  std::vector<value::Value> out;
  for (const value::Value& item : document["items"].items()) {
    out.push_back(value::Value::object({{value::Value::string("kind"), item["kind"]},
                                        {value::Value::string("name"), item["metadata"]["name"]},
                                        {value::Value::string("status"), item["status"]}}));
  }
  return value::Value::array(std::move(out));
}

// A test API server with a FakeCluster of `cluster_yaml` and an AuditLoop on
// it, auditing with the policies of `policies_yaml`.
struct AuditRig {
  AuditRig(const std::string& cluster_yaml, const std::string& policies_yaml, std::function<bool()> is_leader = nullptr,
           size_t chunk_size = 2, std::chrono::milliseconds interval = std::chrono::seconds(60))
      : fake(cluster_yaml),
        server(test_certs(), [this](const ApiRequest& r) { return fake(r); }),
        view(fake.objects),
        policies(load_audit_policies(policies_yaml)) {
    AuditLoopOptions options;
    options.chunk_size = chunk_size;
    options.interval = interval;
    options.audit.audit_timestamp = kAuditTimestamp;
    loop = std::make_unique<AuditLoop>(
        std::make_shared<ClusterConnection>(config_for(server), quick_client()),
        [this] {
          std::lock_guard<std::mutex> lock(mutex);
          return policies;
        },
        &view, std::move(is_leader), metrics.registry(), options);
  }
  ~AuditRig() { loop.reset(); }

  value::Value report() {
    AuditLoop::Answer answer = loop->answer();
    REQUIRE(answer.status == 200);
    value::Value document;
    value::JsonError error;
    REQUIRE(value::parse_json(answer.body, &document, &error));
    return document;
  }
  int requests_for(const std::string& path) {
    return server.count([&](const ApiRequest& r) { return r.path == path; });
  }

  FakeCluster fake;
  TestApiServer server;
  FakeView view;
  Metrics metrics;
  std::mutex mutex;
  std::shared_ptr<const policies::PolicySet> policies;
  std::unique_ptr<AuditLoop> loop;
};

}  // namespace tollgate::webhook::kube::testing
