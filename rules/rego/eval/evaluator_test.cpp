// Expressions, references, unification, negation, some/every/in and
// comprehensions (rego-notes.md §5).
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

namespace {

QueryOptions with_input(const std::string& input_json) {
  QueryOptions o;
  o.input = json(input_json);
  return o;
}

}  // namespace

TEST_CASE("a query is a conjunction that backtracks over every solution", "[eval]") {
  auto o = run({}, "x = [1, 2, 3][_]; x > 1");
  REQUIRE(o.ok());
  REQUIRE(o.result.rows.size() == 2);
  CHECK(o.result.rows[0].at("x") == json("2"));
  CHECK(o.result.rows[1].at("x") == json("3"));
}

TEST_CASE("an expression that is false or undefined fails, other values succeed", "[eval]") {
  CHECK(run({}, "false").undefined());
  CHECK(run({}, "input.missing").undefined());
  CHECK(run({}, "x := false").json("x") == "false");
  CHECK(run({}, "0; \"\"; []; x := 1").json("x") == "1");
}

TEST_CASE("refs with unbound variables iterate arrays, objects and sets", "[eval]") {
  auto items = run({}, "input.a[i] = v", with_input(R"({"a": ["x", "y"]})"));
  REQUIRE(items.result.rows.size() == 2);
  CHECK(items.result.rows[1].at("i") == json("1"));
  CHECK(items.result.rows[1].at("v") == json("\"y\""));
  auto keys = run({}, "input.o[k] = v", with_input(R"({"o": {"a": 1, "b": 2}})"));
  REQUIRE(keys.result.rows.size() == 2);
  CHECK(keys.result.rows[0].at("k") == json("\"a\""));
  auto members = run({}, "{3, 1, 2}[m]");
  REQUIRE(members.result.rows.size() == 3);
  CHECK(members.result.rows[0].at("m") == json("1"));
}

TEST_CASE("missing keys, bad indexes and indexing scalars are undefined, not errors", "[eval]") {
  auto in = with_input(R"({"a": [1, 2], "s": "str", "o": {"k": 1}})");
  CHECK(run({}, "x := input.a[5]", in).undefined());
  CHECK(run({}, "x := input.a[-1]", in).undefined());
  CHECK(run({}, "x := input.a[\"0\"]", in).undefined());
  CHECK(run({}, "x := input.a[1.5]", in).undefined());
  CHECK(run({}, "x := input.a[1.0]", in).undefined());  // OPA indexes with Number.Int(): "1.0" is none
  CHECK(run({}, "x := input.s.field", in).undefined());
  CHECK(run({}, "x := input.o.k.deeper", in).undefined());
  CHECK(run({}, "x := input.a[1]", in).json("x") == "2");
}

TEST_CASE("unification binds either side, through arrays and objects", "[eval]") {
  CHECK(run({}, "[x, 2] = [1, y]").json("x") == "1");
  CHECK(run({}, "[x, 2] = [1, y]").json("y") == "2");
  CHECK(run({}, "{\"a\": x} = {\"a\": [1]}").json("x") == "[1]");
  CHECK(run({}, "[x, y] = [1]").undefined());
  CHECK(run({}, "{\"a\": x} = {\"a\": 1, \"b\": 2}").undefined());
  CHECK(run({}, "[x, x] = [1, 2]").undefined());
  CHECK(run({}, "[x, x] = [1, 1]").json("x") == "1");
  CHECK(run({}, "1 = 1.0; [1] = [1.0]; {1: \"a\"} = {1.0: \"a\"}; x := true").json("x") == "true");
  // A pattern unified with iterated values filters them.
  auto o = run({}, "[\"b\", v] = input.pairs[_]", with_input(R"({"pairs": [["a", 1], ["b", 2], ["b", 3]]})"));
  REQUIRE(o.result.rows.size() == 2);
  CHECK(o.result.rows[1].at("v") == json("3"));
}

TEST_CASE("a composite key in a ref is a pattern matched against the collection", "[eval]") {
  auto set = run({}, "s := {{\"msg\": \"one\", \"field\": \"c\"}, {\"msg\": \"two\", \"field\": \"d\"}}; s[{\"msg\": m, \"field\": \"c\"}]");
  CHECK(set.json("m") == "\"one\"");
}

TEST_CASE("== compares, and a variable on its left may be bound by a ref on its right", "[eval]") {
  CHECK(run({}, "x := 1; x == 1.0").json("x") == "1");
  auto o = run({}, "some foo; foo == input.foos[foo]", with_input(R"({"foos": [2, 1, 0]})"));
  CHECK(o.json("foo") == "1");
}

TEST_CASE("comparisons follow the total order across types and never fail", "[eval]") {
  CHECK(run({}, "x := [null < false, false < true, true < 0, 1 < \"a\", \"a\" < [], [] < {}, {} < set()]").json("x") ==
        "[true,true,true,true,true,true,true]");
  CHECK(run({}, "x := [[1, 2] < [1, 3], [1] < [1, 0], \"B\" < \"a\"]").json("x") == "[true,true,true]");
}

TEST_CASE("not succeeds when its expression has no solution and binds nothing", "[eval]") {
  auto in = with_input(R"({"labels": {"a": "1"}, "flag": false, "review": {"oldObject": null}})");
  CHECK(run({}, "not input.labels.b; x := 1", in).json("x") == "1");
  CHECK(run({}, "not input.labels.a; x := 1", in).undefined());
  CHECK(run({}, "not input.flag; x := 1", in).json("x") == "1");
  // null is a value, not false: `not` of it fails (Gatekeeper CREATE requests).
  CHECK(run({}, "not input.review.oldObject; x := 1", in).undefined());
  CHECK(run({}, "not input.labels[_] == \"1\"; x := 1", in).undefined());
  CHECK(run({}, "not input.labels[_] == \"2\"; x := 1", in).json("x") == "1");
}

TEST_CASE("some declarations make names local even where a rule has that name", "[eval]") {
  std::string m = R"(package test
x := 100
p contains x if {
  some x
  [1, 2][x]
}
q := x + 1)";
  CHECK(eval_p(m) == "[0,1]");
  CHECK(eval_p(m, {}, RegoVersion::V1, "q") == "101");
}

TEST_CASE("some ... in iterates values, keys and values, and filters with patterns", "[eval]") {
  CHECK(run({}, "xs := [v | some v in [\"a\", \"b\"]]").json("xs") == R"(["a","b"])");
  CHECK(run({}, "xs := [[k, v] | some k, v in {\"x\": 1, \"y\": 2}]").json("xs") == R"([["x",1],["y",2]])");
  CHECK(run({}, "xs := [[k, v] | some k, v in {\"s\"}]").json("xs") == R"([["s","s"]])");
  CHECK(run({}, "xs := [x | some {\"n\": x} in [{\"n\": 1}, {\"m\": 2}, {\"n\": 3}]]").json("xs") == "[1,3]");
  CHECK(run({}, "xs := [x | some [x, \"keep\"] in [[1, \"keep\"], [2, \"drop\"]]]").json("xs") == "[1]");
  CHECK(run({}, "xs := [x | some x in 42]").json("xs") == "[]");
}

TEST_CASE("in is a boolean membership test, false when absent", "[eval]") {
  CHECK(run({}, "x := 2 in [1, 2]").json("x") == "true");
  CHECK(run({}, "x := 3 in [1, 2]").json("x") == "false");
  CHECK(run({}, "x := \"k\" in {\"k\": 1}").json("x") == "false");
  CHECK(run({}, "x := 1 in {\"k\": 1}").json("x") == "true");
  CHECK(run({}, "x := \"k\", 1 in {\"k\": 1}").json("x") == "true");
  CHECK(run({}, "x := 1 in \"not a collection\"").json("x") == "false");
}

TEST_CASE("every holds for all elements, vacuously on empty collections", "[eval]") {
  CHECK(run({}, "every x in [1, 2] { x > 0 }; y := 1").json("y") == "1");
  CHECK(run({}, "every x in [1, -2] { x > 0 }; y := 1").undefined());
  CHECK(run({}, "every x in [] { x > 0 }; y := 1").json("y") == "1");
  CHECK(run({}, "every k, v in {\"a\": \"a\"} { k == v }; y := 1").json("y") == "1");
  CHECK(run({}, "every x in input.none { x > 0 }; y := 1").undefined());
  CHECK(run({}, "every x in 5 { x > 0 }; y := 1").undefined());
  // Nothing bound inside leaks out, and outer variables are visible inside.
  CHECK(run({}, "lim := 3; every x in [1, 2] { z := x; z < lim }; y := lim").json("y") == "3");
}

TEST_CASE("comprehensions collect every solution and capture outer variables", "[eval]") {
  auto in = with_input(R"({"labels": {"a": "1", "b": "2"}, "params": {"labels": [{"key": "a"}, {"key": "c"}]}})");
  auto o = run({}, R"(provided := {l | input.labels[l]}
required := {l | l := input.params.labels[_].key}
missing := required - provided)",
               in);
  // Set difference comes from the builtin `minus`.
  if (o.ok()) CHECK(o.json("missing") == R"(["c"])");
  CHECK(run({}, "xs := [x | x := [3, 1, 3][_]]").json("xs") == "[3,1,3]");
  CHECK(run({}, "xs := {x | x := [3, 1, 3][_]}").json("xs") == "[1,3]");
  CHECK(run({}, "xs := {k: v | v := [\"a\", \"b\"][k]}").json("xs") == R"({"0":"a","1":"b"})");
  CHECK(run({}, "xs := [x | x := input.none[_]]").json("xs") == "[]");
  CHECK(run({}, "n := 2; xs := [x | x := [1, 2, 3][_]; x >= n]").json("xs") == "[2,3]");
  // The outer binding may come later in the body: the comprehension is reordered after it.
  CHECK(run({}, "xs := [x | x := [1, 2, 3][_]; x >= n]; n = 3").json("xs") == "[3]");
  // A name the body declares with := later is not the comprehension's: there it is unbound.
  CHECK(run({}, "xs := [x | x := [1, 2, 3][_]; x >= n]; n := 3").error() == "rego_unsafe_var_error: var n is unsafe");
}

TEST_CASE("object comprehensions with one key and two values are a conflict", "[eval]") {
  auto o = run({}, "xs := {\"k\": v | v := [1, 2][_]}");
  CHECK(o.error() == "eval_conflict_error: object keys must be unique");
}

TEST_CASE("calls take an extra argument that receives the output", "[eval]") {
  CHECK(run({}, "count([1, 2], n)").json("n") == "2");
  CHECK(run({}, "count([1, 2], 2); x := 1").json("x") == "1");
  CHECK(run({}, "count([1, 2], 3); x := 1").undefined());
}

TEST_CASE("a variable unified with a ref that iterates over it keeps only the entries that equal their key", "[eval]") {
  // x is bound by the ref's key first, then compared with the entry's value.
  std::string module = "package test\np contains x if { x = input.a[x] }\nq contains x if { x := input.a[_] }\n";
  QueryOptions options = with_input(R"({"a": {"j": "z", "k": "k", "m": "m"}})");
  CHECK(eval_p(module, options) == R"(["k","m"])");
  auto q = run({module}, "x := data.test.q", options);
  CHECK(q.json("x") == R"(["k","m","z"])");
}
