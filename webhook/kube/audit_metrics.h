// Prometheus series of serve's audit (webhook/kube/audit_loop.h), under
// Gatekeeper's names and types (pkg/audit/stats_reporter.go):
//   gatekeeper_violations{enforcement_action}  gauge: violations of the last run
//                                              (deny, dryrun, warn, scoped, unrecognized)
//   gatekeeper_audit_duration_seconds          histogram (Gatekeeper's buckets, 1 min to 320 min)
//   gatekeeper_audit_last_run_time             gauge: start of the last run, Unix seconds
//   gatekeeper_audit_last_run_end_time         gauge: end of the last run, Unix seconds
// and tollgate's own:
//   tollgate_audit_constraint_violations{constraint_kind,constraint_name,enforcement_action}
//                                              gauge, removed when the constraint goes away
//   tollgate_audit_errors_total{kind}          counter: kinds that could not be listed
//   tollgate_audit_objects                     gauge: objects reviewed by the last run
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "policies/audit/audit_run.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace tollgate::webhook::kube {

class AuditMetrics {
 public:
  explicit AuditMetrics(prometheus::Registry& registry);

  void run_started(std::chrono::system_clock::time_point at);
  // A finished run: its report, when it ended and how long it took.
  void run_finished(const policies::audit::AuditReport& report, std::chrono::system_clock::time_point ended,
                    std::chrono::duration<double> took);
  // `kind`: the resource's label ("pods", "ingresses.networking.k8s.io").
  void list_failed(const std::string& kind);

 private:
  prometheus::Family<prometheus::Gauge>& violations_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Gauge& last_run_;
  prometheus::Gauge& last_run_end_;
  prometheus::Family<prometheus::Gauge>& constraint_violations_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Gauge& objects_;
  std::mutex mutex_;
  // The per-constraint series set by the last run: (kind, name, action) -> gauge.
  std::map<std::tuple<std::string, std::string, std::string>, prometheus::Gauge*> constraint_series_;
  // Whether a ValidatingAdmissionPolicyBinding with action "audit" was
  // reported: from then on gatekeeper_violations{enforcement_action="audit"}
  // is set by every run (0 when none), never before.
  bool audit_action_seen_ = false;
};

}  // namespace tollgate::webhook::kube
