// OPA's compile-time type checks: builtin argument types, unification that
// cannot succeed, references into scalars, user function types.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

namespace {

std::vector<Error> errors_of(const std::string& module) {
  return compile({{"t.rego", module, RegoVersion::V1}}).errors;
}

std::string first_error(const std::string& module) {
  auto errors = errors_of(module);
  if (errors.empty()) return "";
  return errors[0].code + ": " + errors[0].message;
}

}  // namespace

TEST_CASE("a builtin called with an argument of the wrong type is refused at compile time", "[compiler][types]") {
  auto errors = errors_of("package t\n\nr if {\n  x := lower(5)\n}");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "rego_type_error");
  CHECK(errors[0].message == "lower: invalid argument(s)\n\thave: (number, ??\?)\n\twant: (x: string, y: string)");
  CHECK(errors[0].loc.line == 4);
  CHECK(first_error("package t\nr if { trim(5, \"x\") }") ==
        "rego_type_error: trim: invalid argument(s)\n\thave: (number, string)\n\twant: (value: string, cutset: "
        "string, output: string)");
  CHECK(first_error("package t\nr := array.reverse({\"x\": 1, \"y\": 2})") ==
        "rego_type_error: array.reverse: invalid argument(s)\n\thave: (object<x: number, y: number>, ??\?)\n\twant: "
        "(arr: array[any], rev: array[any])");
}

TEST_CASE("types flow through variables, rules and operators", "[compiler][types]") {
  CHECK(first_error("package t\nr if { x := 5; upper(x) }").rfind("rego_type_error: upper:", 0) == 0);
  CHECK(first_error("package t\nn := 5\nr if { upper(n) }").rfind("rego_type_error: upper:", 0) == 0);
  CHECK(first_error("package t\nr := 1 + \"a\"").rfind("rego_type_error: plus:", 0) == 0);
  CHECK(first_error("package t\nr if { concat(\",\", [1, 2]) }").rfind("rego_type_error: concat:", 0) == 0);
}

TEST_CASE("arguments whose type is unknown or may fit are accepted", "[compiler][types]") {
  CHECK(errors_of("package t\nr if { lower(input.x) }").empty());
  CHECK(errors_of("package t\nr if { x := [1, \"a\"][_]; lower(x) }").empty());
  CHECK(errors_of("package t\nr if { count(input.xs) > 1; startswith(\"abc\", \"a\") }").empty());
  CHECK(errors_of("package t\nr contains x if { some x in [\"a\"] }\ns if { r[y]; lower(y) }").empty());
  CHECK(errors_of("package t\nf(x) := y if { y := lower(x) }\nr if { f(\"A\") == \"a\" }").empty());
}

TEST_CASE("a unification or comparison of incompatible types is a match error", "[compiler][types]") {
  CHECK(first_error("package t\nr if { [2, 1] == sprintf(\"%v\", [1]) }").rfind("rego_type_error: match error", 0) ==
        0);
  CHECK(first_error("package t\nr if { 10 == {1: \"a\"} }") ==
        "rego_type_error: match error\n\tleft  : number\n\tright : object<1: string>");
  CHECK(first_error("package t\nr if { some x, y in 2.0 }").rfind("rego_type_error: match error", 0) == 0);
  CHECK(errors_of("package t\nr if { 1 != \"a\" }").empty());
}

TEST_CASE("a reference into a scalar is an undefined ref", "[compiler][types]") {
  CHECK(first_error("package t\nr if { x := 5; y := x[_] }") ==
        "rego_type_error: undefined ref: x[_]\n\tx[_]\n\t^\n\thave: number");
  CHECK(first_error("package t\nr if { x := {\"a\": 1}; x.b }") == "rego_type_error: undefined ref: x.b");
  CHECK(errors_of("package t\nr if { x := {\"a\": 1}; x.a }").empty());
}

TEST_CASE("user functions are typed from their definitions", "[compiler][types]") {
  CHECK(first_error("package t\nf(true) := \"a\"\nr if { f(1) }") ==
        "rego_type_error: data.t.f: invalid argument(s)\n\thave: (number)\n\twant: (boolean, string)");
}

TEST_CASE("as in OPA, expressions inside every bodies are not type-checked, their comprehensions are",
          "[compiler][types]") {
  CHECK(errors_of("package t\nr if { every x in [1] { x > 0; lower(5) == \"a\" } }").empty());
  CHECK(first_error("package t\nr if { every x in [1] { x > 0; y := [z | z := lower(5)] } }")
            .rfind("rego_type_error: lower:", 0) == 0);
}

TEST_CASE("keys taken from base documents or from paths no rule defines are of any type", "[compiler][types]") {
  CHECK(errors_of("package t\nr if { s := {n | data.inventory.cluster[\"v1\"][n]} & {\"a\"}; count(s) > 0 }").empty());
  CHECK(errors_of("package t\nq := 1\nr if { s := {n | data.t.nope[n]} | {\"a\"}; count(s) > 0 }").empty());
}

TEST_CASE("a function is not a value: a reference to it without a call is refused", "[compiler][types]") {
  CHECK(first_error("package t\nf(x) := x\nr if { x := f }") == "rego_type_error: undefined ref: data.t.f");
  CHECK(errors_of("package t\nf(x) := x\nr if { x := f(1) }").empty());
}

TEST_CASE("with may replace a function only by one of the same arity and argument types", "[compiler][types]") {
  CHECK(first_error("package t\nf(x) := x\nh(x, y) := 3\nr if { f(1) with f as h }") ==
        "rego_type_error: data.t.f: arity mismatch\n\thave: (any, any)\n\twant: (any)");
  CHECK(first_error("package t\nh(x, y) := 3\nr if { lower(\"a\") with lower as h }")
            .rfind("rego_type_error: lower: arity mismatch", 0) == 0);
  CHECK(errors_of("package t\nf(x) := x\ng(x) := 2\nr if { f(1) with f as g }").empty());
}

TEST_CASE("a default function is a function of any arguments", "[compiler][types]") {
  CHECK(errors_of("package t\ndefault f(_) := 1\nf(x) := 2 if { x > 1 }\nr := f(5)").empty());
  CHECK(errors_of("package t\ndefault f(_) := [1]\nf(x) := [x] if { x > 1 }\nr := f(5)[0]").empty());
}

TEST_CASE("a function one of whose definitions fails is untyped after it, as OPA merges in source order",
          "[compiler][types]") {
  // The failing definition puts any; merging the next function type into
  // any leaves no type, so the call finds no function (OPA's message too).
  auto errors = errors_of("package t\nf(x) := y if { y := lower(5) }\nf(x) := 1 if { true }\nr := f(1)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message.rfind("lower: invalid argument(s)", 0) == 0);
  CHECK(errors[1].message == "undefined function data.t.f");
  CHECK(errors_of("package t\nf(x) := 1 if { true }\nf(x) := y if { y := lower(5) }\nr := f(1)").size() == 1);
}
