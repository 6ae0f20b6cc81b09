// The cluster source's series in /metrics, under Gatekeeper's names.
#include "webhook/kube/kube_metrics.h"

#include <catch2/catch.hpp>

#include "webhook/metrics.h"

using namespace tollgate::webhook;

TEST_CASE("Sync and watch metrics render with Gatekeeper's names beside the webhook's", "[kube][metrics]") {
  Metrics metrics;
  kube::KubeMetrics kube_metrics(metrics.registry());
  kube_metrics.set_synced("Ingress", 12, 0);
  kube_metrics.set_synced("Pod", 100, 3);
  kube_metrics.record_sync(std::chrono::microseconds(250));
  kube_metrics.record_watch_restart("namespaces", "gone");
  kube_metrics.record_watch_restart("namespaces", "gone");
  kube_metrics.record_dropped("Pod");
  kube_metrics.set_held(112, 4096);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains("gatekeeper_sync{kind=\"Ingress\",status=\"active\"} 12"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_sync{kind=\"Pod\",status=\"error\"} 3"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_sync_duration_seconds_bucket{le=\"0.0003\"} 1"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_sync_duration_seconds_count 1"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_sync_last_run_time "));
  CHECK_THAT(text, Catch::Contains("tollgate_kube_watch_restarts_total{reason=\"gone\",resource=\"namespaces\"} 2"));
  CHECK_THAT(text, Catch::Contains("tollgate_kube_sync_dropped_total{kind=\"Pod\"} 1"));
  CHECK_THAT(text, Catch::Contains("tollgate_kube_sync_objects 112"));
  // The webhook's own families are in the same exposition.
  CHECK_THAT(text, Catch::Contains("tollgate_policy_reload_total{status=\"success\"} 0"));
}
