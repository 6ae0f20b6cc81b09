// The webhook's structured log: one JSON object per line on stderr
// ({"time":…,"level":…,"msg":…, fields…}), the shape log collectors in a
// cluster parse without configuration.
//
// Lines are written by one writer thread, never by the thread that logs: a
// caller moves its line into a bounded queue (a short lock, no I/O) and goes
// on. The writer writes what has queued up with one write(2) per batch:
// promptly for log() (startup, reloads, errors: a reader sees them at once),
// within kLogBatchInterval for log_batched() (the per-request decision lines,
// which under load are many). A full queue drops its oldest line
// (log_lines_dropped(), tollgate_log_lines_dropped_total) rather than make an
// I/O thread wait. flush_log() waits until everything logged before it is
// written; it runs at exit, and serve calls it when it stops, so SIGTERM loses
// nothing. A crash or SIGKILL loses at most the lines still queued.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>

namespace tollgate::webhook {

// The fields of one log line, JSON-encoded as they are added.
class LogLine {
 public:
  explicit LogLine(std::string_view msg);
  LogLine& field(std::string_view key, std::string_view value);
  LogLine& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
  LogLine& field(std::string_view key, int64_t value);
  LogLine& field(std::string_view key, const std::vector<std::string>& values);
  // A field holding an array of strings, each the concatenation of parts,
  // encoded straight from them (no intermediate string): begin_array, then
  // per element begin_element and append_to_element, then end_array.
  LogLine& begin_array(std::string_view key);
  LogLine& begin_element();
  LogLine& append_to_element(std::string_view part);
  LogLine& end_element();
  LogLine& end_array();
  // The members after the opening brace, e.g. "msg":"x","uid":"y".
  const std::string& members() const { return members_; }
  std::string take_members() && { return std::move(members_); }

 private:
  void key(std::string_view name);
  std::string members_;
  bool first_element_ = true;
};

// How long a log_batched() line may wait for the writer.
inline constexpr std::chrono::milliseconds kLogBatchInterval{50};
// Lines waiting for the writer beyond which the oldest is dropped.
inline constexpr size_t kLogQueueCapacity = 8192;

void log(spdlog::level::level_enum level, LogLine line);
inline void log_info(LogLine line) { log(spdlog::level::info, std::move(line)); }
inline void log_warn(LogLine line) { log(spdlog::level::warn, std::move(line)); }
inline void log_error(LogLine line) { log(spdlog::level::err, std::move(line)); }
// For lines logged per request: written with the next batch (at most
// kLogBatchInterval later), so that a busy server writes many per syscall.
void log_batched(spdlog::level::level_enum level, LogLine line);

// Waits until every line logged before the call is written to stderr.
void flush_log();
// Lines dropped so far because the queue was full.
uint64_t log_lines_dropped();

// For tests: stops the writer from taking lines until resumed (the queue
// fills up and overflows as it would behind a stalled stderr).
void pause_log_writer_for_testing(bool paused);

}  // namespace tollgate::webhook
