// Name resolution: locals, rules of the package, imports, closures.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("bare names are locals, then rules of the package", "[compiler]") {
  std::string m = "package test\nq := 5\np := q + 1\nr := q if { q := 1 }";
  CHECK(eval_p(m) == "6");
  CHECK(eval_p(m, {}, RegoVersion::V1, "r") == "1");
  // Unification against a rule name compares with the rule's value.
  CHECK(eval_p("package test\nq := 5\np if { q = 5 }") == "true");
  CHECK(eval_p("package test\nq := 5\np if { q = 6 }") == "undefined");
}

TEST_CASE("rules in other modules of the same package are visible by bare name", "[compiler]") {
  CHECK(run({"package test\np := q * 2", "package test\nq := 21"}, "x := data.test.p").json("x") == "42");
}

TEST_CASE("comprehension variables are their own unless the enclosing body uses the name", "[compiler]") {
  std::string m = R"(package test
xs := {"a", "b", "c"}
p := x if {
  y := {x | xs[x]}
  z := {x | xs[x]}
  count(y) == count(z)
  x := count(y)
})";
  CHECK(eval_p(m) == "3");
  CHECK(eval_p("package test\np := ys if { ys := [x | x = [1, 2][_]]; x = 2 }") == "[2]");
}

TEST_CASE("function arguments shadow rules of the same name", "[compiler]") {
  CHECK(eval_p("package test\nx := 100\nf(x) := x + 1\np := f(1)") == "2");
}
