// Runs job(i) for every i in [0, n) on up to `threads` threads, the caller's
// among them, each thread taking the next index; returns when all are done.
// The first exception a job throws (bad_alloc, an exceeded budget, anything)
// is rethrown here once the jobs already running have ended; no new job
// starts after it, as a sequential loop would stop. Nothing is swallowed.
// Small n runs on the caller's thread alone: a thread costs more than a
// little work.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace tollgate::policies {

inline unsigned default_parallelism() { return std::max(1u, std::thread::hardware_concurrency()); }

template <class Job>
void parallel_for(size_t n, unsigned threads, Job&& job, size_t min_per_thread = 2) {
  size_t helpers = std::min<size_t>(threads, n / std::max<size_t>(min_per_thread, 1));
  helpers = helpers > 0 ? helpers - 1 : 0;  // the caller works too
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      try {
        job(i);
      } catch (...) {
        // Kept to be rethrown by the caller's thread below, never dropped.
        next.store(n, std::memory_order_relaxed);
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the ones started and the caller do the rest
    }
  }
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tollgate::policies
