#include "cli/audit_progress.h"

#include <unistd.h>

#include <cmath>
#include <iostream>

namespace tollgate::cli {
namespace {

std::string grouped(size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration(double seconds) {
  long s = std::lround(seconds);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + (s / 60 % 60 < 10 ? "0" : "") + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

AuditProgress::AuditProgress(std::ostream& out, size_t total, std::function<Clock::time_point()> now)
    : out_(out), total_(total), now_(std::move(now)), start_(now_()), last_draw_(start_) {}

std::string AuditProgress::line(size_t done, size_t total, double seconds) {
  std::string text = "audit: " + grouped(done);
  if (total > 0) text += "/" + grouped(total);
  text += " objects";
  if (seconds > 0) {
    double rate = static_cast<double>(done) / seconds;
    text += "  " + grouped(static_cast<size_t>(std::llround(rate))) + " objects/s";
    if (total > 0 && done > 0 && done <= total && rate > 0) {
      text += "  ETA " + duration(static_cast<double>(total - done) / rate);
    }
  }
  return text;
}

void AuditProgress::draw(size_t done) {
  Clock::time_point now = now_();
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::string text = line(done, total_, seconds);
  // Redrawn in place: back to the line's start, and blanks over what a longer line left.
  size_t width = text.size();
  if (width < last_width_) text.append(last_width_ - width, ' ');
  out_ << '\r' << text << std::flush;
  last_width_ = width;
  last_draw_ = now;
  drawn_ = true;
}

void AuditProgress::update(size_t done) {
  Clock::time_point now = now_();
  if (drawn_ ? now - last_draw_ < kRedrawInterval : now - start_ < kRedrawInterval) return;
  draw(done);
}

void AuditProgress::finish(size_t done) {
  draw(done);
  out_ << '\n' << std::flush;
}

bool audit_progress_wanted(bool forced_on, bool forced_off, const std::ostream& err) {
  if (forced_off) return false;
  if (forced_on) return true;
  return &err == &std::cerr && isatty(STDERR_FILENO) == 1;
}

}  // namespace tollgate::cli
