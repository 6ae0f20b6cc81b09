// Function arguments that need evaluation (references, calls, template
// strings, comprehensions) are compared after the body, as OPA's compiler
// moves them into it.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

namespace {

using tollgate::rego::QueryOptions;
using tollgate::rego::testing::eval_p;
using tollgate::rego::testing::json;

QueryOptions with_input(const char* text) {
  QueryOptions o;
  o.input = json(text);
  return o;
}

}  // namespace

TEST_CASE("a template string argument sees the variables its body binds", "[compiler][functions]") {
  const std::string module = "package test\n\np := f(\"foo bar\")\n\nf($\"{x} {input.y}\") := 42 if {\n    x = \"foo\"\n}\n";
  CHECK(eval_p(module, with_input(R"({"y": "bar"})")) == "42");
  CHECK(eval_p(module, with_input(R"({"y": "baz"})")) == "undefined");
  const std::string raw = "package test\n\np := f(\"foo bar\")\n\nf($`{x} {input.y}`) := 42 if {\n    x = \"foo\"\n}\n";
  CHECK(eval_p(raw, with_input(R"({"y": "bar"})")) == "42");
}

TEST_CASE("a reference argument is compared with the caller's value, in every else clause too", "[compiler][functions]") {
  const std::string f = "\nf(input.a) := \"first\" if {\n    input.b\n} else := \"second\"\n";
  CHECK(eval_p("package test\n\np := f(1)\n" + f, with_input(R"({"a": 1, "b": true})")) == R"("first")");
  CHECK(eval_p("package test\n\np := f(1)\n" + f, with_input(R"({"a": 1, "b": false})")) == R"("second")");
  CHECK(eval_p("package test\n\np := f(2)\n" + f, with_input(R"({"a": 1, "b": false})")) == "undefined");
}
