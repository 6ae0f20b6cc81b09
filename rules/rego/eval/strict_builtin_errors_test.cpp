// Strict builtin errors as OPA's topdown reports them: the failing call is
// undefined and evaluation goes on (evalBuiltin collects the error); the
// query then returns the first error together with the rows it found.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

namespace {

using tollgate::rego::QueryOptions;
using tollgate::rego::testing::Outcome;
using tollgate::rego::testing::run;

const char* kModule = "package test\n\nxs := [1, 0, 2]\n\nq contains y if {\n\tsome x in xs\n\ty := 10 / x\n}\n";

}  // namespace

TEST_CASE("a strict builtin error comes with the rows found around it", "[eval][strict]") {
  QueryOptions strict;
  strict.strict_builtin_errors = true;
  Outcome o = run({kModule}, "x = data.test.q", strict);
  REQUIRE(o.result.error.has_value());
  CHECK(o.result.error->code == "eval_builtin_error");
  CHECK(o.result.error->message == "div: divide by zero");
  REQUIRE(o.result.rows.size() == 1);
  CHECK(tollgate::value::to_json(o.result.rows[0].at("x")) == "[5,10]");
}

TEST_CASE("without strict builtin errors the failing call is only undefined", "[eval][strict]") {
  Outcome o = run({kModule}, "x = data.test.q");
  CHECK_FALSE(o.result.error.has_value());
  CHECK(o.json("x") == "[5,10]");
}
