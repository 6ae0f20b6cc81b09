// Where OPA evaluates the operands of a negated expression: inside the `not`
// (refs compared with `==` or `=`, refs as the whole expression) or before it
// (call operands, nested calls, rule names). Each answer here is OPA
// v1.5.1's (../shared/testdata/rego-differential holds cases of each).
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

namespace {

using tollgate::rego::RegoVersion;
using tollgate::rego::testing::eval_p;

std::string p(const std::string& body) { return eval_p("package test\np if {\n" + body + "\n}\n", {}, RegoVersion::V1); }

}  // namespace

TEST_CASE("not over == with an undefined operand succeeds: == is unification in a module", "[eval][negation]") {
  CHECK(p("not input.nope == false") == "true");
  CHECK(p("not 1 == input.nope") == "true");
  CHECK(p("not input.a.x == null") == "true");
  CHECK(p("not input.nope = 1") == "true");
}

TEST_CASE("not over a call whose operand is undefined fails the body: the operand is bound before", "[eval][negation]") {
  CHECK(p("not input.nope <= false") == "undefined");
  CHECK(p("not input.nope != 1") == "undefined");
  CHECK(p("not startswith(input.nope, \"a\")") == "undefined");
  CHECK(p("not count(input.nope) == 1") == "undefined");
  CHECK(p("not [input.nope] == [1]") == "undefined");
}

TEST_CASE("not over a ref alone, or a call whose operands are defined, negates it", "[eval][negation]") {
  CHECK(p("not input.nope") == "true");
  CHECK(p("not input.a[\"b\"].c") == "true");
  CHECK(p("not startswith(\"abc\", \"b\")") == "true");
  CHECK(p("not count([1]) == 2") == "true");
}

TEST_CASE("a rule named in a negated call is a ref bound before the not", "[eval][negation]") {
  const std::string rules = "package test\nz0 = 1 if { false }\nzs = \"s\" if { false }\n";
  CHECK(eval_p(rules + "p if { not z0 != 1 }\n") == "undefined");
  CHECK(eval_p(rules + "p if { not lower(zs) }\n") == "undefined");
  CHECK(eval_p(rules + "p if { not z0 == 1 }\n") == "true");
  CHECK(eval_p(rules + "p if { not z0 }\n") == "true");
  // A local of the same name is not the rule.
  CHECK(eval_p(rules + "p if { z0 := 2; not z0 != 2 }\n") == "true");
}

TEST_CASE("in a query, == is a call like any other", "[eval][negation]") {
  auto o = tollgate::rego::testing::run({"package test\n"}, "not input.nope == false");
  CHECK(o.undefined());
}
