#include "webhook/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <mutex>

#include "webhook/log.h"

namespace tollgate::webhook {
namespace {

using std::chrono::duration;
using std::chrono::nanoseconds;

double seconds(nanoseconds d) { return duration<double>(d).count(); }

// Gatekeeper's request-duration buckets: .001–.009, .01–.09, .1–.9 by tenths
// of the decade, then 1–10 in steps of .5.
const prometheus::Histogram::BucketBoundaries& request_duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = [] {
    prometheus::Histogram::BucketBoundaries b;
    // Divided rather than multiplied so that each bound is the double nearest
    // its decimal (0.1 * 3 would print as 0.30000000000000004).
    for (double scale : {1000.0, 100.0, 10.0}) {
      for (int i = 1; i <= 9; ++i) b.push_back(i / scale);
    }
    for (int i = 2; i <= 20; ++i) b.push_back(i / 2.0);
    return b;
  }();
  return buckets;
}

// Gatekeeper's mutation_system_iterations buckets.
const prometheus::Histogram::BucketBoundaries& iteration_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 50, 100, 200, 500};
  return buckets;
}

// One constraint evaluates in microseconds; the buckets reach from 5 µs to 100 ms.
const prometheus::Histogram::BucketBoundaries& constraint_duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
      0.001,    0.0025,  0.005,    0.01,    0.025,  0.05,    0.1};
  return buckets;
}

// kube-apiserver's policy check latency buckets (validating/metrics/metrics.go):
// 0.5 µs, then 1 ms to 1 s by decades.
const prometheus::Histogram::BucketBoundaries& policy_check_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {0.0000005, 0.001, 0.01, 0.1, 1.0};
  return buckets;
}

template <class Metric, class Make>
Metric& cached(std::atomic<Metric*>& slot, Make make) {
  Metric* metric = slot.load(std::memory_order_acquire);
  if (metric == nullptr) {
    // Two threads may race here; Family::Add returns the same series to both.
    metric = &make();
    slot.store(metric, std::memory_order_release);
  }
  return *metric;
}

constexpr const char* kActions[] = {"deny", "dryrun", "warn", "scoped"};

// Shards per ShardedHistogram: threads take them round-robin, so up to this
// many evaluation threads never share a cache line on one series.
constexpr size_t kShards = 4;

size_t shard_of_this_thread() {
  static std::atomic<size_t> next{0};
  thread_local const size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

uint64_t next_metrics_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

class Metrics::ShardedHistogram {
 public:
  ShardedHistogram(prometheus::Histogram& target, const std::vector<double>& bounds)
      : target_(target), bounds_(bounds) {
    for (Shard& shard : shards_) {
      shard.counts = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
    }
  }

  // prometheus::Histogram's bucket: the first bound >= value, else +Inf.
  void observe(double value) {
    size_t bucket = static_cast<size_t>(
        std::find_if(bounds_.begin(), bounds_.end(), [value](double bound) { return bound >= value; }) -
        bounds_.begin());
    Shard& shard = shards_[shard_of_this_thread()];
    shard.counts[bucket].fetch_add(1, std::memory_order_relaxed);
    shard.sum.fetch_add(value, std::memory_order_relaxed);
  }

  // Moves what was observed since the last call into the prometheus
  // histogram. An observation racing with it may show in its bucket at this
  // scrape and in the sum at the next one.
  void merge() {
    std::vector<double>& increments = increments_;
    increments.assign(bounds_.size() + 1, 0.0);
    double sum = 0;
    bool any = false;
    for (Shard& shard : shards_) {
      for (size_t b = 0; b <= bounds_.size(); ++b) {
        if (shard.counts[b].load(std::memory_order_relaxed) == 0) continue;
        increments[b] += static_cast<double>(shard.counts[b].exchange(0, std::memory_order_relaxed));
        any = true;
      }
      sum += shard.sum.exchange(0, std::memory_order_relaxed);
    }
    if (any || sum != 0) target_.ObserveMultiple(increments, sum);
  }

 private:
  struct alignas(64) Shard {
    std::unique_ptr<std::atomic<uint64_t>[]> counts;
    std::atomic<double> sum{0};
  };
  prometheus::Histogram& target_;
  const std::vector<double>& bounds_;  // static bucket lists, outliving every Metrics
  std::array<Shard, kShards> shards_;
  std::vector<double> increments_;  // merge()'s, under sharded_mutex_
};

struct Metrics::ConstraintTable {
  ConstraintTable(uint64_t set, uint32_t count) : set(set), slots(count) {}
  const uint64_t set;
  std::vector<std::atomic<const ConstraintSeries*>> slots;
};

const char* to_string(AdmissionStatus status) {
  switch (status) {
    case AdmissionStatus::Allow: return "allow";
    case AdmissionStatus::Deny: return "deny";
    case AdmissionStatus::Error: return "error";
    case AdmissionStatus::Unknown: break;
  }
  return "unknown";
}

const char* to_string(MutationStatus status) { return status == MutationStatus::Success ? "success" : "skip"; }

const char* to_string(EvalRejection reason) { return reason == EvalRejection::QueueFull ? "queue_full" : "deadline"; }

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      validation_count_(prometheus::BuildCounter()
                            .Name("gatekeeper_validation_request_count_total")
                            .Help("The number of requests that are routed to validation webhook")
                            .Register(*registry_)),
      validation_duration_(prometheus::BuildHistogram()
                               .Name("gatekeeper_validation_request_duration_seconds")
                               .Help("The response time in seconds")
                               .Register(*registry_)),
      mutation_count_(prometheus::BuildCounter()
                          .Name("gatekeeper_mutation_request_count_total")
                          .Help("The number of requests that are routed to mutation webhook")
                          .Register(*registry_)),
      mutation_duration_(prometheus::BuildHistogram()
                             .Name("gatekeeper_mutation_request_duration_seconds")
                             .Help("The response time in seconds")
                             .Register(*registry_)),
      mutation_iterations_(prometheus::BuildHistogram()
                               .Name("gatekeeper_mutation_system_iterations")
                               .Help("The number of iterations the mutation system ran to converge")
                               .Register(*registry_)),
      mutators_(prometheus::BuildGauge()
                    .Name("gatekeeper_mutators")
                    .Help("The current number of Mutator objects")
                    .Register(*registry_)),
      mutator_conflicts_(prometheus::BuildGauge()
                             .Name("gatekeeper_mutator_conflicting_count")
                             .Help("The current number of conflicting Mutator objects")
                             .Register(*registry_)),
      constraints_(prometheus::BuildGauge()
                       .Name("gatekeeper_constraints")
                       .Help("Current number of known constraints")
                       .Register(*registry_)),
      constraint_templates_(prometheus::BuildGauge()
                                .Name("gatekeeper_constraint_templates")
                                .Help("Number of observed constraint templates")
                                .Register(*registry_)),
      constraint_templates_with_cel_(prometheus::BuildGauge()
                                         .Name("gatekeeper_constraint_templates_with_cel")
                                         .Help("Number of observed constraint templates with CEL engine")
                                         .Register(*registry_)),
      constraint_duration_(prometheus::BuildHistogram()
                               .Name("tollgate_constraint_evaluation_duration_seconds")
                               .Help("Time spent evaluating one constraint against one admission request")
                               .Register(*registry_)),
      constraint_violations_(prometheus::BuildCounter()
                                 .Name("tollgate_constraint_violations_total")
                                 .Help("Violations reported by a constraint in admission requests")
                                 .Register(*registry_)),
      policy_reloads_(prometheus::BuildCounter()
                          .Name("tollgate_policy_reload_total")
                          .Help("Policy reloads (SIGHUP or changed policy files) by outcome")
                          .Register(*registry_)),
      // Both series exist from the start, so that an alert on errors sees 0
      // rather than no data before the first failure.
      policy_reload_successes_(policy_reloads_.Add({{"status", "success"}})),
      policy_reload_errors_(policy_reloads_.Add({{"status", "error"}})),
      eval_queue_depth_(prometheus::BuildGauge()
                            .Name("tollgate_eval_queue_depth")
                            .Help("Admission requests waiting for an evaluation thread")
                            .Register(*registry_)
                            .Add({})),
      eval_rejected_(prometheus::BuildCounter()
                         .Name("tollgate_eval_rejected_total")
                         .Help("Admission requests denied without evaluation: the evaluation queue was full, or "
                               "the request waited in it past its deadline")
                         .Register(*registry_)),
      // Both series from the start, as for the reloads.
      eval_rejected_queue_full_(eval_rejected_.Add({{"reason", to_string(EvalRejection::QueueFull)}})),
      eval_rejected_deadline_(eval_rejected_.Add({{"reason", to_string(EvalRejection::Deadline)}})),
      tls_not_after_(prometheus::BuildGauge()
                         .Name("tollgate_tls_certificate_not_after_seconds")
                         .Help("When the serving certificate now in use expires (notAfter, Unix seconds); "
                               "a rotated certificate shows at the next scrape")
                         .Register(*registry_)
                         .Add({})),
      id_(next_metrics_id()),
      log_lines_dropped_(prometheus::BuildCounter()
                             .Name("tollgate_log_lines_dropped_total")
                             .Help("Log lines dropped, oldest first, because the log writer fell behind and its "
                                   "queue was full")
                             .Register(*registry_)
                             .Add({})),
      // kube-apiserver's help texts, with the stability level its metrics
      // framework puts in front ([BETA] for the validating ones, [ALPHA] for
      // the mutating ones).
      validating_checks_{prometheus::BuildCounter()
                             .Name("apiserver_validating_admission_policy_check_total")
                             .Help("[BETA] Validation admission policy check total, labeled by policy and further "
                                   "identified by binding and enforcement action taken.")
                             .Register(*registry_),
                         prometheus::BuildHistogram()
                             .Name("apiserver_validating_admission_policy_check_duration_seconds")
                             .Help("[BETA] Validation admission latency for individual validation expressions in "
                                   "seconds, labeled by policy and further including binding and enforcement action "
                                   "taken.")
                             .Register(*registry_),
                         true,
                         {},
                         {}},
      mutating_checks_{prometheus::BuildCounter()
                           .Name("apiserver_mutating_admission_policy_check_total")
                           .Help("[ALPHA] Mutation admission policy check total, labeled by policy and further "
                                 "identified by binding.")
                           .Register(*registry_),
                       prometheus::BuildHistogram()
                           .Name("apiserver_mutating_admission_policy_check_duration_seconds")
                           .Help("[ALPHA] Mutation admission latency for individual mutation expressions in seconds, "
                                 "labeled by policy and binding.")
                           .Register(*registry_),
                       false,
                       {},
                       {}} {}

Metrics::~Metrics() = default;

void Metrics::record_validation(AdmissionStatus status, bool dry_run, nanoseconds elapsed) {
  size_t s = static_cast<size_t>(status);
  auto& count = cached(validation_count_series_[s * 2 + (dry_run ? 1 : 0)], [&]() -> prometheus::Counter& {
    return validation_count_.Add({{"admission_status", to_string(status)},
                                  {"admission_dryrun", dry_run ? "true" : "false"}});
  });
  count.Increment();
  auto& histogram = cached(validation_duration_series_[s], [&]() -> ShardedHistogram& {
    return sharded(validation_duration_.Add({{"admission_status", to_string(status)}}, request_duration_buckets()),
                   request_duration_buckets());
  });
  histogram.observe(seconds(elapsed));
}

void Metrics::record_mutation(MutationStatus status, nanoseconds elapsed) {
  size_t s = static_cast<size_t>(status);
  auto& count = cached(mutation_count_series_[s], [&]() -> prometheus::Counter& {
    return mutation_count_.Add({{"mutation_status", to_string(status)}});
  });
  count.Increment();
  auto& histogram = cached(mutation_duration_series_[s], [&]() -> ShardedHistogram& {
    return sharded(mutation_duration_.Add({{"mutation_status", to_string(status)}}, request_duration_buckets()),
                   request_duration_buckets());
  });
  histogram.observe(seconds(elapsed));
}

void Metrics::record_mutation_iterations(size_t iterations, bool converged) {
  auto& histogram = cached(mutation_iterations_series_[converged ? 1 : 0], [&]() -> ShardedHistogram& {
    return sharded(mutation_iterations_.Add({{"success", converged ? "true" : "false"}}, iteration_buckets()),
                   iteration_buckets());
  });
  histogram.observe(static_cast<double>(iterations));
}

void Metrics::set_mutator_stats(const policies::mutation::MutatorStats& stats) {
  // Conflicting mutators are loaded but not applied: Gatekeeper gives them
  // status error.
  mutators_.Add({{"status", "active"}}).Set(static_cast<double>(stats.mutators - stats.conflicting));
  mutators_.Add({{"status", "error"}}).Set(static_cast<double>(stats.conflicting));
  mutator_conflicts_.Add({}).Set(static_cast<double>(stats.conflicting));
}

void Metrics::set_policy_stats(const policies::PolicyStats& stats) {
  for (size_t i = 0; i < std::size(kActions); ++i) {
    constraints_.Add({{"enforcement_action", kActions[i]}, {"status", "active"}})
        .Set(static_cast<double>(stats.constraints_by_action[i]));
    // A set with errors is never served, so nothing loaded is ever in error.
    constraints_.Add({{"enforcement_action", kActions[i]}, {"status", "error"}}).Set(0);
  }
  constraint_templates_.Add({{"status", "active"}}).Set(static_cast<double>(stats.templates));
  constraint_templates_.Add({{"status", "error"}}).Set(0);
  constraint_templates_with_cel_.Add({}).Set(static_cast<double>(stats.templates_with_cel));
}

void Metrics::record_policy_reload(bool succeeded) {
  (succeeded ? policy_reload_successes_ : policy_reload_errors_).Increment();
}

Metrics::ShardedHistogram& Metrics::sharded(prometheus::Histogram& target, const std::vector<double>& buckets) {
  std::lock_guard lock(sharded_mutex_);
  return *sharded_.emplace_back(std::make_unique<ShardedHistogram>(target, buckets));
}

// The slow path: once per (kind, name, action) for the life of the process,
// then once per constraint per PolicySet to fill its slot.
const Metrics::ConstraintSeries& Metrics::constraint_series(const std::string& kind, const std::string& name,
                                                            const std::string& enforcement_action) {
  thread_local std::string key;
  key.clear();
  key.append(kind).append(1, '\0').append(name).append(1, '\0').append(enforcement_action);
  {
    std::shared_lock lock(constraint_series_mutex_);
    auto it = constraint_series_.find(key);
    if (it != constraint_series_.end()) return it->second;
  }
  std::unique_lock lock(constraint_series_mutex_);
  auto [it, inserted] = constraint_series_.try_emplace(key, ConstraintSeries{nullptr, nullptr});
  if (inserted) {
    it->second.duration = &sharded(
        constraint_duration_.Add({{"constraint_kind", kind}, {"constraint", name}}, constraint_duration_buckets()),
        constraint_duration_buckets());
    it->second.violations = &constraint_violations_.Add(
        {{"constraint_kind", kind}, {"constraint", name}, {"enforcement_action", enforcement_action}});
  }
  // unordered_map never moves its elements, so the reference outlives the lock.
  return it->second;
}

void Metrics::constraint_evaluated(const std::string& kind, const std::string& name,
                                   const std::string& enforcement_action, nanoseconds elapsed, size_t violations) {
  const ConstraintSeries& series = constraint_series(kind, name, enforcement_action);
  series.duration->observe(seconds(elapsed));
  if (violations > 0) series.violations->Increment(static_cast<double>(violations));
}

std::shared_ptr<Metrics::ConstraintTable> Metrics::constraint_table(const policies::ConstraintSlot& slot) {
  std::unique_lock lock(constraint_series_mutex_);
  if (constraint_table_ && constraint_table_->set == slot.set) return constraint_table_;
  auto table = std::make_shared<ConstraintTable>(slot.set, slot.count);
  // Set ids grow with each PolicySet built: an older one (requests finishing
  // on the set a reload replaced) gets a table of its own, not kept here.
  if (!constraint_table_ || constraint_table_->set < slot.set) constraint_table_ = table;
  return table;
}

void Metrics::constraint_evaluated_at(const policies::ConstraintSlot& slot, const std::string& kind,
                                      const std::string& name, const std::string& enforcement_action,
                                      nanoseconds elapsed, size_t violations) {
  // This thread's table: of this Metrics (tests make several) and this set.
  thread_local struct {
    uint64_t metrics = 0;
    std::shared_ptr<ConstraintTable> table;
  } cache;
  if (slot.set == 0) return constraint_evaluated(kind, name, enforcement_action, elapsed, violations);
  if (cache.metrics != id_ || !cache.table || cache.table->set != slot.set) {
    cache.table = constraint_table(slot);
    cache.metrics = id_;
  }
  if (slot.index >= cache.table->slots.size()) {
    return constraint_evaluated(kind, name, enforcement_action, elapsed, violations);
  }
  std::atomic<const ConstraintSeries*>& cell = cache.table->slots[slot.index];
  const ConstraintSeries* series = cell.load(std::memory_order_acquire);
  if (series == nullptr) {
    series = &constraint_series(kind, name, enforcement_action);
    cell.store(series, std::memory_order_release);
  }
  series->duration->observe(seconds(elapsed));
  if (violations > 0) series->violations->Increment(static_cast<double>(violations));
}

size_t Metrics::PolicyBindingHash::operator()(const PolicyBindingView& k) const {
  size_t h = std::hash<std::string_view>()(k.first);
  return h ^ (std::hash<std::string_view>()(k.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

void Metrics::record_policy_check(PolicyChecks& checks, const policies::vap::PolicyCheck& check) {
  PolicyBindingView key(check.policy, check.binding);
  PolicyCheckSeries* series = nullptr;
  {
    std::shared_lock lock(checks.mutex);
    auto it = checks.series.find(key);
    if (it != checks.series.end()) series = it->second.get();
  }
  if (series == nullptr) {
    std::unique_lock lock(checks.mutex);
    auto it = checks.series.find(key);
    if (it == checks.series.end()) {
      it = checks.series
               .emplace(PolicyBindingKey{check.policy, check.binding}, std::make_unique<PolicyCheckSeries>())
               .first;
    }
    series = it->second.get();
  }
  size_t action = checks.with_action ? static_cast<size_t>(check.action) : 0;
  size_t slot = static_cast<size_t>(check.error_type) * policies::vap::kCheckActions + action;
  auto labels = [&]() -> prometheus::Labels {
    prometheus::Labels l{{"policy", check.policy},
                         {"policy_binding", check.binding},
                         {"error_type", policies::vap::to_string(check.error_type)}};
    if (checks.with_action) l.emplace("enforcement_action", policies::vap::to_string(check.action));
    return l;
  };
  cached(series->count[slot], [&]() -> prometheus::Counter& { return checks.count.Add(labels()); }).Increment();
  cached(series->duration[slot], [&]() -> ShardedHistogram& {
    return sharded(checks.duration.Add(labels(), policy_check_buckets()), policy_check_buckets());
  }).observe(seconds(check.elapsed));
}

void Metrics::validating_policy_checked(const policies::vap::PolicyCheck& check) {
  record_policy_check(validating_checks_, check);
}

void Metrics::mutating_policy_checked(const policies::vap::PolicyCheck& check) {
  record_policy_check(mutating_checks_, check);
}

void Metrics::record_eval_rejected(EvalRejection reason) {
  (reason == EvalRejection::QueueFull ? eval_rejected_queue_full_ : eval_rejected_deadline_).Increment();
}

void Metrics::set_eval_queue_depth_source(std::function<size_t()> depth) {
  std::lock_guard lock(scrape_sources_mutex_);
  eval_queue_depth_source_ = std::move(depth);
}

void Metrics::set_tls_not_after_source(std::function<int64_t()> not_after) {
  std::lock_guard lock(scrape_sources_mutex_);
  tls_not_after_source_ = std::move(not_after);
}

std::string Metrics::render() const {
  {
    std::lock_guard lock(scrape_sources_mutex_);
    eval_queue_depth_.Set(eval_queue_depth_source_ ? static_cast<double>(eval_queue_depth_source_()) : 0.0);
    tls_not_after_.Set(tls_not_after_source_ ? static_cast<double>(tls_not_after_source_()) : 0.0);
  }
  {
    std::lock_guard lock(sharded_mutex_);
    for (const auto& histogram : sharded_) histogram->merge();
    auto dropped = static_cast<double>(log_lines_dropped());
    if (dropped > log_lines_dropped_seen_) {
      log_lines_dropped_.Increment(dropped - log_lines_dropped_seen_);
      log_lines_dropped_seen_ = dropped;
    }
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace tollgate::webhook
