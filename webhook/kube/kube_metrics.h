// Prometheus series of the cluster source: Gatekeeper's sync metrics
// (gatekeeper_sync{kind,status}, gatekeeper_sync_duration_seconds,
// gatekeeper_sync_last_run_time) and tollgate's own watch restarts and
// memory cap. Registered in the webhook's registry (Metrics::registry()).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace tollgate::webhook::kube {

class KubeMetrics {
 public:
  explicit KubeMetrics(prometheus::Registry& registry);

  // gatekeeper_sync{kind, status="active"|"error"}: objects of a kind held
  // in data.inventory, and objects left out (the memory cap).
  void set_synced(const std::string& kind, double active, double error);
  // One sync operation (a list replaced, an event applied) took `duration`.
  void record_sync(std::chrono::nanoseconds duration);
  void record_watch_restart(const std::string& resource, const std::string& reason);
  // tollgate_kube_sync_objects / _bytes: what the inventory holds in all.
  void set_held(double objects, double bytes);
  // tollgate_kube_sync_dropped_total: objects not added beyond the cap.
  void record_dropped(const std::string& kind);
  void set_namespaces(double count);

 private:
  prometheus::Family<prometheus::Gauge>& sync_;
  prometheus::Family<prometheus::Histogram>& sync_duration_;
  prometheus::Family<prometheus::Gauge>& sync_last_run_;
  prometheus::Family<prometheus::Counter>& watch_restarts_;
  prometheus::Family<prometheus::Gauge>& held_objects_;
  prometheus::Family<prometheus::Gauge>& held_bytes_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Gauge>& namespaces_;
  std::mutex mutex_;
};

}  // namespace tollgate::webhook::kube
