// OPA's rule index: a clause whose indexed condition fails (an input ref it
// needs is undefined, or holds another value) is never evaluated, so errors
// it would have raised before failing never happen. Answers are OPA v1.5.1's.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

namespace {

using tollgate::rego::QueryOptions;
using tollgate::rego::RegoVersion;
using tollgate::rego::testing::eval_p;
using tollgate::rego::testing::json;

// f(1) has two definitions that disagree: calling it is a conflict error.
const std::string kConflicting = "package test\nf(x) := x if { true }\nf(x) := 5 if { true }\n";

std::string with_input(const std::string& module, const std::string& input) {
  QueryOptions o;
  o.input = json(input);
  return eval_p(module, o);
}

}  // namespace

TEST_CASE("a rule whose body needs an undefined input ref is not evaluated, so no conflict is raised",
          "[eval][rule-index]") {
  const std::string m = kConflicting + "p if { v := f(1); x := input.nope }\n";
  CHECK(with_input(m, "{}") == "undefined");
  CHECK(with_input(m, R"({"nope": 1})").find("eval_conflict_error") != std::string::npos);
}

TEST_CASE("a rule comparing an input ref with another scalar is not evaluated", "[eval][rule-index]") {
  const std::string m = kConflicting + "p if { f(1); input.kind == \"Pod\" }\n";
  CHECK(with_input(m, R"({"kind": "Deployment"})") == "undefined");
  CHECK(with_input(m, R"({"kind": "Pod"})").find("eval_conflict_error") != std::string::npos);
}

TEST_CASE("refs in call operands, ref keys and the head value count, negated and `with` expressions do not",
          "[eval][rule-index]") {
  CHECK(with_input(kConflicting + "p if { f(1) > count(input.nope) }\n", "{}") == "undefined");
  CHECK(with_input(kConflicting + "p := input.nope if { f(1) }\n", "{}") == "undefined");
  CHECK(with_input(kConflicting + "p if { f(1); input.a[input.k] }\n", R"({"a": {}})") == "undefined");
  // `not input.nope == 1` keeps the ref inside the negation: not indexed.
  CHECK(with_input(kConflicting + "p if { f(1); not input.nope == 1 }\n", "{}").find("eval_conflict_error") !=
        std::string::npos);
}

TEST_CASE("a function whose argument fails an indexed comparison is not evaluated", "[eval][rule-index]") {
  const std::string m = kConflicting + "g(x) := 1 if { f(1); x == \"a\" }\np := g(\"b\")\n";
  CHECK(eval_p(m) == "undefined");
  CHECK(eval_p(kConflicting + "g(x) := 1 if { f(1); x == \"a\" }\np := g(\"a\")\n").find("eval_conflict_error") !=
        std::string::npos);
}

TEST_CASE("an else clause is looked up on its own conditions", "[eval][rule-index]") {
  const std::string m = "package test\np := 1 if { input.x == \"a\" } else := 2 if { input.y == \"b\" } else := 3\n";
  CHECK(with_input(m, R"({"x": "a"})") == "1");
  CHECK(with_input(m, R"({"y": "b"})") == "2");
  CHECK(with_input(m, "{}") == "3");
}
