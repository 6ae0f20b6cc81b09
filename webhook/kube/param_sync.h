// The params of the admission policies serve runs, from the cluster: every
// paramKind a bound ValidatingAdmissionPolicy or MutatingAdmissionPolicy
// names is found through discovery, listed and watched (a reflector each,
// by an InventorySync of its own: the same retries, memory cap, logs and
// sync metrics as data.inventory's), and after changes a new ParamIndex of
// the files' params and the cluster's is published to the LiveParams the
// engines read (policies/vap/live_params.h): a review sees new params
// without a policy reload, and never a half-built index.
//
// What the cluster says of each paramKind goes into the index too: until a
// kind is listed once a binding reading it fails with the API server's
// "not yet synced" configuration error; a kind the API server does not serve
// is "failed to find resource referenced by paramKind" (unless the files
// hold it), and is looked up again every discovery_retry.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "policies/policy_set.h"
#include "policies/vap/live_params.h"
#include "rules/value/value.h"
#include "webhook/kube/inventory_sync.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
}  // namespace prometheus

namespace tollgate::webhook::kube {

class KubeMetrics;

class ParamSync {
 public:
  // `static_objects`: serve --inventory's (their Namespaces are not params).
  // `registry` (may be null) gets tollgate_kube_param_kinds{kind,state}.
  ParamSync(std::shared_ptr<ClusterConnection> cluster, SyncOptions options, KubeMetrics* metrics,
            prometheus::Registry* registry, std::vector<value::Value> static_objects,
            std::shared_ptr<policies::vap::LiveParams> live);
  ~ParamSync();
  ParamSync(const ParamSync&) = delete;
  ParamSync& operator=(const ParamSync&) = delete;

  void start();
  void stop();

  // The paramKinds of the new policy set are watched; others stop.
  void set_policies(const std::shared_ptr<const policies::PolicySet>& policies);
  void set_kinds(std::vector<policies::SyncKind> kinds);

  // Whether every paramKind has been listed once and published since.
  bool synced() const { return sync_.synced(); }
  size_t objects_held() const { return sync_.objects_held(); }
  // Indexes published so far (tests wait on them).
  int publishes() const { return publishes_.load(); }
  const std::shared_ptr<policies::vap::LiveParams>& live() const { return live_; }

 private:
  void publish(const std::vector<value::Value>& objects);

  std::shared_ptr<policies::vap::LiveParams> live_;
  std::vector<value::Value> static_objects_;
  prometheus::Family<prometheus::Gauge>* kinds_gauge_ = nullptr;
  std::mutex gauge_mutex_;
  std::vector<std::string> gauge_kinds_;  // label values set so far
  std::atomic<int> publishes_{0};
  InventorySync sync_;  // last: its thread calls publish()
};

}  // namespace tollgate::webhook::kube
