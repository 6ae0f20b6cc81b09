// Parse errors name file:line:col and say what was expected and found; hostile
// input is rejected, never crashes.
#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

constexpr auto V0 = RegoVersion::V0;
constexpr auto V1 = RegoVersion::V1;

std::string first_error(std::string_view text, RegoVersion version = V1) {
  return module_errors(text, version)[0].to_string();
}

TEST_CASE("parser errors: module structure", "[parser]") {
  CHECK(first_error("") == "test.rego:1:1: rego_parse_error: empty module");
  CHECK(first_error("# nothing\n") == "test.rego:2:1: rego_parse_error: empty module");
  CHECK(first_error("p := 1\n") == "test.rego:1:1: rego_parse_error: package expected");
  CHECK(first_error("package p\npackage q\n") == "test.rego:2:1: rego_parse_error: unexpected package");
  CHECK(first_error("package 1\n") ==
        "test.rego:1:9: rego_parse_error: unexpected number token 1: expected package path");
  CHECK(first_error("package a[1]\n") == "test.rego:1:11: rego_parse_error: unexpected number token: expecting string");
  CHECK(first_error("package p\nimport foo.bar\n") ==
        "test.rego:2:8: rego_parse_error: unexpected import path, must begin with one of: {data, future, input, "
        "rego}, got: foo");
  CHECK(first_error("package p\nimport data.x as 1\n") ==
        "test.rego:2:18: rego_parse_error: unexpected number token 1: expected var");
  CHECK(first_error("package p\n}\n") == "test.rego:2:1: rego_parse_error: unexpected } token: expected rule");
}

TEST_CASE("parser errors: rule heads and bodies", "[parser]") {
  CHECK(first_error("package p\np\n", V0) ==
        "test.rego:3:1: rego_parse_error: unexpected eof token: expected rule value (p := <VALUE>) or body (p if { "
        "... })");
  CHECK(first_error("package p\np := \n") == "test.rego:3:1: rego_parse_error: unexpected eof token");
  CHECK(first_error("package p\np {\n}\n", V0) == "test.rego:3:1: rego_parse_error: found empty body");
  CHECK(first_error("package p\np if {\n  x := 1\n", V1) ==
        "test.rego:4:1: rego_parse_error: unexpected eof token: expected \\n or ; or }");
  CHECK(first_error("package p\np if { x := 1 y := 2 }\n") ==
        "test.rego:2:15: rego_parse_error: unexpected ident token \"y\": expected \\n or ; or }");
  CHECK(first_error("package p\nf(x) contains 1 if true\n") ==
        "test.rego:2:6: rego_parse_error: unexpected contains keyword: the contains keyword can only be used with "
        "multi-value rule definitions (e.g., f contains <VALUE> { ... })");
  CHECK(first_error("package p\np+1 := 2\n") == "test.rego:2:2: rego_parse_error: unexpected + token: expected rule head");
  CHECK(first_error("package p\np if x else\n") ==
        "test.rego:3:1: rego_parse_error: unexpected eof token: expected else value term or rule body");
}

TEST_CASE("parser errors: terms", "[parser]") {
  CHECK(query_error("x := [1, 2").to_string() == "query:1:11: rego_parse_error: unexpected eof token: expected \",\" or \"]\"");
  CHECK(query_error("x := {\"a\": 1 2}").to_string() ==
        "query:1:14: rego_parse_error: unexpected number token 2: non-terminated object");
  CHECK(query_error("x := {1 2}").to_string() == "query:1:9: rego_parse_error: unexpected number token 2: non-terminated set");
  CHECK(query_error("x := (1 + 2").to_string() == "query:1:12: rego_parse_error: unexpected eof token: non-terminated expression");
  CHECK(query_error("x := 007").to_string() ==
        "query:1:6: rego_parse_error: unexpected number token 007: expected number without leading zero");
  CHECK(query_error("x := 1e999999").to_string() == "query:1:6: rego_parse_error: number too big");
  CHECK(query_error("x := a.").to_string() == "query:1:8: rego_parse_error: unexpected eof token: expected ident");
  CHECK(query_error("x := a. b").to_string() == "query:1:9: rego_parse_error: unexpected ident token \"b\": expected ident");
  CHECK(query_error("x := a[1").to_string() == "query:1:9: rego_parse_error: unexpected eof token: expected ]");
  CHECK(query_error("x := 1.a").to_string() == "query:1:6: rego_parse_error: illegal ref (head cannot be number)");
  CHECK(query_error("x := \"s\"[0]").to_string() == "query:1:6: rego_parse_error: illegal ref (head cannot be string)");
  CHECK(query_error("x := a[0](1)").to_string() ==
        "query:1:10: rego_parse_error: illegal call (operator must be a function name, got ref)");
  CHECK(query_error("x := \"\\q\"").to_string() ==
        "query:1:6: rego_parse_error: illegal string literal: \"\\q\" (illegal escape sequence)");
  CHECK(query_error("x := if").to_string() == "query:1:6: rego_parse_error: unexpected if keyword");
  CHECK(query_error("").to_string() == "query:1:1: rego_parse_error: empty query");
  CHECK(query_error("x := 1;").to_string() == "query:1:8: rego_parse_error: unexpected eof token");
  std::vector<Error> errors;
  CHECK_FALSE(parse_query("x := ", V1, errors, "cli-query"));
  CHECK(errors[0].file == "cli-query");
}

TEST_CASE("parser errors: Error::to_string omits unknown parts", "[parser]") {
  CHECK(Error{"rego_type_error", "undefined function f", "a.rego", {3, 7}}.to_string() ==
        "a.rego:3:7: rego_type_error: undefined function f");
  CHECK(Error{"rego_parse_error", "bad", "a.rego", {}}.to_string() == "a.rego: rego_parse_error: bad");
  CHECK(Error{"eval_conflict_error", "complete rules must not produce multiple outputs", "", {}}.to_string() ==
        "eval_conflict_error: complete rules must not produce multiple outputs");
  CHECK(Error{"", "plain", "", {2, 0}}.to_string() == "2: plain");
}

TEST_CASE("parser errors: deep nesting is rejected, not a crash", "[parser]") {
  for (std::string open : {"[", "{", "(", "-", "[x | ", "f(", "{\"a\": ", "every x in y { ", "$\"{"}) {
    INFO(open);
    // `every` is a literal, not a term.
    std::string text = open.rfind("every", 0) == 0 ? "" : "x := ";
    for (int i = 0; i < 20000; ++i) text += open;
    text += "1";
    // Template strings must be closed for the lexer to accept them.
    if (open == "$\"{") {
      for (int i = 0; i < 20000; ++i) text += "}\"";
    }
    auto e = query_error(text);
    CHECK(e.message.find("max parsing recursion depth exceeded") != std::string::npos);
  }
  // A long operator chain builds a deep tree without deep recursion.
  std::string chain = "x := 1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  CHECK(query_error(chain).message.find("nested more than 1000 levels deep") != std::string::npos);

  // Reasonable nesting is fine.
  std::string ok = "x := ";
  for (int i = 0; i < 100; ++i) ok += "[(";
  ok += "1";
  for (int i = 0; i < 100; ++i) ok += ")]";
  query_ok(ok);
  std::string long_chain = "x := 1";
  for (int i = 0; i < 900; ++i) long_chain += " + 1";
  query_ok(long_chain);
  std::string long_ref = "x := y";
  for (int i = 0; i < 50000; ++i) long_ref += ".a";
  query_ok(long_ref);
}

TEST_CASE("parser errors: garbage never crashes", "[parser]") {
  const char* inputs[] = {
      "package", "package p\nimport", "package p\np[", "package p\np(", "package p\nf(x", "package p\np if",
      "package p\np if {", "package p\ndefault", "package p\np := {", "package p\np := [x |", "package p\np := {x |",
      "package p\np := {k: v |", "package p\np := $\"{", "package p\np if { every", "package p\np if { some",
      "package p\np if { x with", "package p\np := x else", "))))", "]]]]", "}}}}", ",,,,", "::::", "||||",
      "package p\np := a.b.c(", "package p\np := - - -", "package p\np if { not }", "package p\n[1] := 1",
  };
  for (const char* text : inputs) {
    INFO(text);
    for (auto v : {V0, V1}) {
      ParseResult r = parse_module("g.rego", text, v);
      CHECK_FALSE(r.module);
      REQUIRE_FALSE(r.errors.empty());
      CHECK(r.errors[0].loc.line > 0);
    }
  }
}

}  // namespace
}  // namespace tollgate::rego
