// Rule kinds: complete, partial set, partial object, functions, default,
// else, conflicts, ref heads (rego-notes.md §5 "Rule kinds").
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("complete rules: value, true by default, undefined without a solution", "[eval]") {
  CHECK(eval_p("package test\np := 7") == "7");
  CHECK(eval_p("package test\np if { 1 > 0 }") == "true");
  CHECK(eval_p("package test\np if { 1 < 0 }") == "undefined");
  CHECK(eval_p("package test\np := x if { x := input.v }", [] {
          QueryOptions o;
          o.input = json(R"({"v": [1]})");
          return o;
        }()) == "[1]");
}

TEST_CASE("complete rules with different values conflict, equal values do not", "[eval]") {
  CHECK(eval_p("package test\np := 1\np := 1 if { true }") == "1");
  CHECK(eval_p("package test\np := 1\np := 2 if { true }") ==
        "error: eval_conflict_error: complete rules must not produce multiple outputs");
  CHECK(eval_p("package test\np := x if { x := [1, 2][_] }") ==
        "error: eval_conflict_error: complete rules must not produce multiple outputs");
  CHECK(eval_p("package test\nxs := {1, 2}\np := xs[_]") ==
        "error: eval_conflict_error: complete rules must not produce multiple outputs");
  CHECK(eval_p("package test\np := 1 if { [1, 2][_] }") == "1");
}

TEST_CASE("conflict errors name the rule's location", "[eval]") {
  auto o = run({"package test\n\np := 1\np := 2"}, "data.test.p = x");
  REQUIRE(o.result.error);
  CHECK(o.result.error->file == "m0.rego");
  CHECK(o.result.error->loc.line >= 3);
}

TEST_CASE("default applies only when no definition succeeds", "[eval]") {
  CHECK(eval_p("package test\ndefault p := false\np if { input.x == 1 }") == "false");
  QueryOptions o;
  o.input = json(R"({"x": 1})");
  CHECK(eval_p("package test\ndefault p := false\np if { input.x == 1 }", o) == "true");
  CHECK(eval_p("package test\ndefault p := [x | x := [1, 2][_]]\np := 1 if false") == "[1,2]");
  CHECK(run({"package test\ndefault p := 1\ndefault p := 2"}, "data.test.p = x").error().find("multiple default rules") !=
        std::string::npos);
}

TEST_CASE("else chains give the value of the first clause whose body succeeds", "[eval]") {
  std::string m = R"(package test
p := "a" if { input.x == 1 } else := "b" if { input.x == 2 } else := "c"
f(x) := "one" if { x == 1 } else := "other")";
  QueryOptions two;
  two.input = json(R"({"x": 2})");
  CHECK(eval_p(m, two) == "\"b\"");
  QueryOptions none;
  none.input = json("{}");
  CHECK(eval_p(m, none) == "\"c\"");
  CHECK(run({m}, "x := data.test.f(1); y := data.test.f(5)").json("y") == "\"other\"");
  // v0 `} else = v {` form.
  CHECK(eval_p("package test\np = 1 { false } else = 2 { true }", {}, RegoVersion::V0) == "2");
  CHECK(eval_p("package test\np = 1 { false } else { true }", {}, RegoVersion::V0) == "true");
}

TEST_CASE("else applies when the clause before it succeeds with an undefined value", "[eval]") {
  // OPA moves the head's value into the body: undefined there fails the body.
  CHECK(eval_p("package test\np := input.nope if { true } else := \"e\"") == "\"e\"");
  CHECK(eval_p("package test\np := input.nope.x if { true } else := input.also_nope if { true } else := 3") == "3");
  std::string f = "package test\nf(x) := x.nope if { true } else := \"e\"\n";
  CHECK(run({f}, "y := data.test.f({})").json("y") == "\"e\"");
  CHECK(run({f}, "y := data.test.f({\"nope\": 1})").json("y") == "1");
}

TEST_CASE("partial sets collect every member, and are empty (defined) without any", "[eval]") {
  CHECK(eval_p("package test\np contains x if { x := [3, 1, 3][_] }\np contains \"s\"") == R"([1,3,"s"])");
  CHECK(eval_p("package test\np contains x if { x := input.none[_] }") == "[]");
  // v0 head `p[x]` is a partial set.
  CHECK(eval_p("package test\np[x] { x := [1, 2][_] }", {}, RegoVersion::V0) == "[1,2]");
  CHECK(eval_p("package test\np[\"literal\"] { true }", {}, RegoVersion::V0) == R"(["literal"])");
}

TEST_CASE("partial objects build objects, one key with two values conflicts", "[eval]") {
  CHECK(eval_p("package test\np[k] := v if { v := [\"a\", \"b\"][k] }") == R"({"0":"a","1":"b"})");
  CHECK(eval_p("package test\np[k] = v { v := [\"a\", \"b\"][k] }", {}, RegoVersion::V0) == R"({"0":"a","1":"b"})");
  CHECK(eval_p("package test\np[k] := 1 if { k := input.none[_] }") == "{}");
  CHECK(eval_p("package test\np[\"k\"] := v if { v := [1, 2][_] }").find("eval_conflict_error") != std::string::npos);
  CHECK(eval_p("package test\np[k] := v if { k := \"k\"; v := [1, 2][_] }") ==
        "error: eval_conflict_error: object keys must be unique");
  CHECK(eval_p("package test\np[x] if { x := [1, 2][_] }") == R"({"1":true,"2":true})");
}

TEST_CASE("ref heads place rules at nested paths and merge them", "[eval]") {
  CHECK(eval_p("package test\na.b.c := 1\na.b.d := 2", {}, RegoVersion::V1, "a") == R"({"b":{"c":1,"d":2}})");
  CHECK(eval_p("package test\np[q].r := i if { q := [\"a\", \"b\"][i] }") == R"({"a":{"r":0},"b":{"r":1}})");
  CHECK(eval_p("package test\np[q].r := i if { q := [\"a\", \"b\"][i] }\np.a.r := 0") == R"({"a":{"r":0},"b":{"r":1}})");
  CHECK(eval_p("package test\np[q].r := i if { q := [\"a\", \"b\"][i] }\np.a.r := 42").find("eval_conflict_error") !=
        std::string::npos);
  CHECK(eval_p("package test\np[q] contains r if { some q in [\"a\"]; some r in [1, 2] }\np.a contains 3") ==
        R"({"a":[1,2,3]})");
  CHECK(run({"package test\np.q[r].s := 1 if r := \"foo\"\np.q[r].s := 2 if r := \"bar\""}, "data.test.p.q[i].s = x")
            .result.rows.size() == 2);
}

TEST_CASE("functions: patterns, several definitions, output argument, conflicts", "[eval]") {
  std::string m = R"(package test
mem("Ki") := 1024
mem("Mi") := 1048576
mem(x) := 1 if { x == "" }
first([a, _]) := a
double(x) := y if { y := x * 2 }
f(x) := 1 if { x > 0 }
f(x) := 2 if { x > 5 }
g(x) := true if { x == 1 }
g(x) := true if { x >= 1 })";
  CHECK(run({m}, "x := data.test.mem(\"Mi\")").json("x") == "1048576");
  CHECK(run({m}, "x := data.test.mem(\"\")").json("x") == "1");
  CHECK(run({m}, "x := data.test.mem(\"Gi\")").undefined());
  CHECK(run({m}, "x := data.test.first([\"p\", \"q\"])").json("x") == "\"p\"");
  CHECK(run({m}, "x := data.test.first(\"not an array\")").undefined());
  CHECK(run({m}, "data.test.double(4, x)").json("x") == "8");
  CHECK(run({m}, "x := data.test.f(3)").json("x") == "1");
  CHECK(run({m}, "x := data.test.f(7)").error() ==
        "eval_conflict_error: functions must not produce multiple outputs for same inputs");
  CHECK(run({m}, "x := data.test.g(1)").json("x") == "true");
}

TEST_CASE("functions are not part of their package's value", "[eval]") {
  CHECK(run({"package test\nf(x) := x\np := 1\nfoo[\"bar\"](x) := x + 1"}, "x := data.test").json("x") ==
        R"({"foo":{},"p":1})");
}

TEST_CASE("v0 rules as the gatekeeper library writes them", "[eval]") {
  std::string m = R"(package k8s
violation[{"msg": msg, "details": {"missing": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("you must provide labels: %v", [missing])
}
has_label(obj, l) { obj.metadata.labels[l] }
default allow = false
allow = true { not violation[_] })";
  QueryOptions o;
  o.input = json(R"({"review": {"object": {"metadata": {"labels": {"app": "x"}}}}, "parameters": {"labels": ["app", "owner"]}})");
  auto r = run({m}, "x := data.k8s.violation", o, std::nullopt);
  REQUIRE(r.ok());
  CHECK(r.json("x") == R"([{"details":{"missing":["owner"]},"msg":"you must provide labels: {\"owner\"}"}])");
  CHECK(run({m}, "x := data.k8s.allow", o, std::nullopt).json("x") == "false");
}

TEST_CASE("rules are evaluated once per query", "[eval]") {
  // rand.intn is memoised per call too, but the rule is evaluated only once: both reads agree.
  std::string m = "package test\nr := rand.intn(\"k\", 1000000)\np := [r, r]";
  std::string v = eval_p(m);
  REQUIRE(v.size() > 2);
  auto comma = v.find(',');
  CHECK(v.substr(1, comma - 1) == v.substr(comma + 1, v.size() - comma - 2));
}
