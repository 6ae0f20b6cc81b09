// Evaluation budgets: how long, how many steps and how many bytes of Values
// one policy evaluation may take before it is stopped with an error.
//
// An EvalBudget is made for one evaluation (a Rego query, a CEL expression)
// and installed as the calling thread's current budget for its lifetime, so
// code far from the evaluator (Value constructors, builtins) charges it
// without plumbing: value::charge_memory(bytes) when it builds something,
// value::charge_steps(n) when it iterates. Both cost a thread-local load and
// a branch when no budget is installed.
//
// Steps are counted down and the clock is read only every kCheckInterval
// steps, so a step is a decrement and a compare. Memory is the total of the
// bytes of Values built during the evaluation (node + payload: a measure of
// the work of building, not of live memory), plus what comprehensions
// accumulate before they become a Value.
//
// Exceeding a budget throws BudgetExceeded, which deliberately does not
// derive from std::exception: no `catch (const std::exception&)` on the way
// (a builtin's error handling) can turn it into an ordinary error that leaves
// an expression undefined. The engines' entry points catch it and report an
// evaluation error, which callers never treat as an allow.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tollgate::value {

struct EvalLimits {
  // Wall-clock time of one evaluation; 0 = unlimited.
  std::chrono::nanoseconds time{std::chrono::seconds(3)};
  // Evaluation steps (Rego: expressions tried, collection entries visited,
  // builtin work); 0 = unlimited.
  uint64_t steps = 50'000'000;
  // Bytes of Values built; 0 = unlimited.
  uint64_t memory_bytes = uint64_t{256} << 20;
};

// The limits evaluations use unless told otherwise: set from the command
// line before any evaluation thread starts, read-only afterwards.
EvalLimits& default_eval_limits();

enum class BudgetKind { Time, Steps, Memory, Cancelled };

struct BudgetExceeded {
  BudgetKind kind;
  std::string message;  // "evaluation exceeded its time budget of 3s"
};

// All evaluations on this thread while it lives end by `deadline` at the
// latest (the webhook: the AdmissionReview's ?timeout=, capped by its flag),
// and a budget error fails the whole request (fail_request) rather than
// being reported as a violation.
class RequestDeadline {
 public:
  using Clock = std::chrono::steady_clock;
  // `cancelled` (may be null) turning true stops the evaluations too (the
  // client went away); it must outlive this object.
  RequestDeadline(Clock::time_point deadline, std::chrono::nanoseconds budget, bool fail_request,
                  const std::atomic<bool>* cancelled = nullptr);
  // The scope of one admission request at the webhook: its evaluations end
  // within the API server's timeout (the request target's ?timeout=, less a
  // tenth for the answer's way back), capped by default_eval_limits().time
  // (serve --max-eval-time), and a budget exceeded fails the request. The
  // budget runs from `received` (time spent waiting for an evaluation thread
  // counts against it).
  static RequestDeadline for_admission_request(std::string_view target, const std::atomic<bool>* cancelled,
                                               Clock::time_point received = Clock::now());
  ~RequestDeadline();
  RequestDeadline(const RequestDeadline&) = delete;
  RequestDeadline& operator=(const RequestDeadline&) = delete;

  static const RequestDeadline* current() { return current_; }
  Clock::time_point deadline() const { return deadline_; }
  std::chrono::nanoseconds budget() const { return budget_; }
  bool fail_request() const { return fail_request_; }
  bool cancelled() const { return cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed); }

 private:
  Clock::time_point deadline_;
  std::chrono::nanoseconds budget_;
  bool fail_request_;
  const std::atomic<bool>* cancelled_;
  const RequestDeadline* previous_;
  static constinit thread_local const RequestDeadline* current_;
};

// Thrown by the policy drivers when an evaluation error must fail the whole
// request (RequestDeadline::fail_request): the webhook answers it with
// allowed:false and code 500, as Gatekeeper answers a failed evaluation.
class EvaluationFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws EvaluationFailed(message) when the thread's request asks budget
// errors to fail it; returns otherwise (the caller reports a violation).
void fail_request_on_budget_error(const std::string& message);

class EvalBudget {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int64_t kCheckInterval = 4096;

  // Starts the clock and installs this budget as the thread's current one
  // (the previous one comes back when it is destroyed). The deadline is the
  // earlier of now + limits.time and the thread's RequestDeadline.
  explicit EvalBudget(const EvalLimits& limits);
  ~EvalBudget();
  EvalBudget(const EvalBudget&) = delete;
  EvalBudget& operator=(const EvalBudget&) = delete;

  void step(uint64_t n = 1) {
    countdown_ -= static_cast<int64_t>(n);
    if (countdown_ <= 0) [[unlikely]] check();
  }
  void charge(uint64_t bytes) {
    memory_ += bytes;
    if (memory_ > memory_limit_) [[unlikely]] over_memory();
  }
  // Checks the clock now (before a long piece of work that does not step).
  void check();

  uint64_t steps_used() const { return steps_ + static_cast<uint64_t>(period_ - countdown_); }
  uint64_t memory_used() const { return memory_; }

  static EvalBudget* current() { return current_; }

 private:
  [[noreturn]] void over_memory();
  [[noreturn]] void over_time();

  int64_t countdown_ = kCheckInterval;
  int64_t period_ = kCheckInterval;
  uint64_t steps_ = 0;
  uint64_t memory_ = 0;
  uint64_t step_limit_;
  uint64_t memory_limit_;
  uint64_t memory_limit_shown_;
  Clock::time_point deadline_;
  std::chrono::nanoseconds time_budget_;
  const RequestDeadline* request_;
  EvalBudget* previous_;
  static constinit thread_local EvalBudget* current_;
};

inline void charge_memory(uint64_t bytes) {
  if (EvalBudget* b = EvalBudget::current()) b->charge(bytes);
}
inline void charge_steps(uint64_t n) {
  if (EvalBudget* b = EvalBudget::current()) b->step(n);
}

// The value of the `timeout` query parameter of a request target
// ("/validate?timeout=10s"); false when there is none or it is no duration.
bool target_timeout(std::string_view target, std::chrono::nanoseconds* out);

// "3s", "250ms", "1.5s": how budgets are named in messages and flags.
std::string format_duration(std::chrono::nanoseconds d);
// Go's time.ParseDuration subset the API server sends and flags use
// ("10s", "1m30s", "500ms", "2.5s"); false when the text is not one.
bool parse_duration(std::string_view text, std::chrono::nanoseconds* out);

}  // namespace tollgate::value
