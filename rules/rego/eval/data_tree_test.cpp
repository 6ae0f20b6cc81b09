// The data document: packages, base documents merged with rules, and
// iteration over both (rego-notes.md §5 "Documents, packages, imports").
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("a package is an object of its defined rules", "[eval]") {
  std::string a = "package a.b\np := 1\nq if { false }\ns contains 1";
  std::string c = "package a.c\nr := \"r\"";
  CHECK(run({a, c}, "x := data.a").json("x") == R"({"b":{"p":1,"s":[1]},"c":{"r":"r"}})");
  CHECK(run({a, c}, "x := data.a.b.q").undefined());
}

TEST_CASE("base documents merge with the rule tree", "[eval]") {
  QueryOptions o;
  o.data = json(R"({"a": {"base": [1, 2]}, "inventory": {"x": 1}})");
  std::string m = "package a.b\np := 1";
  CHECK(run({m}, "x := data.a", o).json("x") == R"({"b":{"p":1},"base":[1,2]})");
  CHECK(run({m}, "x := data.a.base[1]", o).json("x") == "2");
  CHECK(run({m}, "x := data.inventory.x", o).json("x") == "1");
  CHECK(run({m}, "x := data.inventory.y", o).undefined());
}

TEST_CASE("variables iterate over packages, rule names and base keys", "[eval]") {
  QueryOptions o;
  o.data = json(R"({"pkgs": {"base": {"allow": "b"}}})");
  std::string m1 = "package pkgs.one\nallow := 1\nf(x) := x";
  std::string m2 = "package pkgs.two\nallow := 2\nundefined_rule if false";
  auto r = run({m1, m2}, "data.pkgs[p].allow = v", o);
  REQUIRE(r.ok());
  REQUIRE(r.result.rows.size() == 3);
  CHECK(r.result.rows[0].at("p") == json("\"base\""));
  CHECK(r.result.rows[1].at("v") == json("1"));
  CHECK(r.result.rows[2].at("v") == json("2"));
  // Functions and undefined rules are skipped.
  auto names = run({m1, m2}, "data.pkgs.two[name]");
  REQUIRE(names.result.rows.size() == 1);
  CHECK(names.result.rows[0].at("name") == json("\"allow\""));
}

TEST_CASE("a rule refers to rules of its own package by bare name and through imports", "[eval]") {
  std::string lib = "package lib.helpers\nprefix := \"p-\"\nname(x) := concat(\"\", [prefix, x])";
  std::string main = R"(package main
import data.lib.helpers
import data.lib.helpers.name as nm
import input.review
p := [helpers.name("a"), nm("b"), review.kind])";
  QueryOptions o;
  o.input = json(R"({"review": {"kind": "Pod"}})");
  CHECK(run({lib, main}, "x := data.main.p", o).json("x") == R"(["p-a","p-b","Pod"])");
}

TEST_CASE("evaluate_document reads rules, packages and base data without a query", "[eval]") {
  auto compiled = compile({{"t.rego", "package t\nviolation contains {\"msg\": input.m} if input.m\nf(x) := x", RegoVersion::V1}});
  REQUIRE(compiled.errors.empty());
  QueryOptions o;
  o.input = json(R"({"m": "bad"})");
  o.data = json(R"({"inventory": {"a": 1}})");
  auto v = evaluate_document(*compiled.policy, {"t", "violation"}, o);
  REQUIRE(v.value);
  CHECK(tollgate::value::to_json(*v.value) == R"([{"msg":"bad"}])");
  CHECK(tollgate::value::to_json(*evaluate_document(*compiled.policy, {"t"}, o).value) ==
        R"({"violation":[{"msg":"bad"}]})");
  CHECK(evaluate_document(*compiled.policy, {"inventory", "a"}, o).value == json("1"));
  CHECK_FALSE(evaluate_document(*compiled.policy, {"t", "f"}, o).value);
  CHECK_FALSE(evaluate_document(*compiled.policy, {"t", "nothing"}, o).value);
}
