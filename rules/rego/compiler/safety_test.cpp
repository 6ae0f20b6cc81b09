// Safety and reordering (rego-notes.md §5 "Safety and reordering").
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

namespace {

std::vector<Error> compile_errors(const std::string& module, RegoVersion version = RegoVersion::V1) {
  return compile({{"policy.rego", module, version}}).errors;
}

}  // namespace

TEST_CASE("literals are reordered so that bindings come before uses", "[compiler]") {
  CHECK(eval_p("package test\np := y if { y > 1; y = x + 1; x = 2 }") == "3");
  CHECK(eval_p("package test\np if { not q[x]; x = 1 }\nq contains 2") == "true");
  CHECK(eval_p("package test\np := n if { count(xs, n); xs = [1, 2] }") == "2");
}

TEST_CASE("a variable nothing can bind is unsafe, reported with its location", "[compiler]") {
  auto errors = compile_errors("package test\n\np if {\n  x > 1\n}");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "rego_unsafe_var_error");
  CHECK(errors[0].message == "var x is unsafe");
  CHECK(errors[0].file == "policy.rego");
  CHECK(errors[0].loc.line == 4);
  CHECK(errors[0].loc.column == 3);
}

TEST_CASE("negation, function arguments, rule heads and comparisons need bound variables", "[compiler]") {
  CHECK(compile_errors("package test\np if { not q[x] }\nq contains 1")[0].message == "var x is unsafe");
  CHECK(compile_errors("package test\np if { count(x) > 0 }")[0].message == "var x is unsafe");
  CHECK(compile_errors("package test\np contains x if { true }")[0].message == "var x is unsafe");
  CHECK(compile_errors("package test\np if { x == y }")[0].code == "rego_unsafe_var_error");
  CHECK(compile_errors("package test\np if { x = y }")[0].code == "rego_unsafe_var_error");
  // A wildcard inside a negated ref is the negation's own.
  CHECK(compile_errors("package test\np if { not input.xs[_] == 1 }").empty());
}

TEST_CASE("refs bind their variables by iteration, patterns by unification", "[compiler]") {
  CHECK(compile_errors("package test\np contains [i, v] if { v := input.xs[i] }").empty());
  CHECK(compile_errors("package test\np contains a if { [a, b] := input.pair; b }").empty());
  CHECK(compile_errors("package test\np contains k if { some k, _ in input.o }").empty());
  CHECK(compile_errors("package test\np := xs[_]\nxs := [1]").empty());
}

TEST_CASE("comprehension bodies are checked with the variables bound around them", "[compiler]") {
  CHECK(compile_errors("package test\np := [x | x := input[_]; x > lim]").at(0).message == "var lim is unsafe");
  CHECK(compile_errors("package test\np := [x | x := input[_]; x > lim] if { lim = 1 }").empty());
  CHECK(compile_errors("package test\np if { every x in input.xs { x > y } }").at(0).message == "var y is unsafe");
}
