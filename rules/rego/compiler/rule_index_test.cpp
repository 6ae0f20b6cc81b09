#include <catch2/catch.hpp>

#include "rules/rego/compiler/compiled_policy.h"
#include "rules/rego/compiler/rule_index.h"
#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;
using tollgate::value::Value;

TEST_CASE("functions are indexed by a constant first argument", "[compiler]") {
  std::string m = R"(package test
mem("K") := 1000
mem("M") := 1000000
mem(x) := 7 if { x == "M" }
mem("G") := 1000000000)";
  auto compiled = compile({{"m.rego", m, RegoVersion::V1}});
  REQUIRE(compiled.errors.empty());
  const auto* node = compiled.policy->node_at({Value::string("test"), Value::string("mem")});
  REQUIRE(node);
  REQUIRE(node->group);
  CHECK(node->group->indexed);
  std::vector<uint32_t> candidates;
  compiler::index_candidates(*node->group, Value::string("M"), candidates);
  CHECK(candidates == std::vector<uint32_t>{1, 2});
  compiler::index_candidates(*node->group, Value::string("X"), candidates);
  CHECK(candidates == std::vector<uint32_t>{2});
  // Indexing changes nothing a user sees: the unindexed definition still conflicts.
  CHECK(run({m}, "x := data.test.mem(\"G\")").json("x") == "1000000000");
  CHECK(run({m}, "x := data.test.mem(\"M\")").error().find("eval_conflict_error") != std::string::npos);
}

TEST_CASE("definitions with a constant value stop at their first solution", "[compiler]") {
  auto compiled = compile({{"m.rego", "package test\np if { input.xs[_] > 0 }\nq := x if { x := 1 }", RegoVersion::V1}});
  REQUIRE(compiled.errors.empty());
  const auto* p = compiled.policy->node_at({Value::string("test"), Value::string("p")});
  REQUIRE(p->group->defs[0].constant_value);
  CHECK(*p->group->defs[0].constant_value == Value::boolean(true));
  const auto* q = compiled.policy->node_at({Value::string("test"), Value::string("q")});
  CHECK_FALSE(q->group->defs[0].constant_value);
}
