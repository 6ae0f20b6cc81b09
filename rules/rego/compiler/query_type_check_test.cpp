// A query is type-checked as OPA's query compiler does (its checkTypes
// stage): builtin argument types, references into scalars, the types of the
// policy's rules, with OPA's messages.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;

namespace {

std::string query_error(const std::string& query, const std::string& module = "package t\nn := 5\n") {
  auto compiled = compile({{"t.rego", module, RegoVersion::V1}});
  REQUIRE(compiled.policy);
  auto prepared = PreparedQuery::prepare(compiled.policy, query, RegoVersion::V1, /*check_types=*/true);
  if (prepared.errors.empty()) return "";
  return prepared.errors[0].code + ": " + prepared.errors[0].message;
}

}  // namespace

TEST_CASE("a query calling a builtin with an argument of the wrong type is refused before it runs",
          "[compiler][types]") {
  CHECK(query_error("x := lower(5)") ==
        "rego_type_error: lower: invalid argument(s)\n\thave: (number, ??\?)\n\twant: (x: string, y: string)");
  CHECK(query_error("upper(data.t.n)").rfind("rego_type_error: upper: invalid argument(s)", 0) == 0);
  CHECK(query_error("x := 5; y := x[_]").rfind("rego_type_error: undefined ref: x[_]", 0) == 0);
}

TEST_CASE("well-typed queries still compile, and unchecked queries reach run time", "[compiler][types]") {
  auto compiled = compile({});
  CHECK(PreparedQuery::prepare(compiled.policy, "x := lower(5)").errors.empty());
  CHECK(query_error("x := lower(\"A\")") == "");
  CHECK(query_error("x := data.t.n + 1") == "");
  CHECK(query_error("x := input.a[_]; lower(x)") == "");
}
