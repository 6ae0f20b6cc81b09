#include "webhook/worker_pool.h"

#include <algorithm>
#include <utility>

#include "webhook/log.h"

namespace tollgate::webhook {

WorkerPool::WorkerPool(size_t threads, size_t queue_limit) : queue_limit_(queue_limit) {
  threads = std::max<size_t>(1, threads);
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  stop();
  for (std::thread& worker : workers_) worker.join();
}

bool WorkerPool::submit(Task task) {
  {
    std::unique_lock lock(mutex_);
    // A task waits only when every worker is busy: the limit counts waiting
    // tasks, so a pool whose workers are free takes any burst up to them.
    if (!stopped_ && queue_.size() < queue_limit_ + (workers_.size() - std::min(running_, workers_.size()))) {
      queue_.push_back(std::move(task));
      lock.unlock();
      wake_.notify_one();
      return true;
    }
  }
  task(false);
  return false;
}

void WorkerPool::stop() {
  std::deque<Task> refused;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    refused.swap(queue_);
  }
  wake_.notify_all();
  for (Task& task : refused) task(false);
}

bool WorkerPool::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return running_ == 0 && queue_.empty(); });
}

size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool WorkerPool::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

size_t WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void WorkerPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopped, nothing left
    Task task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    // Tasks answer their own errors (the router denies inside an
    // AdmissionReview); one that throws anyway must not take the worker (and
    // the process) with it. Its connection then gets no answer and the API
    // server's timeout applies, so say so.
    try {
      task(true);
    } catch (...) {
      log_error(LogLine("an evaluation task threw past its own error handling; its request gets no answer"));
    }
    task = nullptr;  // its captures (the connection) go before the count says idle
    lock.lock();
    --running_;
    if (running_ == 0 && queue_.empty()) idle_.notify_all();
  }
}

}  // namespace tollgate::webhook
