// `with` on input, data (base and virtual), functions and builtins
// (rego-notes.md §5 "with").
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("with input replaces input for the literal and what it calls, not for the rest", "[eval]") {
  std::string m = "package test\nv := input.x\np := [a, b] if { a := v with input as {\"x\": 1}; b := v }";
  QueryOptions o;
  o.input = json(R"({"x": 2})");
  CHECK(eval_p(m, o) == "[1,2]");
  CHECK(run({m}, "x := data.test.v with input as {\"x\": 5}").json("x") == "5");
}

TEST_CASE("with on an input path writes into a copy, creating objects as needed", "[eval]") {
  QueryOptions o;
  o.input = json(R"({"a": {"keep": 1}})");
  CHECK(run({}, "x := input with input.a.b as 2", o).json("x") == R"({"a":{"b":2,"keep":1}})");
  CHECK(run({}, "x := input with input.foo as \"x\" with input.foo.bar as \"y\"").json("x") == R"({"foo":{"bar":"y"}})");
  CHECK(run({}, "x := input", o).json("x") == R"({"a":{"keep":1}})");
}

TEST_CASE("with data replaces base documents and rules", "[eval]") {
  std::string m = "package test\nq := 1\nr := q + 1\ninv := data.inventory.ns";
  CHECK(run({m}, "x := data.test.r with data.test.q as 10").json("x") == "11");
  CHECK(run({m}, "x := data.test.inv with data.inventory as {\"ns\": [\"a\"]}").json("x") == R"(["a"])");
  CHECK(run({m}, "x := data.test with data.test.extra as true").json("x") == R"({"extra":true,"q":1,"r":2})");
  QueryOptions base;
  base.data = json(R"({"inventory": {"ns": ["base"]}})");
  CHECK(run({m}, "x := data.test.inv", base).json("x") == R"(["base"])");
  CHECK(run({m}, "x := [k | data.inventory[k]] with data.inventory.added as 1", base).json("x") == R"(["added","ns"])");
}

TEST_CASE("with replaces functions and builtins by values, functions or builtins", "[eval]") {
  std::string m = R"(package test
f(_) := 2
g(_) := 1
h(x) := count(x)
mock_count(x) := 100
uses_count := count([1, 2, 3])
uses_f := f(0))";
  CHECK(run({m}, "x := data.test.f(true) with data.test.f as 1").json("x") == "1");
  CHECK(run({m}, "x := data.test.f(true) with data.test.f as data.test.g").json("x") == "1");
  CHECK(run({m}, "x := data.test.f([1]) with data.test.f as count").json("x") == "1");
  CHECK(run({m}, "x := data.test.uses_count with count as data.test.mock_count").json("x") == "100");
  CHECK(run({m}, "x := data.test.uses_f with data.test.f as 7").json("x") == "7");
  // A replacement function runs without the replacements: h calls the real count.
  CHECK(run({m}, "x := data.test.uses_count with count as data.test.h").json("x") == "3");
  CHECK(run({m}, "x := data.test.uses_count").json("x") == "3");
}

TEST_CASE("with applies to the negated expression under not", "[eval]") {
  std::string m = "package test\nloop := input\np if { not loop with input as false; loop with input as true }";
  CHECK(eval_p(m) == "true");
}

TEST_CASE("refused builtins can be replaced by a mock", "[eval]") {
  std::string m = R"(package test
mock(req) := {"body": {"ok": true}}
p := http.send({"method": "GET", "url": "x"}).body.ok)";
  auto r = run({m}, "x := data.test.p with http.send as data.test.mock");
  if (r.compile_errors.empty()) CHECK(r.json("x") == "true");
}

TEST_CASE("Gatekeeper's hook evaluates a template once per constraint with input replaced", "[eval]") {
  std::string hook = R"(package hooks
violation contains result if {
  some key in input.constraints
  r := data.template.violation[_] with input as {"review": input.review, "parameters": data.constraints[key.kind][key.name]}
  result := {"key": key, "details": object.get(r, "details", {}), "msg": r.msg}
})";
  std::string tmpl = R"(package template
violation[{"msg": msg}] {
  not input.review.object.metadata.labels[input.parameters.label]
  msg := sprintf("missing label %v", [input.parameters.label])
})";
  auto compiled = compile({{"hook.rego", hook, RegoVersion::V1}, {"t.rego", tmpl, std::nullopt}});
  REQUIRE(compiled.errors.empty());
  auto q = PreparedQuery::prepare(compiled.policy, "data.hooks.violation[result]");
  REQUIRE(q.query);
  QueryOptions o;
  o.input = json(R"({"review": {"object": {"metadata": {"labels": {"app": "x"}}}},
                    "constraints": [{"kind": "K", "name": "a"}, {"kind": "K", "name": "b"}]})");
  o.data = json(R"({"constraints": {"K": {"a": {"label": "app"}, "b": {"label": "owner"}}}})");
  auto r = q.query->run(o);
  REQUIRE_FALSE(r.error);
  REQUIRE(r.rows.size() == 1);
  CHECK(tollgate::value::to_json(r.rows[0].at("result")) ==
        R"({"details":{},"key":{"kind":"K","name":"b"},"msg":"missing label owner"})");
}
