// Modules: package, imports and every rule form, in the syntax of each
// version.
#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

constexpr auto V0 = RegoVersion::V0;
constexpr auto V1 = RegoVersion::V1;

TEST_CASE("parser rules: package and imports", "[parser]") {
  Module m = module_ok(
      "package a.b[\"c-d\"]\n"
      "import data.lib.x as y\n"
      "import input.review\n"
      "import data.lib.helpers\n"
      "import future.keywords.in\n"
      "p := 1\n",
      V0);
  CHECK(m.package == std::vector<std::string>{"a", "b", "c-d"});
  CHECK(location(m.package_loc) == "1:1");
  REQUIRE(m.imports.size() == 4);
  CHECK(to_text(m.imports[0].path) == "data.lib.x");
  CHECK(m.imports[0].alias == "y");
  CHECK(location(m.imports[0].loc) == "2:1");
  CHECK(to_text(m.imports[1].path) == "input.review");
  CHECK(m.imports[1].alias.empty());
  REQUIRE(m.imports[2].path.kind == TermKind::Ref);
  CHECK(m.imports[2].path.items[0].name == "data");
  CHECK(to_text(m.imports[3].path) == "future.keywords.in");

  // `import input` alone is a one-element Ref.
  Module whole = module_ok("package p\nimport input\n", V1);
  REQUIRE(whole.imports[0].path.kind == TermKind::Ref);
  CHECK(whole.imports[0].path.items.size() == 1);

  CHECK(module_ok("package true.null.x\n", V1).package == std::vector<std::string>{"true", "null", "x"});
  CHECK(module_ok("package p\n", V1).rules.empty());
}

TEST_CASE("parser rules: v0 complete rules, functions and partial sets", "[parser]") {
  Module m = module_ok(
      "package k8s\n"
      "violation[{\"msg\": msg}] {\n"
      "  c := input.review.object.spec.containers[_]\n"
      "  msg := sprintf(\"%v\", [c.name])\n"
      "}\n"
      "allow { true }\n"
      "name = n { n := input.name }\n"
      "f(x) = y { y := x + 1 }\n"
      "g(x) { x > 1 }\n"
      "obj[k] = v { v := input.m[k] }\n"
      "limit = 10\n"
      "h([a, b], \"lit\") = a\n",
      V0);
  CHECK(m.version == V0);
  REQUIRE(m.rules.size() == 8);

  const Rule& v = m.rules[0];
  CHECK(v.kind == RuleKind::PartialSet);
  CHECK(v.ref.name == "violation");
  REQUIRE(v.key);
  CHECK(v.key->kind == TermKind::Object);
  CHECK_FALSE(v.value);
  CHECK(v.body.exprs.size() == 2);
  CHECK(location(v.loc) == "2:1");
  CHECK(location(v.body.exprs[1].loc) == "4:3");

  CHECK(m.rules[1].kind == RuleKind::Complete);
  CHECK(m.rules[1].ref.name == "allow");
  CHECK_FALSE(m.rules[1].value);

  CHECK(m.rules[2].kind == RuleKind::Complete);
  CHECK(m.rules[2].value->name == "n");
  CHECK_FALSE(m.rules[2].assign);

  const Rule& f = m.rules[3];
  CHECK(f.kind == RuleKind::Function);
  CHECK(f.ref.name == "f");
  REQUIRE(f.args.size() == 1);
  CHECK(f.args[0].name == "x");
  CHECK(f.value->name == "y");

  CHECK(m.rules[4].kind == RuleKind::Function);
  CHECK_FALSE(m.rules[4].value);

  const Rule& o = m.rules[5];
  CHECK(o.kind == RuleKind::PartialObject);
  CHECK(to_text(o.ref) == "obj[k]");
  CHECK(o.key->name == "k");
  CHECK(o.value->name == "v");

  CHECK(m.rules[6].kind == RuleKind::Complete);
  CHECK(m.rules[6].body.exprs.empty());
  CHECK(m.rules[6].value->value == Value::integer(10));

  const Rule& h = m.rules[7];
  CHECK(h.kind == RuleKind::Function);
  CHECK(h.args[0].kind == TermKind::Array);
  CHECK(h.args[1].value == Value::string("lit"));
  CHECK(h.body.exprs.empty());
}

TEST_CASE("parser rules: v1 rule forms", "[parser]") {
  Module m = module_ok(
      "package p\n"
      "deny contains msg if {\n"
      "  some c in input.containers\n"
      "  msg := c.name\n"
      "}\n"
      "allow if input.x > 1\n"
      "q := 1 if { true }\n"
      "r[x] if { some x in [1, 2] }\n"
      "s[k] := v if { some k, v in {\"a\": 1} }\n"
      "t contains 1\n"
      "u if {}\n"
      "f(x) := x + 1\n"
      "g(x) if x > 0\n",
      V1);
  CHECK(m.version == V1);
  REQUIRE(m.rules.size() == 9);

  CHECK(m.rules[0].kind == RuleKind::PartialSet);
  CHECK(m.rules[0].ref.name == "deny");
  CHECK(m.rules[0].key->name == "msg");
  CHECK(m.rules[0].body.exprs.size() == 2);

  const Rule& allow = m.rules[1];
  CHECK(allow.kind == RuleKind::Complete);
  REQUIRE(allow.body.exprs.size() == 1);
  CHECK(call_name(allow.body.exprs[0].terms[0]) == "gt");

  CHECK(m.rules[2].kind == RuleKind::Complete);
  CHECK(m.rules[2].assign);

  // `p[x] if` is a single-value object entry, value true.
  const Rule& r = m.rules[3];
  CHECK(r.kind == RuleKind::PartialObject);
  CHECK(to_text(r.ref) == "r[x]");
  CHECK(r.key->name == "x");
  CHECK_FALSE(r.value);

  CHECK(m.rules[4].kind == RuleKind::PartialObject);
  CHECK(m.rules[4].value->name == "v");

  CHECK(m.rules[5].kind == RuleKind::PartialSet);
  CHECK(m.rules[5].body.exprs.empty());
  CHECK(m.rules[5].key->value == Value::integer(1));

  // `u if {}` is a one-literal body: an empty object (always true), as OPA reads it.
  REQUIRE(m.rules[6].body.exprs.size() == 1);
  CHECK(m.rules[6].body.exprs[0].terms[0].kind == TermKind::Object);

  CHECK(m.rules[7].kind == RuleKind::Function);
  CHECK(call_name(*m.rules[7].value) == "plus");
  CHECK(m.rules[8].kind == RuleKind::Function);
  CHECK(m.rules[8].body.exprs.size() == 1);
}

TEST_CASE("parser rules: braces after if are a body unless a literal fits", "[parser]") {
  Module m = module_ok("package p\na if { true }\nb if {\"k\": 1}.k == 1\nc if { x := 1\n  x > 0 }\n", V1);
  REQUIRE(m.rules.size() == 3);
  CHECK(m.rules[0].body.exprs[0].terms[0].value == Value::boolean(true));
  CHECK(call_name(m.rules[1].body.exprs[0].terms[0]) == "equal");
  CHECK(m.rules[2].body.exprs.size() == 2);
}

TEST_CASE("parser rules: ref heads", "[parser]") {
  Module m = module_ok(
      "package p\n"
      "a.b.c := 1\n"
      "p[q].r := i if q := [\"a\"][i]\n"
      "x[\"y\"] if true\n"
      "s.t contains 1 if true\n"
      "else.foo := 2\n"
      "lib.f(x) := x\n",
      V1);
  REQUIRE(m.rules.size() == 6);
  CHECK(m.rules[0].kind == RuleKind::Complete);
  CHECK(to_text(m.rules[0].ref) == "a.b.c");

  CHECK(m.rules[1].kind == RuleKind::PartialObject);
  CHECK(to_text(m.rules[1].ref) == "p[q].r");
  CHECK(m.rules[1].key->value == Value::string("r"));

  CHECK(m.rules[2].kind == RuleKind::Complete);  // ground key: a path
  CHECK(to_text(m.rules[2].ref) == "x.y");

  CHECK(m.rules[3].kind == RuleKind::PartialSet);
  CHECK(to_text(m.rules[3].ref) == "s.t");

  CHECK(to_text(m.rules[4].ref) == "else.foo");

  CHECK(m.rules[5].kind == RuleKind::Function);
  CHECK(to_text(m.rules[5].ref) == "lib.f");
}

TEST_CASE("parser rules: default rules", "[parser]") {
  Module m = module_ok("package p\ndefault allow = false\ndefault f(_, _) := 0\ndefault obj := {\"a\": [1]}\n", V0);
  REQUIRE(m.rules.size() == 3);
  CHECK(m.rules[0].is_default);
  CHECK(m.rules[0].kind == RuleKind::Complete);
  CHECK(m.rules[0].value->value == Value::boolean(false));
  CHECK(location(m.rules[0].loc) == "2:1");
  CHECK(m.rules[1].is_default);
  CHECK(m.rules[1].kind == RuleKind::Function);
  CHECK(m.rules[1].args.size() == 2);
  CHECK(m.rules[1].assign);

  CHECK(module_errors("package p\ndefault p\n", V1)[0].message == "illegal default rule (must have a value)");
  CHECK(module_errors("package p\ndefault p := x\n", V1)[0].message == "illegal default rule (value cannot contain var)");
  CHECK(module_errors("package p\ndefault p := [input.x]\n", V1)[0].message ==
        "illegal default rule (value cannot contain ref)");
  CHECK(module_errors("package p\ndefault f(x, x) := 1\n", V1)[0].message ==
        "illegal default rule (arguments cannot be repeated x)");
  CHECK(module_errors("package p\ndefault f(1) := 1\n", V1)[0].message ==
        "illegal default rule (arguments cannot contain number)");
}

TEST_CASE("parser rules: else chains", "[parser]") {
  Module v0 = module_ok(
      "package p\n"
      "x = 1 { input.a } else = 2 { input.b } else { input.c } else = 4\n"
      "f(y) = \"a\" { y == 1 } else := \"b\"\n",
      V0);
  REQUIRE(v0.rules.size() == 2);
  const Rule& x = v0.rules[0];
  REQUIRE(x.else_chain.size() == 3);
  CHECK(x.else_chain[0].value->value == Value::integer(2));
  CHECK(x.else_chain[0].body.exprs.size() == 1);
  CHECK_FALSE(x.else_chain[1].value);  // true
  CHECK(x.else_chain[2].value->value == Value::integer(4));
  CHECK(x.else_chain[2].body.exprs.empty());
  CHECK(location(x.else_chain[0].loc) == "2:19");
  CHECK(v0.rules[1].kind == RuleKind::Function);
  CHECK(v0.rules[1].else_chain.size() == 1);

  Module v1 = module_ok(
      "package p\n"
      "x := 1 if {\n  input.a\n} else := 2 if input.b\n"
      "else if {\n  input.c\n}\n\n"
      "else := 5\n",
      V1);
  REQUIRE(v1.rules.size() == 1);
  REQUIRE(v1.rules[0].else_chain.size() == 3);
  CHECK(v1.rules[0].else_chain[0].body.exprs.size() == 1);
  CHECK_FALSE(v1.rules[0].else_chain[1].value);
  CHECK(v1.rules[0].else_chain[2].value->value == Value::integer(5));

  CHECK(module_errors("package p\np[x] { x := 1 } else { true }\n", V0)[0].message ==
        "else keyword cannot be used on multi-value rules");
  CHECK(module_errors("package p\np[x] := 1 if { x := 1 } else := 2\n", V1)[0].message ==
        "else keyword cannot be used on rules with variables in head");
  CHECK(module_errors("package p\np if { true } else := 1 { false }\n", V1)[0].message ==
        "`if` keyword is required before rule body");
}

TEST_CASE("parser rules: v0 rule with several bodies is several rules", "[parser]") {
  Module m = module_ok("package p\nallow {\n  input.a\n} {\n  input.b\n}\n", V0);
  REQUIRE(m.rules.size() == 2);
  CHECK(m.rules[0].ref.name == "allow");
  CHECK(m.rules[1].ref.name == "allow");
  CHECK(to_text(m.rules[0].body.exprs[0]) == "input.a");
  CHECK(to_text(m.rules[1].body.exprs[0]) == "input.b");
  CHECK(location(m.rules[1].loc) == "4:3");
  CHECK(module_errors("package p\np { true } else = 1 { true } { false }\n", V0)[0].message ==
        "unexpected { token: expected else keyword");
}

}  // namespace
}  // namespace tollgate::rego
