#include "webhook/log.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>

#include "rules/value/json.h"

namespace tollgate::webhook {
namespace {

using Clock = std::chrono::system_clock;

// {"time":"2026-01-02T03:04:05.123456Z","level":"info", then the members, then }.
void format_line(Clock::time_point time, spdlog::level::level_enum level, const std::string& members,
                 std::string& out) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[64];
  size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(stamp + n, sizeof stamp - n, ".%06lldZ", static_cast<long long>(micros % 1000000));
  out += R"({"time":")";
  out += stamp;
  out += R"(","level":")";
  auto name = spdlog::level::to_string_view(level);
  out.append(name.data(), name.size());
  out += "\",";
  out += members;
  out += "}\n";
}

void write_all(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr closed or broken: nothing else to do with the line
    done += static_cast<size_t>(n);
  }
}

class LogWriter {
 public:
  LogWriter() : thread_([this] { run(); }) {}

  void push(spdlog::level::level_enum level, std::string members, bool prompt) {
    Clock::time_point now = Clock::now();
    std::unique_lock lock(mutex_);
    if (queue_.size() >= kLogQueueCapacity) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(Entry{now, level, std::move(members)});
    ++pushed_;
    if (prompt) urgent_ = pushed_;
    bool wake = (prompt || queue_.size() == kLogQueueCapacity / 2) && waiting_;
    lock.unlock();
    if (wake) wake_.notify_one();
  }

  void flush() {
    std::unique_lock lock(mutex_);
    uint64_t target = pushed_;
    if (written_ >= target) return;
    urgent_ = std::max(urgent_, target);
    wake_.notify_one();
    written_cv_.wait(lock, [&] { return written_ >= target; });
  }

  uint64_t dropped() {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

  void pause(bool paused) {
    std::lock_guard lock(mutex_);
    paused_ = paused;
    if (!paused) wake_.notify_one();
  }

 private:
  struct Entry {
    Clock::time_point time;
    spdlog::level::level_enum level;
    std::string members;
  };

  void run() {
    std::deque<Entry> batch;
    std::string text;
    std::unique_lock lock(mutex_);
    for (;;) {
      waiting_ = true;
      wake_.wait_for(lock, kLogBatchInterval, [&] {
        return !paused_ && (urgent_ > written_ || queue_.size() >= kLogQueueCapacity / 2);
      });
      waiting_ = false;
      if (paused_) continue;
      if (queue_.empty()) {
        written_ = pushed_;
        continue;
      }
      batch.swap(queue_);
      uint64_t upto = pushed_;
      lock.unlock();
      text.clear();
      for (const Entry& e : batch) format_line(e.time, e.level, e.members, text);
      batch.clear();
      write_all(text);
      lock.lock();
      written_ = upto;
      written_cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_cv_;
  std::deque<Entry> queue_;
  uint64_t pushed_ = 0;   // lines ever pushed
  uint64_t written_ = 0;  // lines pushed before the last batch written (dropped ones included)
  uint64_t urgent_ = 0;   // the writer goes at once while written_ < urgent_
  uint64_t dropped_ = 0;
  bool waiting_ = false;
  bool paused_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

LogWriter& writer() {
  // Never destroyed: threads may still log while the process exits. Lines
  // logged before exit() are written by the atexit hook.
  static LogWriter* const instance = [] {
    auto* created = new LogWriter();
    std::atexit([] { flush_log(); });
    return created;
  }();
  return *instance;
}

}  // namespace

LogLine::LogLine(std::string_view msg) {
  // Room for a request's line with a few denials, so that it grows once or not at all.
  members_.reserve(1024);
  members_ = "\"msg\":";
  value::append_json_string(msg, members_);
}

void LogLine::key(std::string_view name) {
  members_ += ',';
  value::append_json_string(name, members_);
  members_ += ':';
}

LogLine& LogLine::field(std::string_view name, std::string_view value) {
  key(name);
  value::append_json_string(value, members_);
  return *this;
}

LogLine& LogLine::field(std::string_view name, int64_t value) {
  key(name);
  members_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::field(std::string_view name, const std::vector<std::string>& values) {
  begin_array(name);
  for (const std::string& v : values) begin_element().append_to_element(v).end_element();
  return end_array();
}

LogLine& LogLine::begin_array(std::string_view name) {
  key(name);
  members_ += '[';
  first_element_ = true;
  return *this;
}

LogLine& LogLine::begin_element() {
  if (!first_element_) members_ += ',';
  first_element_ = false;
  members_ += '"';
  return *this;
}

LogLine& LogLine::append_to_element(std::string_view part) {
  // append_json_string quotes; encode into the open string without its quotes.
  size_t at = members_.size();
  value::append_json_string(part, members_);
  members_.erase(at, 1);
  members_.pop_back();
  return *this;
}

LogLine& LogLine::end_element() {
  members_ += '"';
  return *this;
}

LogLine& LogLine::end_array() {
  members_ += ']';
  return *this;
}

void log(spdlog::level::level_enum level, LogLine line) {
  writer().push(level, std::move(line).take_members(), true);
}

void log_batched(spdlog::level::level_enum level, LogLine line) {
  writer().push(level, std::move(line).take_members(), false);
}

void flush_log() { writer().flush(); }

uint64_t log_lines_dropped() { return writer().dropped(); }

void pause_log_writer_for_testing(bool paused) { writer().pause(paused); }

}  // namespace tollgate::webhook
