// The Config's spec.sync.syncOnly kinds, listed and watched into
// data.inventory as Gatekeeper's sync does:
// data.inventory.cluster[<groupVersion>][<Kind>][<name>] and
// data.inventory.namespace[<ns>][<groupVersion>][<Kind>][<name>], minus the
// namespaces the Config excludes from the `sync` process.
//
// Each kind's resource is found through discovery (/api/v1,
// /apis/<group>/<version>) and reflected on a thread of its own. The data
// document is rebuilt after changes at most once per `rebuild_interval` and
// swapped in atomically, so a review costs one pointer copy and a policy
// reload is never needed. Objects beyond the memory cap are not added (logged,
// counted); a Config change starts and stops reflectors.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "policies/policy_set.h"
#include "rules/value/value.h"
#include "webhook/kube/api_client.h"
#include "webhook/kube/reflector.h"

namespace tollgate::webhook::kube {

class KubeMetrics;

struct SyncOptions {
  size_t max_objects = 100000;
  size_t max_bytes = size_t{512} << 20;  // estimated from each object's JSON size
  std::chrono::milliseconds rebuild_interval{1000};
  // How soon a kind discovery could not resolve is tried again.
  std::chrono::milliseconds discovery_retry{10000};
  ReflectorOptions reflector;
  // What the objects are for, in log lines.
  std::string purpose = "data.inventory";
  // Whether rebuilds set gatekeeper_sync{kind} and tollgate_kube_sync_objects/_bytes:
  // the sync of data.inventory does; a second sync (ParamSync's) only counts
  // sync operations, drops and watch restarts, without overwriting them.
  bool sync_gauges = true;
  // Called on the sync's thread after each rebuild with every object the
  // document was built from, the static ones first (ParamSync's index).
  std::function<void(const std::vector<value::Value>& objects)> on_rebuild;
};

class InventorySync {
 public:
  // `static_objects` (serve --inventory) are always part of the inventory.
  InventorySync(std::shared_ptr<ClusterConnection> cluster, SyncOptions options, KubeMetrics* metrics,
                std::vector<value::Value> static_objects = {});
  ~InventorySync();  // stops
  InventorySync(const InventorySync&) = delete;
  InventorySync& operator=(const InventorySync&) = delete;

  void start();
  void stop();

  // What to sync and which namespaces the Config excludes from it.
  void set_policies(std::shared_ptr<const policies::PolicySet> policies);
  void set_kinds(std::vector<policies::SyncKind> kinds);  // tests: no exclusions

  // The current data document ({"inventory": ...}); never null once constructed.
  value::Value data() const;
  // Whether every wanted kind has been listed once and the document rebuilt since.
  bool synced() const;
  // Where each wanted kind stands.
  struct KindStatus {
    enum class State { Discovering, NotServed, Listing, Listed };
    policies::SyncKind kind;
    State state = State::Discovering;
    bool namespaced = false;  // Listing, Listed: discovery's answer
  };
  std::vector<KindStatus> kind_status() const;
  size_t objects_held() const { return objects_.load(); }
  // How many times the document has been rebuilt (tests).
  int rebuilds() const { return rebuilds_.load(); }

 private:
  struct Store;
  void run();
  void reconcile(std::unique_lock<std::mutex>& lock);
  void rebuild();
  void changed();

  std::shared_ptr<ClusterConnection> cluster_;
  SyncOptions options_;
  KubeMetrics* metrics_;
  std::vector<value::Value> static_objects_;
  ApiClient discovery_;

  mutable std::mutex mutex_;  // guards wanted_, stores_, policies_, kinds_changed_
  std::condition_variable wake_;
  std::thread thread_;
  bool stopping_ = false;
  bool kinds_changed_ = false;
  std::vector<policies::SyncKind> wanted_;
  std::shared_ptr<const policies::PolicySet> policies_;
  std::map<std::string, std::unique_ptr<Store>> stores_;  // by "group/version/Kind"
  std::map<std::string, std::chrono::steady_clock::time_point> retry_at_;  // kinds discovery failed for

  std::atomic<bool> dirty_{true};
  std::atomic<size_t> objects_{0};
  std::atomic<size_t> bytes_{0};
  std::atomic<int> rebuilds_{0};
  std::atomic<bool> synced_{false};
  std::atomic<size_t> listed_at_rebuild_{0};  // reflectors synced at the last rebuild
  std::atomic<std::shared_ptr<const value::Value>> data_;
};

}  // namespace tollgate::webhook::kube
