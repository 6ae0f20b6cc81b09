// The webhook's Prometheus metrics: Gatekeeper's names and labels
// (gatekeeper-semantics §8) plus per-constraint series of our own, kept in a
// prometheus-cpp registry and rendered in the text exposition format.
//
// Counters are exposed with the `_total` suffix, as Gatekeeper 3.x does
// through its OpenTelemetry Prometheus exporter
// (gatekeeper_validation_request_count_total). prometheus-cpp does not add
// the suffix itself, so the families are registered under those names.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "policies/mutation/mutation_system.h"
#include "policies/policy_set.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace tollgate::webhook {

// gatekeeper_validation_request_count's admission_status label.
enum class AdmissionStatus { Allow, Deny, Error, Unknown };
// gatekeeper_mutation_request_count's mutation_status label.
enum class MutationStatus { Success, Skip };
// tollgate_eval_rejected_total's reason label: an admission request refused
// without evaluation because the evaluation queue was full, or because it
// waited in the queue past its deadline.
enum class EvalRejection { QueueFull, Deadline };

const char* to_string(AdmissionStatus status);
const char* to_string(MutationStatus status);
const char* to_string(EvalRejection reason);

// Thread-safe: recorded from every I/O thread, rendered from the metrics
// listener. Also the ReviewObserver that PolicySet::validate reports each
// evaluated constraint to, and each ValidatingAdmissionPolicy and
// MutatingAdmissionPolicy binding check (kube-apiserver's names:
// apiserver_{validating,mutating}_admission_policy_check_*).
class Metrics final : public policies::ReviewObserver {
 public:
  Metrics();
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void record_validation(AdmissionStatus status, bool dry_run, std::chrono::nanoseconds duration);
  void record_mutation(MutationStatus status, std::chrono::nanoseconds duration);
  // Passes the mutation system ran for one request, and whether it converged.
  void record_mutation_iterations(size_t iterations, bool converged);
  // Sets the gauges describing the loaded policies.
  void set_policy_stats(const policies::PolicyStats& stats);
  // Sets the gauges describing the loaded mutators.
  void set_mutator_stats(const policies::mutation::MutatorStats& stats);
  // Counts one policy reload attempt (SIGHUP or changed files).
  void record_policy_reload(bool succeeded);
  // Counts an admission request refused without evaluation.
  void record_eval_rejected(EvalRejection reason);
  // Where tollgate_eval_queue_depth (requests waiting for an evaluation
  // thread) is read when /metrics is rendered: nothing is recorded per
  // request. Null: the gauge shows 0.
  void set_eval_queue_depth_source(std::function<size_t()> depth);
  // Where tollgate_tls_certificate_not_after_seconds (the serving
  // certificate's expiry, Unix seconds) is read when /metrics is rendered,
  // so a rotated certificate shows at the next scrape. Null: no value (0).
  void set_tls_not_after_source(std::function<int64_t()> not_after);

  void constraint_evaluated(const std::string& kind, const std::string& name, const std::string& enforcement_action,
                            std::chrono::nanoseconds duration, size_t violations) override;
  // The request path: the constraint's series kept in a slot of a table per
  // PolicySet (resolved on the constraint's first evaluation), so no key is
  // built and no lock taken per evaluation.
  void constraint_evaluated_at(const policies::ConstraintSlot& slot, const std::string& kind, const std::string& name,
                               const std::string& enforcement_action, std::chrono::nanoseconds duration,
                               size_t violations) override;
  void validating_policy_checked(const policies::vap::PolicyCheck& check) override;
  void mutating_policy_checked(const policies::vap::PolicyCheck& check) override;

  // Prometheus text exposition format (version 0.0.4). Histograms observed on
  // the request path are merged in here, at scrape time.
  std::string render() const;
  // For families registered elsewhere (webhook/kube/kube_metrics.h), so that
  // /metrics renders them too.
  prometheus::Registry& registry() { return *registry_; }

 private:
  // A histogram observed with relaxed atomics into per-thread shards, no
  // lock (prometheus::Histogram::Observe takes a mutex); render() adds what
  // the shards gathered since the last scrape to the prometheus::Histogram,
  // which keeps the family's names, labels, buckets and HELP/TYPE.
  class ShardedHistogram;
  struct ConstraintSeries {
    ShardedHistogram* duration;
    prometheus::Counter* violations;
  };
  // The series of one PolicySet's constraints, by ConstraintSlot::index.
  struct ConstraintTable;
  template <class Metric, size_t N>
  using SeriesCache = std::array<std::atomic<Metric*>, N>;
  ShardedHistogram& sharded(prometheus::Histogram& target, const std::vector<double>& buckets);
  std::shared_ptr<ConstraintTable> constraint_table(const policies::ConstraintSlot& slot);

  const ConstraintSeries& constraint_series(const std::string& kind, const std::string& name,
                                            const std::string& enforcement_action);

  // The series of one (policy, binding), resolved once: a slot per
  // (error_type, enforcement_action), filled on first use.
  static constexpr size_t kCheckSlots = policies::vap::kCheckErrorTypes * policies::vap::kCheckActions;
  struct PolicyCheckSeries {
    SeriesCache<prometheus::Counter, kCheckSlots> count{};
    SeriesCache<ShardedHistogram, kCheckSlots> duration{};
  };
  struct PolicyBindingKey {
    std::string policy;
    std::string binding;
  };
  using PolicyBindingView = std::pair<std::string_view, std::string_view>;
  struct PolicyBindingHash {
    using is_transparent = void;
    size_t operator()(const PolicyBindingView& k) const;
    size_t operator()(const PolicyBindingKey& k) const { return (*this)(PolicyBindingView(k.policy, k.binding)); }
  };
  struct PolicyBindingEqual {
    using is_transparent = void;
    static PolicyBindingView view(const PolicyBindingKey& k) { return {k.policy, k.binding}; }
    static PolicyBindingView view(const PolicyBindingView& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const { return view(a) == view(b); }
  };
  struct PolicyChecks {
    prometheus::Family<prometheus::Counter>& count;
    prometheus::Family<prometheus::Histogram>& duration;
    bool with_action;  // the validating family has enforcement_action, the mutating one not
    std::shared_mutex mutex;
    std::unordered_map<PolicyBindingKey, std::unique_ptr<PolicyCheckSeries>, PolicyBindingHash, PolicyBindingEqual>
        series;
  };
  void record_policy_check(PolicyChecks& checks, const policies::vap::PolicyCheck& check);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& validation_count_;
  prometheus::Family<prometheus::Histogram>& validation_duration_;
  prometheus::Family<prometheus::Counter>& mutation_count_;
  prometheus::Family<prometheus::Histogram>& mutation_duration_;
  prometheus::Family<prometheus::Histogram>& mutation_iterations_;
  prometheus::Family<prometheus::Gauge>& mutators_;
  prometheus::Family<prometheus::Gauge>& mutator_conflicts_;
  prometheus::Family<prometheus::Gauge>& constraints_;
  prometheus::Family<prometheus::Gauge>& constraint_templates_;
  prometheus::Family<prometheus::Gauge>& constraint_templates_with_cel_;
  prometheus::Family<prometheus::Histogram>& constraint_duration_;
  prometheus::Family<prometheus::Counter>& constraint_violations_;
  prometheus::Family<prometheus::Counter>& policy_reloads_;
  prometheus::Counter& policy_reload_successes_;
  prometheus::Counter& policy_reload_errors_;
  prometheus::Gauge& eval_queue_depth_;
  prometheus::Family<prometheus::Counter>& eval_rejected_;
  prometheus::Counter& eval_rejected_queue_full_;
  prometheus::Counter& eval_rejected_deadline_;
  mutable std::mutex scrape_sources_mutex_;
  std::function<size_t()> eval_queue_depth_source_;
  prometheus::Gauge& tls_not_after_;
  std::function<int64_t()> tls_not_after_source_;

  // Series on the request path are looked up once and cached: Family::Add
  // builds a label map and takes a lock on every call.
  SeriesCache<prometheus::Counter, 8> validation_count_series_{};  // [status * 2 + dry_run]
  SeriesCache<ShardedHistogram, 4> validation_duration_series_{};
  SeriesCache<prometheus::Counter, 2> mutation_count_series_{};
  SeriesCache<ShardedHistogram, 2> mutation_duration_series_{};
  SeriesCache<ShardedHistogram, 2> mutation_iterations_series_{};  // [converged]

  // Every ShardedHistogram, merged at scrape time; taken when one is made
  // (first use of a series) and when rendering, never per observation.
  mutable std::mutex sharded_mutex_;
  std::vector<std::unique_ptr<ShardedHistogram>> sharded_;

  // By "kind\0name\0action": taken when a constraint is first evaluated in a
  // PolicySet, not per evaluation.
  std::shared_mutex constraint_series_mutex_;
  std::unordered_map<std::string, ConstraintSeries> constraint_series_;
  // The table of the newest PolicySet seen; each thread keeps its own
  // reference to the one it last used (metrics.cpp).
  std::shared_ptr<ConstraintTable> constraint_table_;
  const uint64_t id_;  // tells this Metrics' tables from another's in a thread's cache

  prometheus::Counter& log_lines_dropped_;
  mutable double log_lines_dropped_seen_ = 0;

  PolicyChecks validating_checks_;
  PolicyChecks mutating_checks_;
};

}  // namespace tollgate::webhook
