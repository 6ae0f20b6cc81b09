// What serve's metrics cost per evaluated constraint on the request path:
// 1,000 constraints of one PolicySet reported to webhook::Metrics as
// PolicySet::validate reports them (ConstraintSlot: a table per set, no key,
// no lock), from one thread and from two at once (the evaluation threads of a
// 2-core node). ...Keyed: the same through the name-keyed call (a key built and
// looked up under a read lock each time), as every evaluation was before the
// slots (which then also took prometheus-cpp's histogram mutex).
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "webhook/metrics.h"

namespace {

using namespace std::chrono_literals;

constexpr uint32_t kConstraints = 1000;

struct Constraints {
  Constraints() {
    for (uint32_t i = 0; i < kConstraints; ++i) names.push_back("pod-label-" + std::to_string(i));
  }
  const std::string kind = "K8sRequiredLabels";
  const std::string action = "deny";
  std::vector<std::string> names;
};

const Constraints& constraints() {
  static const Constraints instance;
  return instance;
}

tollgate::webhook::Metrics& shared_metrics() {
  static tollgate::webhook::Metrics instance;
  return instance;
}

void BM_ConstraintMetrics1000(benchmark::State& state) {
  const Constraints& c = constraints();
  tollgate::webhook::Metrics& metrics = shared_metrics();
  for (auto _ : state) {
    for (uint32_t i = 0; i < kConstraints; ++i) {
      metrics.constraint_evaluated_at(tollgate::policies::ConstraintSlot{1u << 30, i, kConstraints}, c.kind,
                                      c.names[i], c.action, 3us, i % 2);
    }
  }
  if (state.thread_index() == 0) benchmark::DoNotOptimize(metrics.render().size());
}
BENCHMARK(BM_ConstraintMetrics1000)->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2)->UseRealTime();

void BM_ConstraintMetrics1000Keyed(benchmark::State& state) {
  const Constraints& c = constraints();
  tollgate::webhook::Metrics& metrics = shared_metrics();
  for (auto _ : state) {
    for (uint32_t i = 0; i < kConstraints; ++i) {
      metrics.constraint_evaluated(c.kind, c.names[i], c.action, 3us, i % 2);
    }
  }
}
BENCHMARK(BM_ConstraintMetrics1000Keyed)->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
