// The budget itself: steps counted down with the clock read now and then,
// bytes charged by whatever builds Values while it is installed, and the
// request's deadline from the API server's ?timeout=.
#include "rules/value/eval_budget.h"

#include <catch2/catch.hpp>

#include <thread>

#include "rules/value/value.h"

using namespace tollgate::value;
using namespace std::chrono_literals;

TEST_CASE("Values built while a budget is installed count against its memory budget", "[budget]") {
  EvalLimits limits{.time = 0ns, .steps = 0, .memory_bytes = 1 << 20};
  EvalBudget budget(limits);
  Value small = Value::string(std::string(1000, 'x'));
  CHECK(budget.memory_used() >= 1000);
  CHECK(budget.memory_used() < 1200);
  try {
    Value big = Value::string(std::string(2 << 20, 'x'));
    FAIL("no budget error");
  } catch (const BudgetExceeded& e) {
    CHECK(e.kind == BudgetKind::Memory);
    CHECK(e.message == "evaluation exceeded its memory budget of 1 MiB");
  }
}

TEST_CASE("Values built outside any budget are not counted and never refused", "[budget]") {
  CHECK(EvalBudget::current() == nullptr);
  { EvalBudget inner({.time = 0ns, .steps = 0, .memory_bytes = 10}); }
  CHECK(EvalBudget::current() == nullptr);
  Value big = Value::string(std::string(1 << 20, 'x'));
  CHECK(big.as_string().size() == 1u << 20);
}

TEST_CASE("steps are refused past the step budget", "[budget]") {
  EvalBudget budget({.time = 0ns, .steps = 10'000, .memory_bytes = 0});
  uint64_t taken = 0;
  try {
    for (;; ++taken) budget.step();
  } catch (const BudgetExceeded& e) {
    CHECK(e.kind == BudgetKind::Steps);
    CHECK(e.message == "evaluation exceeded its step budget of 10000 steps");
  }
  CHECK(taken >= 10'000);
  CHECK(taken < 10'000 + 2 * EvalBudget::kCheckInterval);
}

TEST_CASE("the clock is checked as steps go by", "[budget]") {
  EvalBudget budget({.time = 20ms, .steps = 0, .memory_bytes = 0});
  std::this_thread::sleep_for(30ms);
  try {
    for (int i = 0; i < 10 * EvalBudget::kCheckInterval; ++i) budget.step();
    FAIL("no budget error");
  } catch (const BudgetExceeded& e) {
    CHECK(e.kind == BudgetKind::Time);
    CHECK(e.message == "evaluation exceeded its time budget of 20ms");
  }
}

TEST_CASE("a request's deadline ends its evaluations earlier than their own time budget", "[budget]") {
  RequestDeadline request(RequestDeadline::Clock::now() + 5ms, 5ms, true);
  EvalBudget budget({.time = 10s, .steps = 0, .memory_bytes = 0});
  std::this_thread::sleep_for(20ms);  // the budget's clock may lag by a tick
  CHECK_THROWS_AS(budget.check(), BudgetExceeded);
  CHECK_THROWS_AS(fail_request_on_budget_error("x"), EvaluationFailed);
}

TEST_CASE("a cancelled request stops its evaluations", "[budget]") {
  std::atomic<bool> cancelled{false};
  RequestDeadline request(RequestDeadline::Clock::time_point::max(), 0ns, true, &cancelled);
  EvalBudget budget({.time = 0ns, .steps = 0, .memory_bytes = 0});
  budget.check();
  cancelled = true;
  try {
    budget.check();
    FAIL("no budget error");
  } catch (const BudgetExceeded& e) {
    CHECK(e.message == "evaluation cancelled: the request was cancelled");
  }
}

TEST_CASE("the API server's timeout parameter is read from the request target", "[budget]") {
  std::chrono::nanoseconds d{0};
  CHECK(target_timeout("/validate?timeout=10s", &d));
  CHECK(d == 10s);
  CHECK(target_timeout("/v1/admit?x=1&timeout=1m30s", &d));
  CHECK(d == 90s);
  CHECK_FALSE(target_timeout("/validate", &d));
  CHECK_FALSE(target_timeout("/validate?timeout=soon", &d));
}

TEST_CASE("durations read and print as Go's", "[budget]") {
  std::chrono::nanoseconds d{0};
  CHECK(parse_duration("500ms", &d));
  CHECK(d == 500ms);
  CHECK(parse_duration("2.5s", &d));
  CHECK(d == 2500ms);
  CHECK(parse_duration("0", &d));
  CHECK(d == 0ns);
  CHECK_FALSE(parse_duration("3", &d));
  CHECK_FALSE(parse_duration("", &d));
  CHECK_FALSE(parse_duration("1x", &d));
  CHECK(format_duration(3s) == "3s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(2500ms) == "2.5s");
}
