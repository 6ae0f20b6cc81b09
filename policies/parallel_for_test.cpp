// parallel_for runs every job once and never swallows a job's exception:
// a template compile that runs out of memory fails the load, it does not
// leave the template out quietly.
#include "policies/parallel_for.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <new>
#include <stdexcept>
#include <vector>

using tollgate::policies::parallel_for;

TEST_CASE("parallel_for runs every index exactly once", "[parallel_for]") {
  std::vector<std::atomic<int>> runs(1000);
  parallel_for(runs.size(), 4, [&](size_t i) { runs[i].fetch_add(1); });
  for (const std::atomic<int>& r : runs) CHECK(r.load() == 1);
}

TEST_CASE("parallel_for rethrows a job's exception with its type", "[parallel_for]") {
  CHECK_THROWS_AS(parallel_for(64, 4,
                               [](size_t i) {
                                 if (i == 17) throw std::bad_alloc();
                               }),
                  std::bad_alloc);
  CHECK_THROWS_WITH(parallel_for(64, 1,
                                 [](size_t i) {
                                   if (i == 3) throw std::runtime_error("budget exceeded");
                                 }),
                    "budget exceeded");
}

TEST_CASE("parallel_for starts no new job after one has failed", "[parallel_for]") {
  std::atomic<int> started{0};
  // One thread: the order is the sequential one, so nothing after index 5 starts.
  CHECK_THROWS(parallel_for(100, 1, [&](size_t i) {
    started.fetch_add(1);
    if (i == 5) throw std::runtime_error("stop");
  }));
  CHECK(started.load() == 6);
}
