#include "rules/value/eval_budget.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>

namespace tollgate::value {

namespace {

// The steady clock at the resolution of the kernel's tick (a few ms), which
// is plenty for budgets of seconds and costs a few ns instead of a
// full clock read: every evaluation starts one.
std::chrono::steady_clock::time_point coarse_now() {
#ifdef CLOCK_MONOTONIC_COARSE
  timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0) {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
#endif
  return std::chrono::steady_clock::now();
}

}  // namespace

constinit thread_local const RequestDeadline* RequestDeadline::current_ = nullptr;
constinit thread_local EvalBudget* EvalBudget::current_ = nullptr;

EvalLimits& default_eval_limits() {
  static EvalLimits limits;
  return limits;
}

RequestDeadline::RequestDeadline(Clock::time_point deadline, std::chrono::nanoseconds budget, bool fail_request,
                                 const std::atomic<bool>* cancelled)
    : deadline_(deadline), budget_(budget), fail_request_(fail_request), cancelled_(cancelled), previous_(current_) {
  current_ = this;
}

RequestDeadline RequestDeadline::for_admission_request(std::string_view target, const std::atomic<bool>* cancelled,
                                                       Clock::time_point received) {
  std::chrono::nanoseconds budget = default_eval_limits().time;
  std::chrono::nanoseconds timeout{0};
  if (target_timeout(target, &timeout) && timeout.count() > 0) {
    timeout -= timeout / 10;
    if (budget.count() == 0 || timeout < budget) budget = timeout;
  }
  Clock::time_point deadline = budget.count() > 0 ? received + budget : Clock::time_point::max();
  return RequestDeadline(deadline, budget, true, cancelled);
}

bool target_timeout(std::string_view target, std::chrono::nanoseconds* out) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (param.starts_with("timeout=")) return parse_duration(param.substr(8), out);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

RequestDeadline::~RequestDeadline() { current_ = previous_; }

void fail_request_on_budget_error(const std::string& message) {
  const RequestDeadline* request = RequestDeadline::current();
  if (request != nullptr && request->fail_request()) throw EvaluationFailed(message);
}

EvalBudget::EvalBudget(const EvalLimits& limits)
    : step_limit_(limits.steps == 0 ? std::numeric_limits<uint64_t>::max() : limits.steps),
      memory_limit_(limits.memory_bytes == 0 ? std::numeric_limits<uint64_t>::max() : limits.memory_bytes),
      memory_limit_shown_(limits.memory_bytes),
      deadline_(Clock::time_point::max()),
      time_budget_(limits.time),
      request_(RequestDeadline::current()),
      previous_(current_) {
  const RequestDeadline* request = request_;
  if (limits.time.count() > 0 || request != nullptr) {
    Clock::time_point now = coarse_now();
    if (limits.time.count() > 0) deadline_ = now + limits.time;
    if (request != nullptr && request->deadline() < deadline_) {
      deadline_ = request->deadline();
      time_budget_ = request->budget();
    }
  }
  current_ = this;
}

EvalBudget::~EvalBudget() { current_ = previous_; }

void EvalBudget::check() {
  steps_ += static_cast<uint64_t>(period_ - countdown_);
  countdown_ = period_ = kCheckInterval;
  if (steps_ > step_limit_) {
    throw BudgetExceeded{BudgetKind::Steps,
                         "evaluation exceeded its step budget of " + std::to_string(step_limit_) + " steps"};
  }
  if (deadline_ != Clock::time_point::max() && coarse_now() >= deadline_) over_time();
  if (request_ != nullptr && request_->cancelled()) {
    throw BudgetExceeded{BudgetKind::Cancelled, "evaluation cancelled: the request was cancelled"};
  }
}

void EvalBudget::over_time() {
  throw BudgetExceeded{BudgetKind::Time, "evaluation exceeded its time budget of " + format_duration(time_budget_)};
}

void EvalBudget::over_memory() {
  std::string limit = memory_limit_shown_ % (1u << 20) == 0 ? std::to_string(memory_limit_shown_ >> 20) + " MiB"
                                                             : std::to_string(memory_limit_shown_) + " bytes";
  throw BudgetExceeded{BudgetKind::Memory, "evaluation exceeded its memory budget of " + limit};
}

std::string format_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  auto ns = d.count();
  auto whole = [](int64_t v, int64_t unit, const char* suffix) { return std::to_string(v / unit) + suffix; };
  if (ns % 1'000'000'000 == 0) return whole(ns, 1'000'000'000, "s");
  if (ns >= 1'000'000'000) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(ns) / 1e9);
    return std::string(buf) + "s";
  }
  if (ns % 1'000'000 == 0) return whole(ns, 1'000'000, "ms");
  if (ns % 1'000 == 0) return whole(ns, 1'000, "µs");
  return std::to_string(ns) + "ns";
}

bool parse_duration(std::string_view text, std::chrono::nanoseconds* out) {
  struct Unit {
    std::string_view name;
    double ns;
  };
  static constexpr Unit kUnits[] = {{"ns", 1},   {"us", 1e3},   {"µs", 1e3}, {"ms", 1e6},
                                    {"s", 1e9},  {"m", 60e9},   {"h", 3600e9}};
  if (text.empty()) return false;
  if (text == "0") {
    *out = std::chrono::nanoseconds(0);
    return true;
  }
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return false;
    std::string number(text.substr(start, i - start));
    char* end = nullptr;
    double v = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return false;
    size_t unit_start = i;
    while (i < text.size() && !((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    const Unit* found = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == unit) found = &u;
    }
    if (found == nullptr) return false;
    total += v * found->ns;
  }
  if (!std::isfinite(total) || total > 9e18) return false;
  *out = std::chrono::nanoseconds(static_cast<int64_t>(total));
  return true;
}

}  // namespace tollgate::value
