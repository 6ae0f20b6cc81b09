// OPA refuses variables that are declared and never used.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

namespace {

std::vector<Error> errors_of(const std::string& module) {
  return compile({{"t.rego", module, RegoVersion::V1}}).errors;
}

}  // namespace

TEST_CASE("an every variable its body never uses is a compile error", "[compiler]") {
  auto errors = errors_of("package t\n\nr if {\n  every x in [1] {\n    true\n  }\n}");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "rego_compile_error");
  CHECK(errors[0].message == "declared var x unused");
  CHECK(errors[0].loc.line == 5);
  CHECK(errors_of("package t\nr if { every x in [1] { x > 0 } }").empty());
  CHECK(errors_of("package t\nr if { every _, x in [1] { x > 0 } }").empty());
  CHECK(errors_of("package t\nr if { every k, x in [1] { x > 0 } }")[0].message == "declared var k unused");
}

TEST_CASE("a some-declared variable used nowhere after is a compile error", "[compiler]") {
  CHECK(errors_of("package t\nr if { some x; input.a == 1 }")[0].message == "declared var x unused");
  CHECK(errors_of("package t\nr if { some x; input.a[x] == 1 }").empty());
  CHECK(errors_of("package t\nr if { some x in input.xs }").empty());
}
