#include "webhook/kube/audit_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace tollgate::webhook::kube {
namespace {

// Gatekeeper's audit_duration_seconds boundaries: 1, 3, 5, 10, 15, 20, 40, 80, 160, 320 minutes.
prometheus::Histogram::BucketBoundaries audit_buckets() {
  prometheus::Histogram::BucketBoundaries buckets;
  for (int minutes : {1, 3, 5, 10, 15, 20, 40, 80, 160, 320}) buckets.push_back(minutes * 60.0);
  return buckets;
}

// Gatekeeper's KnownEnforcementActions: each gets a value after a run, 0 when none.
constexpr const char* kKnownActions[] = {"deny", "dryrun", "warn", "scoped", "unrecognized"};

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

AuditMetrics::AuditMetrics(prometheus::Registry& registry)
    : violations_(prometheus::BuildGauge()
                      .Name("gatekeeper_violations")
                      .Help("Total number of audited violations")
                      .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("gatekeeper_audit_duration_seconds")
                    .Help("Latency of audit operation in seconds")
                    .Register(registry)),
      last_run_(prometheus::BuildGauge()
                    .Name("gatekeeper_audit_last_run_time")
                    .Help("Timestamp of last audit run starting time")
                    .Register(registry)
                    .Add({})),
      last_run_end_(prometheus::BuildGauge()
                        .Name("gatekeeper_audit_last_run_end_time")
                        .Help("Timestamp of last audit run ending time")
                        .Register(registry)
                        .Add({})),
      constraint_violations_(prometheus::BuildGauge()
                                 .Name("tollgate_audit_constraint_violations")
                                 .Help("Violations of one constraint found by the last audit run")
                                 .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("tollgate_audit_errors_total")
                  .Help("Kinds an audit run could not list (forbidden, timed out, ...), by resource")
                  .Register(registry)),
      objects_(prometheus::BuildGauge()
                   .Name("tollgate_audit_objects")
                   .Help("Objects reviewed by the last audit run")
                   .Register(registry)
                   .Add({})) {}

void AuditMetrics::run_started(std::chrono::system_clock::time_point at) { last_run_.Set(unix_seconds(at)); }

void AuditMetrics::run_finished(const policies::audit::AuditReport& report, std::chrono::system_clock::time_point ended,
                                std::chrono::duration<double> took) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, double> by_action;
  for (const char* action : kKnownActions) by_action[action] = 0;
  for (const policies::audit::ConstraintAudit& c : report.constraints) {
    // A ValidatingAdmissionPolicyBinding's Audit (vap/vap_report.h) under its own name.
    audit_action_seen_ = audit_action_seen_ || (c.kind == "ValidatingAdmissionPolicyBinding" && c.enforcement_action == "audit");
  }
  if (audit_action_seen_) by_action["audit"] = 0;
  std::map<std::tuple<std::string, std::string, std::string>, prometheus::Gauge*> series;
  for (const policies::audit::ConstraintAudit& c : report.constraints) {
    std::string action = c.enforcement_action;
    if (by_action.count(action) == 0) action = "unrecognized";
    by_action[action] += static_cast<double>(c.total_violations);
    auto key = std::make_tuple(c.kind, c.name, c.enforcement_action);
    auto it = constraint_series_.find(key);
    prometheus::Gauge* gauge = it != constraint_series_.end()
                                   ? it->second
                                   : &constraint_violations_.Add({{"constraint_kind", c.kind},
                                                                  {"constraint_name", c.name},
                                                                  {"enforcement_action", c.enforcement_action}});
    gauge->Set(static_cast<double>(c.total_violations));
    series[key] = gauge;
  }
  // Constraints gone since the last run (or whose action changed) lose their series.
  for (auto& [key, gauge] : constraint_series_) {
    if (series.count(key) == 0) constraint_violations_.Remove(gauge);
  }
  constraint_series_ = std::move(series);
  for (const auto& [action, count] : by_action) violations_.Add({{"enforcement_action", action}}).Set(count);
  duration_.Add({}, audit_buckets()).Observe(took.count());
  last_run_end_.Set(unix_seconds(ended));
  objects_.Set(static_cast<double>(report.objects_audited));
}

void AuditMetrics::list_failed(const std::string& kind) { errors_.Add({{"kind", kind}}).Increment(); }

}  // namespace tollgate::webhook::kube
