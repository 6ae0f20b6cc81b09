// Compile-time checks that are not about safety: declarations, types and
// arity against the builtin registry, v1 restrictions, Gatekeeper options.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

namespace {

std::vector<Error> compile_errors(const std::string& module, std::optional<RegoVersion> version = RegoVersion::V1,
                                  CompileOptions options = {}) {
  return compile({{"policy.rego", module, version}}, options).errors;
}

std::string first_error(const std::string& module, std::optional<RegoVersion> version = RegoVersion::V1,
                        CompileOptions options = {}) {
  auto errors = compile_errors(module, version, options);
  return errors.empty() ? "" : errors[0].code + ": " + errors[0].message;
}

}  // namespace

TEST_CASE(":= declares once per scope, function arguments included", "[compiler]") {
  CHECK(first_error("package test\np if { x := 1; x := 2 }") == "rego_compile_error: var x assigned above");
  CHECK(first_error("package test\nf(x) := y if { x := 1; y := x }") == "rego_compile_error: var x assigned above");
  CHECK(first_error("package test\np if { x = 1; x := 2 }") == "rego_compile_error: var x referenced above");
  // A comprehension is a scope of its own.
  CHECK(first_error("package test\np if { x := 1; y := [x | x := 2] }").empty());
}

TEST_CASE("calls must name a function and match its arity", "[compiler]") {
  CHECK(first_error("package test\np if { nope(1) }") == "rego_type_error: undefined function nope");
  CHECK(first_error("package test\np if { count(1, 2, 3) }").rfind("rego_type_error: count: arity mismatch", 0) == 0);
  CHECK(first_error("package test\nf(x) := x\np if { f(1, 2, 3) }").rfind("rego_type_error:", 0) == 0);
  CHECK(first_error("package test\np if { data.test.missing(1) }") == "rego_type_error: undefined function data.test.missing");
}

TEST_CASE("deprecated builtins are rejected in v1 modules and accepted in v0", "[compiler]") {
  CHECK(first_error("package test\np if { re_match(\"a\", \"a\") }") == "rego_type_error: undefined function re_match");
  CHECK(first_error("package test\np { re_match(\"a\", \"a\") }", RegoVersion::V0).empty());
  CHECK(eval_p("package test\np { any([false, true]) }", {}, RegoVersion::V0) == "true");
}

TEST_CASE("rules of one path must be of one kind", "[compiler]") {
  CHECK(first_error("package test\np := 1\np contains 2").find("conflicting rules data.test.p") != std::string::npos);
  CHECK(first_error("package test\nf(x) := 1\nf(x, y) := 2").find("conflicting rules data.test.f") != std::string::npos);
}

TEST_CASE("print calls are stripped unless printing is enabled", "[compiler]") {
  CHECK(eval_p("package test\np if { print(\"x\") }") == "true");
  CompileOptions keep;
  keep.strip_print = false;
  CHECK(compile_errors("package test\np if { print(\"x\", 1) }", RegoVersion::V1, keep).empty());
}

TEST_CASE("allowed_data_roots restricts data references to the compiled packages and the allowed roots", "[compiler]") {
  CompileOptions gk;
  gk.allowed_data_roots = {"inventory"};
  CHECK(compile_errors("package lib.x\np := data.inventory.cluster\nq := data.lib.x.p", RegoVersion::V1, gk).empty());
  auto errors = compile_errors("package t\np := data.secrets.key", RegoVersion::V1, gk);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "rego_compile_error");
  CHECK(errors[0].message.find("data.secrets") != std::string::npos);
  CHECK_FALSE(compile_errors("package t\np := data[x] if x := \"inventory\"", RegoVersion::V1, gk).empty());
}

TEST_CASE("Gatekeeper's parse rule: v1 first, then v0", "[compiler]") {
  CHECK(compile_errors("package t\nviolation[{\"msg\": \"m\"}] { true }", std::nullopt).empty());
  CHECK(compile_errors("package t\nviolation contains {\"msg\": \"m\"} if { true }", std::nullopt).empty());
}
