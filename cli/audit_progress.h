// A one-line progress report for long audits on a terminal: objects done,
// objects per second and, when the total is known, the time left; redrawn
// in place at most five times a second. `tollgate audit` shows it when
// stderr is a terminal (--progress / --no-progress force it either way).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

namespace tollgate::cli {

class AuditProgress {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kRedrawInterval{200};

  // total: the number of objects to audit, 0 when unknown.
  explicit AuditProgress(std::ostream& out, size_t total = 0, std::function<Clock::time_point()> now = Clock::now);

  void set_total(size_t total) { total_ = total; }
  // `done` objects audited so far: redraws when the last drawing is old enough.
  void update(size_t done);
  // The last figures, and the line ended so what follows starts on its own.
  void finish(size_t done);

  // "12,345/100,000 objects  8,123 objects/s  ETA 11s" (no total: no ETA).
  static std::string line(size_t done, size_t total, double seconds);

 private:
  void draw(size_t done);

  std::ostream& out_;
  size_t total_;
  std::function<Clock::time_point()> now_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool drawn_ = false;
  size_t last_width_ = 0;
};

// Whether `tollgate audit` reports progress: --progress / --no-progress,
// else only when its stderr is the process's and a terminal.
bool audit_progress_wanted(bool forced_on, bool forced_off, const std::ostream& err);

}  // namespace tollgate::cli
