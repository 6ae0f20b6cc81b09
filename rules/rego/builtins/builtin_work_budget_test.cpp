// Builtins whose work grows with their input charge it to the step budget:
// a huge input (or a loop over a big one) trips the budget with the usual
// eval_cancel_error instead of running long, while small calls cost nothing
// extra.
#include <catch2/catch.hpp>

#include <string>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;
using tollgate::value::EvalLimits;
using tollgate::value::Value;

namespace {

constexpr const char* kStepBudgetError = "eval_cancel_error: evaluation exceeded its step budget of 100000 steps";

// A JSON array of `n` ones, as a string: "[1,1,...,1]".
std::string json_ones(size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "1" : ",1";
  return out + "]";
}

// `query` with input {"text": <text>, "items": <items>} under a budget of
// 100k steps and nothing else: only the builtin's own charge can trip it.
Outcome run_with_input(const std::string& query, std::string text, size_t items = 0) {
  QueryOptions options;
  std::vector<Value> list(items, Value::integer(1));
  options.input = Value::object({{Value::string("text"), Value::string(std::move(text))},
                                 {Value::string("items"), Value::array(std::move(list))}});
  static const EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 100'000, .memory_bytes = 0};
  options.limits = &limits;
  return run({}, query, options);
}

}  // namespace

TEST_CASE("json.unmarshal and json.is_valid of a 2 MB string count against the step budget", "[eval][budget]") {
  std::string big = json_ones(1'000'000);
  CHECK(run_with_input("x := json.unmarshal(input.text)", big).error() == kStepBudgetError);
  CHECK(run_with_input("x := json.is_valid(input.text)", big).error() == kStepBudgetError);
  // The same builtins on a small document are unaffected.
  Outcome small = run_with_input("x := count(json.unmarshal(input.text))", json_ones(100));
  REQUIRE(small.ok());
  CHECK(small.json("x") == "100");
}

TEST_CASE("yaml.unmarshal and yaml.is_valid of a 1 MB string count against the step budget", "[eval][budget]") {
  std::string big = json_ones(500'000);
  CHECK(run_with_input("x := yaml.unmarshal(input.text)", big).error() == kStepBudgetError);
  CHECK(run_with_input("x := yaml.is_valid(input.text)", big).error() == kStepBudgetError);
}

TEST_CASE("json.marshal, yaml.marshal and sprintf of a large value count what they write", "[eval][budget]") {
  CHECK(run_with_input("x := json.marshal(input.items)", "", 1'000'000).error() == kStepBudgetError);
  CHECK(run_with_input(R"(x := json.marshal_with_options(input.items, {"pretty": true}))", "", 1'000'000).error() ==
        kStepBudgetError);
  CHECK(run_with_input("x := yaml.marshal(input.items)", "", 200'000).error() == kStepBudgetError);
  CHECK(run_with_input(R"(x := sprintf("%v", [input.items]))", "", 1'000'000).error() == kStepBudgetError);
  Outcome small = run_with_input(R"(x := sprintf("%v", [input.items]))", "", 3);
  REQUIRE(small.ok());
  CHECK(small.json("x") == R"("[1, 1, 1]")");
}

TEST_CASE("regex builtins over a 2 MB string count against the step budget", "[eval][budget]") {
  std::string big(2'000'000, 'a');
  CHECK(run_with_input(R"(x := regex.match("b$", input.text))", big).error() == kStepBudgetError);
  CHECK(run_with_input(R"(x := regex.split("b", input.text))", big).error() == kStepBudgetError);
  CHECK(run_with_input(R"(x := regex.replace(input.text, "b", "c"))", big).error() == kStepBudgetError);
  CHECK(run_with_input(R"(x := regex.find_n("b", input.text, -1))", big).error() == kStepBudgetError);
  CHECK(run_with_input(R"(x := regex.find_all_string_submatch_n("b", input.text, -1))", big).error() ==
        kStepBudgetError);
}

TEST_CASE("every regex match counts, so an empty pattern over a string is no free loop", "[eval][budget]") {
  // 4000 characters: under the size that is charged up front, but an empty
  // pattern matches at each of them. (The budget is looked at every 4096
  // steps, hence two calls.)
  std::string text(4000, 'a');
  QueryOptions options;
  options.input = Value::object({{Value::string("text"), Value::string(text)}});
  EvalLimits limits{.time = std::chrono::nanoseconds(0), .steps = 1000, .memory_bytes = 0};
  options.limits = &limits;
  Outcome o = run({}, R"(x := count(regex.find_n("", input.text, -1)) + count(regex.find_n("", input.text, -1)))", options);
  CHECK(o.error() == "eval_cancel_error: evaluation exceeded its step budget of 1000 steps");
}
