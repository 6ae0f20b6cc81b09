// The public API: compile, prepare, run, evaluate_document.
#include "rules/rego/rego.h"

#include <thread>

#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;
using tollgate::value::Value;

TEST_CASE("compile reports parse errors with file and position", "[compiler]") {
  auto r = compile({{"bad.rego", "package t\np := {", RegoVersion::V1}});
  REQUIRE_FALSE(r.errors.empty());
  CHECK(r.policy == nullptr);
  CHECK(r.errors[0].code == "rego_parse_error");
  CHECK(r.errors[0].file == "bad.rego");
  CHECK(r.errors[0].loc.line >= 2);
}

TEST_CASE("result rows hold the query's named variables only", "[eval]") {
  auto o = run({}, "x := [1, 2][_]; y := x + 1; _ = y; [z, _] := [x, 0]");
  REQUIRE(o.ok());
  REQUIRE(o.result.rows.size() == 2);
  CHECK(o.result.rows[0].size() == 3);
  CHECK(o.result.rows[0].count("x") == 1);
  CHECK(o.result.rows[0].count("y") == 1);
  CHECK(o.result.rows[0].count("z") == 1);
  CHECK(o.result.rows[0].count("_") == 0);
}

TEST_CASE("a query that cannot be compiled returns errors and no query", "[compiler]") {
  auto empty = compile({});
  REQUIRE(empty.policy);
  auto p = PreparedQuery::prepare(empty.policy, "x > 1");
  CHECK(p.query == nullptr);
  REQUIRE_FALSE(p.errors.empty());
  CHECK(p.errors[0].code == "rego_unsafe_var_error");
  CHECK(PreparedQuery::prepare(empty.policy, "x := ").errors.at(0).code == "rego_parse_error");
}

TEST_CASE("an evaluation error aborts the query and drops its rows", "[eval]") {
  auto o = run({"package t\np := 1\np := 2"}, "x := [1, 2][_]; y := data.t.p");
  CHECK(o.result.rows.empty());
  REQUIRE(o.result.error);
  CHECK(o.result.error->code == "eval_conflict_error");
}

TEST_CASE("module_package names each module's package in order", "[compiler]") {
  auto r = compile({{"a.rego", "package a.b\np := 1", RegoVersion::V1}, {"c.rego", "package c\nq := 1", RegoVersion::V1}});
  REQUIRE(r.policy);
  CHECK(module_package(*r.policy, 0) == std::vector<std::string>{"a", "b"});
  CHECK(module_package(*r.policy, 1) == std::vector<std::string>{"c"});
}

TEST_CASE("one compiled policy serves concurrent queries", "[eval]") {
  auto compiled = compile({{"t.rego", R"(package t
violation contains msg if {
  some c in input.containers
  not startswith(c.image, "registry.local/")
  msg := sprintf("container <%v> uses %v", [c.name, c.image])
})",
                            RegoVersion::V1}});
  REQUIRE(compiled.policy);
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        QueryOptions o;
        std::string image = "img" + std::to_string(t) + "-" + std::to_string(i);
        o.input = json(R"({"containers": [{"name": "c", "image": ")" + image + R"("}]})");
        auto r = evaluate_document(*compiled.policy, {"t", "violation"}, o);
        if (r.value && r.value->size() == 1 &&
            r.value->items()[0].as_string() == "container <c> uses " + image) {
          ++good[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == std::vector<int>{200, 200, 200, 200});
}
