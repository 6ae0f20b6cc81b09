// The request path's per-constraint series: kept in a table per PolicySet by
// the constraint's slot, observed without a lock from several threads, merged
// into the exposition when /metrics is scraped.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "webhook/metrics.h"

using namespace tollgate::webhook;
using namespace std::chrono_literals;
using tollgate::policies::ConstraintSlot;

namespace {

const std::string kKind = "K8sRequiredLabels";
const std::string kDeny = "deny";

double value_of(const std::string& text, const std::string& series) {
  size_t at = text.find(series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 1));
}

std::string series(const char* family, const std::string& name, const char* extra = "") {
  return std::string(family) + "{constraint=\"" + name + "\",constraint_kind=\"K8sRequiredLabels\"" + extra + "}";
}

}  // namespace

TEST_CASE("constraint evaluations from several threads at once are all counted", "[metrics]") {
  Metrics metrics;
  const std::string name = "all-must-have-owner";
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        metrics.constraint_evaluated_at(ConstraintSlot{7001, 0, 2}, kKind, name, kDeny, 20us, 1);
      }
    });
  }
  // A scrape in the middle loses nothing either.
  std::string during = metrics.render();
  for (std::thread& t : threads) t.join();
  std::string text = metrics.render();
  CHECK(value_of(text, series("tollgate_constraint_evaluation_duration_seconds_count", name)) == kThreads * kEach);
  CHECK(value_of(text, series("tollgate_constraint_evaluation_duration_seconds_bucket", name, ",le=\"2.5e-05\"")) ==
        kThreads * kEach);
  CHECK(value_of(text, series("tollgate_constraint_evaluation_duration_seconds_bucket", name, ",le=\"1e-05\"")) == 0);
  CHECK(value_of(text, series("tollgate_constraint_violations_total", name, ",enforcement_action=\"deny\"")) ==
        kThreads * kEach);
  double sum = value_of(text, series("tollgate_constraint_evaluation_duration_seconds_sum", name));
  CHECK(sum == Approx(kThreads * kEach * 20e-6));
}

TEST_CASE("a scrape shows each evaluation once, however often it runs", "[metrics]") {
  Metrics metrics;
  metrics.constraint_evaluated_at(ConstraintSlot{7002, 1, 2}, kKind, "a", kDeny, 20us, 0);
  std::string first = metrics.render();
  std::string second = metrics.render();
  CHECK(value_of(first, series("tollgate_constraint_evaluation_duration_seconds_count", "a")) == 1);
  CHECK(value_of(second, series("tollgate_constraint_evaluation_duration_seconds_count", "a")) == 1);
  metrics.constraint_evaluated_at(ConstraintSlot{7002, 1, 2}, kKind, "a", kDeny, 20us, 0);
  CHECK(value_of(metrics.render(), series("tollgate_constraint_evaluation_duration_seconds_count", "a")) == 2);
}

TEST_CASE("after a reload a slot names the new set's constraint, and the old set's still count under their names",
          "[metrics]") {
  Metrics metrics;
  // Slot 0 is "old-first" in one set and "new-first" in the set a reload built.
  metrics.constraint_evaluated_at(ConstraintSlot{7003, 0, 1}, kKind, "old-first", kDeny, 20us, 1);
  metrics.constraint_evaluated_at(ConstraintSlot{7004, 0, 2}, kKind, "new-first", kDeny, 20us, 2);
  // A request still finishing on the old set.
  metrics.constraint_evaluated_at(ConstraintSlot{7003, 0, 1}, kKind, "old-first", kDeny, 20us, 1);
  metrics.constraint_evaluated_at(ConstraintSlot{7004, 0, 2}, kKind, "new-first", kDeny, 20us, 2);
  std::string text = metrics.render();
  CHECK(value_of(text, series("tollgate_constraint_violations_total", "old-first", ",enforcement_action=\"deny\"")) == 2);
  CHECK(value_of(text, series("tollgate_constraint_violations_total", "new-first", ",enforcement_action=\"deny\"")) == 4);
}

TEST_CASE("two Metrics on one thread keep their constraint series apart", "[metrics]") {
  Metrics one;
  Metrics two;
  one.constraint_evaluated_at(ConstraintSlot{7005, 0, 1}, kKind, "c", kDeny, 20us, 1);
  two.constraint_evaluated_at(ConstraintSlot{7005, 0, 1}, kKind, "c", kDeny, 20us, 3);
  CHECK(value_of(one.render(), series("tollgate_constraint_violations_total", "c", ",enforcement_action=\"deny\"")) == 1);
  CHECK(value_of(two.render(), series("tollgate_constraint_violations_total", "c", ",enforcement_action=\"deny\"")) == 3);
}
