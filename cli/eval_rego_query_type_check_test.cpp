// `tollgate eval` type-checks its query as `opa eval` does: a builtin given
// an argument of the wrong type is a rego_type_error before anything runs,
// located in the query as written.
#include <catch2/catch.hpp>
#include <string>

#include "cli/command_test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

TEST_CASE("tollgate eval refuses a query whose builtin arguments cannot have the right type, as opa eval does",
          "[cli][eval][rego]") {
  Run r = run({"eval", "lower(5)"});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(r.err.find("1:1: rego_type_error: lower: invalid argument(s)") != std::string::npos);
  CHECK(r.err.find("have: (number)") != std::string::npos);

  Run scalar = run({"eval", "x := 5; y := x[_]"});
  CHECK(scalar.code == 1);
  CHECK(scalar.err.find("rego_type_error: undefined ref: x[_]") != std::string::npos);
}

TEST_CASE("tollgate eval still prints the value of a well-typed single expression", "[cli][eval][rego]") {
  Run r = run({"eval", "lower(\"A\")"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("\"a\"") != std::string::npos);
}
