#include "webhook/kube/kube_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <ctime>

namespace tollgate::webhook::kube {
namespace {

// Gatekeeper's sync_duration_seconds buckets: .0001–.001, .002–.005, .01–.05.
prometheus::Histogram::BucketBoundaries sync_buckets() {
  prometheus::Histogram::BucketBoundaries buckets;
  for (int i = 1; i <= 10; ++i) buckets.push_back(i / 10000.0);
  for (int i = 2; i <= 5; ++i) buckets.push_back(i / 1000.0);
  for (int i = 1; i <= 5; ++i) buckets.push_back(i / 100.0);
  return buckets;
}

}  // namespace

KubeMetrics::KubeMetrics(prometheus::Registry& registry)
    : sync_(prometheus::BuildGauge()
                .Name("gatekeeper_sync")
                .Help("Total number of resources of each kind being cached")
                .Register(registry)),
      sync_duration_(prometheus::BuildHistogram()
                         .Name("gatekeeper_sync_duration_seconds")
                         .Help("Latency of sync operation in seconds")
                         .Register(registry)),
      sync_last_run_(prometheus::BuildGauge()
                         .Name("gatekeeper_sync_last_run_time")
                         .Help("Timestamp of last sync operation")
                         .Register(registry)),
      watch_restarts_(prometheus::BuildCounter()
                          .Name("tollgate_kube_watch_restarts_total")
                          .Help("Lists and watches of the Kubernetes API started again after a failure, by resource "
                                "and reason (gone, dropped, server_error, unauthorized, forbidden, refused, bad_event)")
                          .Register(registry)),
      held_objects_(prometheus::BuildGauge()
                        .Name("tollgate_kube_sync_objects")
                        .Help("Objects held in data.inventory from the cluster")
                        .Register(registry)),
      held_bytes_(prometheus::BuildGauge()
                      .Name("tollgate_kube_sync_bytes")
                      .Help("Estimated memory of the objects held in data.inventory from the cluster")
                      .Register(registry)),
      dropped_(prometheus::BuildCounter()
                   .Name("tollgate_kube_sync_dropped_total")
                   .Help("Objects not added to data.inventory because the sync memory cap was reached")
                   .Register(registry)),
      namespaces_(prometheus::BuildGauge()
                      .Name("tollgate_kube_namespaces")
                      .Help("Namespaces in the cache that answers namespaceSelector")
                      .Register(registry)) {
  held_objects_.Add({});
  held_bytes_.Add({});
  namespaces_.Add({});
}

void KubeMetrics::set_synced(const std::string& kind, double active, double error) {
  std::lock_guard<std::mutex> lock(mutex_);
  sync_.Add({{"kind", kind}, {"status", "active"}}).Set(active);
  sync_.Add({{"kind", kind}, {"status", "error"}}).Set(error);
}

void KubeMetrics::record_sync(std::chrono::nanoseconds duration) {
  std::lock_guard<std::mutex> lock(mutex_);
  sync_duration_.Add({}, sync_buckets()).Observe(std::chrono::duration<double>(duration).count());
  sync_last_run_.Add({}).Set(static_cast<double>(std::time(nullptr)));
}

void KubeMetrics::record_watch_restart(const std::string& resource, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  watch_restarts_.Add({{"resource", resource}, {"reason", reason}}).Increment();
}

void KubeMetrics::set_held(double objects, double bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_objects_.Add({}).Set(objects);
  held_bytes_.Add({}).Set(bytes);
}

void KubeMetrics::record_dropped(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  dropped_.Add({{"kind", kind}}).Increment();
}

void KubeMetrics::set_namespaces(double count) {
  std::lock_guard<std::mutex> lock(mutex_);
  namespaces_.Add({}).Set(count);
}

}  // namespace tollgate::webhook::kube
