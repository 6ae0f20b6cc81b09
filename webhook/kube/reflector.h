// A reflector keeps a local copy of one collection of the Kubernetes API, as
// client-go's does: list it in pages, then watch from the list's
// resourceVersion; bookmarks move the resourceVersion on, an ERROR 410 (the
// version is too old) lists again, a dropped stream or a 5xx backs off with
// jitter and watches again from the last version seen, a 401 re-reads the
// token, a 403 is logged as missing RBAC and backed off.
//
// It runs on a thread of its own with its own ApiClient; the handler is
// called on that thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rules/value/value.h"
#include "webhook/kube/api_client.h"

namespace tollgate::webhook::kube {

// A collection to reflect: its API path and what to call it in logs and metrics.
struct ResourceRef {
  std::string group;
  std::string version;
  std::string resource;  // plural, as discovery names it: "namespaces", "ingresses"
  std::string kind;      // "Namespace", "Ingress"
  bool namespaced = false;
  // The collection across all namespaces: /api/v1/pods, /apis/networking.k8s.io/v1/ingresses.
  std::string path() const;
  // "namespaces", "ingresses.networking.k8s.io": the metric label.
  std::string label() const;
};

enum class WatchEventType { Added, Modified, Deleted };

class ReflectorHandler {
 public:
  virtual ~ReflectorHandler() = default;
  // A complete list: every object now in the collection (after the first
  // list and after each relist).
  virtual void replace(std::vector<value::Value> objects) = 0;
  virtual void apply(WatchEventType type, const value::Value& object) = 0;
};

// Why a reflector listed or watched again after a failure
// (tollgate_kube_watch_restarts_total's reason label).
enum class RestartReason { Gone, Dropped, ServerError, Unauthorized, Forbidden, Refused, BadEvent };
const char* to_string(RestartReason reason);

struct ReflectorOptions {
  size_t page_size = 500;
  int watch_timeout_seconds = 300;  // the server ends each watch after about this long (jittered up to 2x)
  std::chrono::milliseconds backoff_initial{800};
  std::chrono::milliseconds backoff_max{30000};
  // Called (on the reflector's thread) for each restart.
  std::function<void(const ResourceRef&, RestartReason)> on_restart;
};

class Reflector {
 public:
  Reflector(std::shared_ptr<ClusterConnection> cluster, ResourceRef resource, ReflectorHandler& handler,
            ReflectorOptions options = {});
  ~Reflector();  // stops
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  void start();
  // Ends the thread: the call in progress is cancelled. Idempotent.
  void stop();

  const ResourceRef& resource() const { return resource_; }
  // Whether a first complete list has been handed to the handler.
  bool synced() const { return synced_.load(); }
  // The last resourceVersion seen (list, event or bookmark).
  std::string resource_version() const;
  // The last failure, "" after a success (for /readyz and logs).
  std::string last_error() const;
  // Lists and watches completed (tests wait on them).
  int lists() const { return lists_.load(); }

 private:
  void run();
  bool list_all();
  // Returns true when the next step is a relist.
  bool watch_once();
  void restarted(RestartReason reason, const std::string& error);
  void back_off();
  void set_resource_version(std::string rv);
  void set_error(std::string error);

  std::shared_ptr<ClusterConnection> cluster_;
  ResourceRef resource_;
  ReflectorHandler& handler_;
  ReflectorOptions options_;
  ApiClient client_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> synced_{false};
  std::atomic<int> lists_{0};
  mutable std::mutex mutex_;  // guards resource_version_, last_error_, sleeping
  std::condition_variable wake_;
  std::string resource_version_;
  std::string last_error_;
  std::chrono::milliseconds backoff_{0};
  int unauthorized_in_a_row_ = 0;
};

}  // namespace tollgate::webhook::kube
