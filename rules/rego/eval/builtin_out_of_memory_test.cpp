// A builtin that runs out of memory ends the evaluation with an error: it is
// not an ordinary builtin error that leaves the expression undefined (which
// would let a request through).
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

// Not under sanitizers: their allocators abort on such a request instead of
// throwing bad_alloc (GCC says so with __SANITIZE_*, clang 14 does not, hence
// TOLLGATE_SANITIZE).
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !defined(TOLLGATE_SANITIZE)
TEST_CASE("a builtin that runs out of memory is an evaluation error, even when errors are not strict", "[eval]") {
  // concat reserves the whole result at once: a million one-MB separators
  // ask for a terabyte.
  QueryOptions options;
  options.input = tollgate::value::Value::object(std::vector<tollgate::value::Value::Entry>{
      {tollgate::value::Value::string("sep"), tollgate::value::Value::string(std::string(1 << 20, '-'))},
      {tollgate::value::Value::string("items"), tollgate::value::Value::array(std::vector<tollgate::value::Value>(1000000, tollgate::value::Value::string("")))},
  });
  // Without a memory budget (which would stop it first, with its own error).
  tollgate::value::EvalLimits no_memory_budget{.memory_bytes = 0};
  options.limits = &no_memory_budget;
  auto o = run({}, "x := concat(input.sep, input.items)", options);
  REQUIRE(o.result.error);
  CHECK(o.result.error->code == "eval_builtin_error");
  CHECK(o.result.error->message == "concat: out of memory");
}
#endif
