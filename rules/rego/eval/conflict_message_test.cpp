// A conflict error names what OPA names: the definition (or else clause)
// OPA evaluates second, in the order of its rule index, and the kind of
// document in conflict. `opa eval` prints these as `file:line: code: message`.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

namespace {

using tollgate::rego::QueryOptions;
using tollgate::rego::testing::json;
using tollgate::rego::testing::run;

std::string conflict_at(const std::string& module, const std::string& query, const std::string& input = "{}") {
  QueryOptions o;
  o.input = json(input);
  auto out = run({module}, query, o);
  if (!out.result.error) return "no error";
  return out.result.error->file + ":" + std::to_string(out.result.error->loc.line) + ": " + out.result.error->message;
}

}  // namespace

TEST_CASE("definitions the index does not look at are evaluated first, so the conflict names the other one",
          "[eval][conflict]") {
  // Line 2 compares input.a (indexed), line 3 tests nothing: OPA runs line 3
  // first and finds the conflict at line 2.
  const std::string m = "package test\np := 1 if { input.a == true }\np := 2 if { true }\n";
  CHECK(conflict_at(m, "x := data.test.p", R"({"a": true})") ==
        "m0.rego:2: complete rules must not produce multiple outputs");
  const std::string f = "package test\nf(x) := input.a if { true }\nf(x) := x if { true }\n";
  CHECK(conflict_at(f, "x := data.test.f(1)", R"({"a": 2})") ==
        "m0.rego:2: functions must not produce multiple outputs for same inputs");
}

TEST_CASE("a conflict in an else clause names the else clause", "[eval][conflict]") {
  const std::string m = "package test\nf(x) := 3 if { true }\nf(x) := 1 if { false }\nelse := 2\n";
  CHECK(conflict_at(m, "x := data.test.f(1)") ==
        "m0.rego:4: functions must not produce multiple outputs for same inputs");
}

TEST_CASE("a rule with a constant key inside an object with variable keys conflicts as an object key",
          "[eval][conflict]") {
  const std::string m = "package test\np[\"k\"] := v if { v := [1, 2][_] }\np[k] := 1 if { k := \"j\" }\n";
  CHECK(conflict_at(m, "x := data.test.p").find("object keys must be unique") != std::string::npos);
}

TEST_CASE("a comprehension's duplicate key names the rule's file", "[eval][conflict]") {
  const std::string m = "package test\np := {\"k\": v | v := [1, 2][_]}\n";
  CHECK(conflict_at(m, "x := data.test.p") == "m0.rego:2: object keys must be unique");
}

TEST_CASE("evaluation errors print as OPA prints them: file and line, no column", "[eval][conflict]") {
  auto out = run({"package test\np := 1 if { true }\np := 2 if { true }\n"}, "x := data.test.p");
  REQUIRE(out.result.error);
  CHECK(out.result.error->opa_text() == "m0.rego:3: eval_conflict_error: complete rules must not produce multiple outputs");
  tollgate::rego::Error no_file{"eval_type_error", "boom", "", {4, 7}};
  CHECK(no_file.opa_text() == "4:7: eval_type_error: boom");
}
