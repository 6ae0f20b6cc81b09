// The threads admission requests are evaluated on, away from the I/O
// threads: however long one evaluation takes, the I/O threads keep reading
// requests, answering /healthz, /readyz and /metrics, and noticing clients
// that went away. The queue in front of the workers is bounded, so that when
// every worker is busy and the queue is full a request is refused at once
// (the server answers 503) instead of piling up behind the others.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tollgate::webhook {

class WorkerPool {
 public:
  // Every task is called exactly once: with true on a worker when its turn
  // comes, or with false (on the caller's thread) when the queue is full or
  // the pool has stopped, and on the stopping thread for those still queued
  // when the pool stops. Never destroyed uncalled, so an answer is always given.
  using Task = std::function<void(bool run)>;

  WorkerPool(size_t threads, size_t queue_limit);
  // Stops, then waits for the workers: only for pools whose tasks end.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` (false: refused, and the task was already called with false).
  bool submit(Task task);
  // Takes no more tasks and refuses those still queued; running ones go on.
  void stop();
  // Waits until no task runs or `timeout` passes; true when none runs.
  bool wait_idle(std::chrono::milliseconds timeout);

  size_t threads() const { return workers_.size(); }
  size_t queue_limit() const { return queue_limit_; }
  size_t queued() const;
  // stop() was called: a refused task was refused for that, not a full queue.
  bool stopped() const;
  size_t running() const;

 private:
  void work();

  const size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Task> queue_;
  size_t running_ = 0;
  bool stopped_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace tollgate::webhook
