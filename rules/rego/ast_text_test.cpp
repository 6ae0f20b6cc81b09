#include "rules/rego/ast_text.h"

#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

// Parsing the printed form gives the same printed form again.
void round_trips(std::string_view text) {
  INFO(text);
  const std::string printed = to_text(expr_ok(text));
  CHECK(printed == text);
  CHECK(to_text(expr_ok(printed)) == printed);
}

TEST_CASE("ast text: terms print as Rego", "[parser]") {
  round_trips("null");
  round_trips("[true, false, 1, -2.5, \"a\\\"b\\n\"]");
  round_trips("{\"a\": 1, x: [2]}");
  round_trips("{1, 2}");
  round_trips("set()");
  round_trips("{}");
  round_trips("input.review.object[\"a-b\"][i][_]");
  round_trips("data.x.else.if");
  round_trips("f(x)[0].name");
  round_trips("[1, 2][i]");
  round_trips("regex.match(\"^a\", s)");
  round_trips("[x | x := xs[_]; x > 1]");
  round_trips("{k: v | some k, v in obj}");
  round_trips("{x | x = 1}");
  round_trips("$\"a {b} \\{c} {1}\"");
  CHECK(to_text(term_ok("`raw\"`")) == "\"raw\\\"\"");
  CHECK(to_text(term_ok("1000000000000000000000")) == "1000000000000000000000");
}

TEST_CASE("ast text: operators print infix with the needed parentheses", "[parser]") {
  round_trips("a + b * c");
  round_trips("(a + b) * c");
  round_trips("a - (b - c)");
  round_trips("a - b - c");
  round_trips("x == y | z & w");
  round_trips("x in xs");
  round_trips("k, v in obj");
  round_trips("(x in xs) == true");
  round_trips("count(a) >= 2 + 1");
  CHECK(to_text(term_ok("-x")) == "0 - x");
}

TEST_CASE("ast text: expressions", "[parser]") {
  round_trips("x := 1");
  round_trips("[a, b] = f(c)");
  round_trips("not startswith(x, \"a\")");
  round_trips("some x, y");
  round_trips("some x in xs");
  round_trips("some k, v in xs");
  round_trips("every x in xs { x > 1; x < 5 }");
  round_trips("data.p.allow with input.user as \"bob\" with count as mock");
}

TEST_CASE("ast text: rule heads", "[parser]") {
  Module m = module_ok(
      "package p\n"
      "default allow := false\n"
      "violation[{\"msg\": m}] { m := 1 }\n"
      "obj[k] = v { v := k }\n"
      "f(x, [y]) := x { y }\n"
      "a.b.c := 1\n"
      "allow { true }\n",
      RegoVersion::V0);
  REQUIRE(m.rules.size() == 6);
  CHECK(to_text(m.rules[0]) == "default allow := false");
  CHECK(to_text(m.rules[1]) == "violation contains {\"msg\": m}");
  CHECK(to_text(m.rules[2]) == "obj[k] = v");
  CHECK(to_text(m.rules[3]) == "f(x, [y]) := x");
  CHECK(to_text(m.rules[4]) == "a.b.c := 1");
  CHECK(to_text(m.rules[5]) == "allow");
}

}  // namespace
}  // namespace tollgate::rego
