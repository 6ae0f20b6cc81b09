#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("rules that depend on themselves are rego_recursion_error", "[compiler]") {
  auto direct = compile({{"r.rego", "package test\np if { p }", RegoVersion::V1}}).errors;
  REQUIRE(direct.size() == 1);
  CHECK(direct[0].code == "rego_recursion_error");
  CHECK(direct[0].message.find("data.test.p") != std::string::npos);
  auto indirect =
      compile({{"r.rego", "package test\np if { q }\nq if { f(1) }\nf(x) if { p }", RegoVersion::V1}}).errors;
  REQUIRE_FALSE(indirect.empty());
  CHECK(indirect[0].code == "rego_recursion_error");
  CHECK(compile({{"r.rego", "package test\np if { q }\nq := 1", RegoVersion::V1}}).errors.empty());
}

TEST_CASE("recursion through a dynamic data reference is caught when evaluated", "[compiler]") {
  auto o = run({"package test\np := data.test[k] if k := \"p\""}, "x := data.test.p");
  REQUIRE(o.result.error);
  CHECK(o.result.error->code == "rego_recursion_error");
}
