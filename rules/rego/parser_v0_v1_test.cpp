// The v0 / v1 differences (rego-notes.md, "v0 vs v1 in one table"), keyword
// imports, and Gatekeeper's v1-then-v0 rule.
#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

constexpr auto V0 = RegoVersion::V0;
constexpr auto V1 = RegoVersion::V1;

constexpr const char* kV0Template =
    "package k8srequiredlabels\n"
    "violation[{\"msg\": msg}] {\n"
    "  provided := {label | input.review.object.metadata.labels[label]}\n"
    "  missing := {\"a\"} - provided\n"
    "  count(missing) > 0\n"
    "  msg := sprintf(\"missing %v\", [missing])\n"
    "}\n";

TEST_CASE("parser v0/v1: p { body } needs `if` in v1", "[parser]") {
  CHECK(module_ok("package p\nallow { true }\n", V0).rules.size() == 1);
  auto errors = module_errors("package p\n\nallow { true }\nf(x) { x }\n", V1);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].to_string() == "test.rego:3:1: rego_parse_error: `if` keyword is required before rule body");
  CHECK(errors[1].to_string() == "test.rego:4:1: rego_parse_error: `if` keyword is required before function body");
}

TEST_CASE("parser v0/v1: multi-value rules need `contains` in v1", "[parser]") {
  Module v0 = module_ok(kV0Template, V0);
  CHECK(v0.rules[0].kind == RuleKind::PartialSet);
  auto errors = module_errors(kV0Template, V1);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message == "`if` keyword is required before rule body");
  CHECK(errors[1].message == "`contains` keyword is required for partial set rules");
  CHECK(location(errors[1].loc) == "2:1");
}

TEST_CASE("parser v0/v1: head p[x] with a body is a set in v0, an object entry in v1", "[parser]") {
  Module v0 = module_ok("package p\nq[x] { x := 1 }\n", V0);
  CHECK(v0.rules[0].kind == RuleKind::PartialSet);
  CHECK(v0.rules[0].ref.name == "q");
  Module v1 = module_ok("package p\nq[x] if { x := 1 }\n", V1);
  CHECK(v1.rules[0].kind == RuleKind::PartialObject);
  CHECK(to_text(v1.rules[0].ref) == "q[x]");
}

TEST_CASE("parser v0/v1: future keywords need imports in v0", "[parser]") {
  // Without an import, `p contains x if` is not v0 syntax.
  auto errors = module_errors("package p\np contains x if { x := 1 }\n", V0);
  CHECK(errors[0].message.find("unexpected ident token \"contains\"") != std::string::npos);

  Module all = module_ok("package p\nimport future.keywords\np contains x if { some x in [1] }\n", V0);
  CHECK(all.rules[0].kind == RuleKind::PartialSet);
  CHECK(all.version == V0);

  Module just_if = module_ok("package p\nimport future.keywords.if\nallow if input.x\nin := 1\n", V0);
  REQUIRE(just_if.rules.size() == 2);
  CHECK(just_if.rules[1].ref.name == "in");  // `in` is still a name

  // `every` brings `in` along.
  Module every = module_ok("package p\nimport future.keywords.every\nok { every x in [1] { x > 0 } }\n", V0);
  CHECK(every.rules[0].body.exprs[0].kind == ExprKind::Every);

  Module contains = module_ok("package p\nimport future.keywords.contains\nimport future.keywords.if\n"
                              "s contains 1 if true\n",
                              V0);
  CHECK(contains.rules[0].kind == RuleKind::PartialSet);

  CHECK(module_errors("package p\nimport future.keywords.foo\n", V0)[0].message ==
        "unexpected keyword, must be one of [contains every if in]");
  CHECK(module_errors("package p\nimport future.stuff\n", V0)[0].message ==
        "invalid import, must be `future.keywords`");
  CHECK(module_errors("package p\nimport future.keywords as k\n", V0)[0].message ==
        "`future` imports cannot be aliased");
}

TEST_CASE("parser v0/v1: import rego.v1 makes a v0 module obey v1", "[parser]") {
  Module m = module_ok("package p\nimport rego.v1\ndeny contains 1 if true\n", V0);
  CHECK(m.version == V1);  // deprecated builtins are rejected for it
  auto errors = module_errors("package p\nimport rego.v1\np[x] { x := 1 }\n", V0);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message == "`if` keyword is required before rule body");
  CHECK(module_ok("package p\nimport rego.v1\n", V1).version == V1);
  CHECK(module_errors("package p\nimport rego.v2\n", V0)[0].message == "invalid import `rego.v2`, must be `rego.v1`");
}

TEST_CASE("parser v0/v1: keywords at the end of an import path", "[parser]") {
  CHECK(module_errors("package p\nimport data.foo.if\n", V1)[0].message.find(
            "must not end with a keyword, got: if") != std::string::npos);
  CHECK(module_ok("package p\nimport data.foo.if as foo_if\n", V1).imports[0].alias == "foo_if");
  CHECK(module_ok("package p\nimport data.foo.if\n", V0).imports.size() == 1);
}

TEST_CASE("parser v0/v1: v1 body-less rules need a value", "[parser]") {
  CHECK(module_errors("package p\na.b.c\n", V1)[0].message ==
        "rule must have value assignment and/or body declaration");
  Module v0 = module_ok("package p\na.b.c\nq.r\n", V0);
  CHECK(v0.rules[0].kind == RuleKind::Complete);
  CHECK(v0.rules[1].kind == RuleKind::PartialSet);  // OPA's old `q.r` = q contains "r"
  CHECK(v0.rules[1].ref.name == "q");
  CHECK(v0.rules[1].key->value == Value::string("r"));
}

TEST_CASE("parser v0/v1: parse_module_any is v1 first, then v0", "[parser]") {
  ParseResult v0 = parse_module_any("t.rego", kV0Template);
  REQUIRE(v0.module);
  CHECK(v0.errors.empty());
  CHECK(v0.module->version == V0);
  CHECK(v0.module->rules[0].kind == RuleKind::PartialSet);

  ParseResult v1 = parse_module_any("t.rego", "package p\nq[x] if { x := 1 }\n");
  REQUIRE(v1.module);
  CHECK(v1.module->version == V1);
  CHECK(v1.module->rules[0].kind == RuleKind::PartialObject);

  // Valid in both: v1 wins (`p[x] { }` would differ, but needs `if` in v1).
  ParseResult both = parse_module_any("t.rego", "package p\nx := 1\n");
  CHECK(both.module->version == V1);

  // When both fail, the v0 errors are reported.
  ParseResult bad = parse_module_any("t.rego", "package p\np contains x if {\n  x := \n}\n");
  CHECK_FALSE(bad.module);
  REQUIRE_FALSE(bad.errors.empty());
  CHECK(bad.errors[0].to_string() ==
        "t.rego:2:3: rego_parse_error: unexpected ident token \"contains\": expected rule value (p := <VALUE>) "
        "or body (p if { ... }) (hint: `contains` is a keyword only in Rego v1 or after "
        "`import future.keywords.contains`)");
}

}  // namespace
}  // namespace tollgate::rego
