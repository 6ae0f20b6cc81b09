// Terms: scalars, refs, calls, infix operators, collections, comprehensions
// and template strings.
#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

TEST_CASE("parser terms: scalars", "[parser]") {
  CHECK(term_ok("null").value.is_null());
  CHECK(term_ok("true").value == Value::boolean(true));
  CHECK(term_ok("false").value == Value::boolean(false));
  CHECK(term_ok("\"a\\tb\"").value == Value::string("a\tb"));
  CHECK(term_ok("`raw\\n`").value == Value::string("raw\\n"));

  Term n = term_ok("42");
  CHECK(n.kind == TermKind::Scalar);
  CHECK(n.value.is_int());
  CHECK(n.value.as_int() == 42);
  CHECK(term_ok("-7").value.as_int() == -7);
  CHECK(term_ok("- 7").value.as_int() == -7);
  CHECK(term_ok("3.25").value.as_double() == 3.25);
  CHECK(term_ok("-.5").value.as_double() == -0.5);
  CHECK(term_ok("1e3").value == Value::integer(1000));
  // Big literals keep every digit.
  Term big = term_ok("28857836529306024611913");
  CHECK(big.value.is_bignum());
  CHECK(big.value.as_string() == "28857836529306024611913");
}

TEST_CASE("parser terms: vars and the wildcard", "[parser]") {
  Term v = term_ok("x_1");
  CHECK(v.kind == TermKind::Var);
  CHECK(v.name == "x_1");
  CHECK(term_ok("_").is_wildcard());
  // `input` and `data` alone are vars too.
  CHECK(term_ok("input").name == "input");
}

TEST_CASE("parser terms: refs with dots and brackets", "[parser]") {
  Term r = term_ok("input.review.object[\"a-b\"][i][_]");
  REQUIRE(r.kind == TermKind::Ref);
  REQUIRE(r.items.size() == 6);
  CHECK(r.items[0].name == "input");
  CHECK(r.items[1].value == Value::string("review"));
  CHECK(r.items[2].value == Value::string("object"));
  CHECK(r.items[3].value == Value::string("a-b"));
  CHECK(r.items[4].name == "i");
  CHECK(r.items[5].is_wildcard());
  CHECK(location(r.loc) == "1:1");
  CHECK(location(r.items[2].loc) == "1:14");

  // Keywords are names after a dot, and a keyword directly followed by `.`
  // or `[` is a var.
  Term k = term_ok("data.x.if.else.not");
  REQUIRE(k.items.size() == 5);
  CHECK(k.items[3].value == Value::string("else"));
  Term t = term_ok("true.foo");
  REQUIRE(t.kind == TermKind::Ref);
  CHECK(t.items[0].name == "true");

  // A bracket expression may be any infix term.
  Term idx = term_ok("a[i + 1]");
  CHECK(call_name(idx.items[1]) == "plus");
}

TEST_CASE("parser terms: refs need adjacent operands", "[parser]") {
  // With whitespace, `x [1]` is two literals on one line: an error.
  CHECK(query_error("x [1]").message.find("expected \\n or ; or eof") != std::string::npos);
  // On separate lines they are two literals.
  Query q = query_ok("x\n[1]");
  CHECK(q.exprs.size() == 2);
  CHECK(q.exprs[1].terms[0].kind == TermKind::Array);
}

TEST_CASE("parser terms: calls", "[parser]") {
  Term c = term_ok("count(xs)");
  REQUIRE(c.kind == TermKind::Call);
  REQUIRE(c.items.size() == 2);
  CHECK(c.items[0].kind == TermKind::Var);
  CHECK(c.items[0].name == "count");
  CHECK(c.items[1].name == "xs");

  Term dotted = term_ok("regex.match(\"a\",\n  s)");
  REQUIRE(dotted.items[0].kind == TermKind::Ref);
  CHECK(to_text(dotted.items[0]) == "regex.match");
  CHECK(dotted.items.size() == 3);

  Term lib = term_ok("data.lib.f(1, 2, out)");  // the extra argument stays an argument
  CHECK(to_text(lib.items[0]) == "data.lib.f");
  CHECK(lib.items.size() == 4);

  CHECK(term_ok("f()").items.size() == 1);
  CHECK(term_ok("f(1,)").items.size() == 2);
  // `contains(` is the builtin even in v1.
  CHECK(call_name(term_ok("contains(s, \"x\")")) == "contains");

  Term empty_set = term_ok("set()");
  CHECK(empty_set.kind == TermKind::Set);
  CHECK(empty_set.items.empty());
}

TEST_CASE("parser terms: refs on calls and composites", "[parser]") {
  Term a = term_ok("f(x)[0].name");
  REQUIRE(a.kind == TermKind::Ref);
  CHECK(a.items[0].kind == TermKind::Call);
  CHECK(a.items.size() == 3);
  Term b = term_ok("[1, 2][i]");
  CHECK(b.items[0].kind == TermKind::Array);
  Term c = term_ok("{\"a\": 1}.a");
  CHECK(c.items[0].kind == TermKind::Object);
  Term d = term_ok("[x | x := 1][0]");
  CHECK(d.items[0].kind == TermKind::ArrayCompr);
}

TEST_CASE("parser terms: infix operators become calls with OPA's names", "[parser]") {
  const std::pair<const char*, const char*> cases[] = {
      {"a == b", "equal"}, {"a != b", "neq"}, {"a < b", "lt"},    {"a <= b", "lte"}, {"a > b", "gt"},
      {"a >= b", "gte"},   {"a + b", "plus"}, {"a - b", "minus"}, {"a * b", "mul"},  {"a / b", "div"},
      {"a % b", "rem"},    {"a | b", "or"},   {"a & b", "and"},
  };
  for (const auto& [text, name] : cases) {
    INFO(text);
    Term t = term_ok(text);
    CHECK(call_name(t) == name);
    REQUIRE(t.items.size() == 3);
    CHECK(t.items[1].name == "a");
    CHECK(t.items[2].name == "b");
    CHECK(location(t.loc) == "1:1");
    CHECK(location(t.items[0].loc) == "1:3");
  }
}

TEST_CASE("parser terms: precedence and associativity", "[parser]") {
  CHECK(to_text(term_ok("1 + 2 * 3")) == "1 + 2 * 3");
  Term t = term_ok("1 + 2 * 3");
  CHECK(call_name(t) == "plus");
  CHECK(call_name(t.items[2]) == "mul");

  Term left = term_ok("a - b - c");
  CHECK(call_name(left.items[1]) == "minus");  // (a - b) - c
  CHECK(left.items[2].name == "c");

  Term rel = term_ok("a + 1 == b & c | d");
  CHECK(call_name(rel) == "equal");
  CHECK(call_name(rel.items[1]) == "plus");
  CHECK(call_name(rel.items[2]) == "or");
  CHECK(call_name(rel.items[2].items[1]) == "and");

  Term paren = term_ok("(1 + 2) * 3");
  CHECK(call_name(paren) == "mul");
  CHECK(call_name(paren.items[1]) == "plus");

  // Infix continues across a line break after or before an operator.
  CHECK(call_name(term_ok("a +\n b")) == "plus");

  Term in = term_ok("x + 1 in xs");
  CHECK(call_name(in) == "internal.member_2");
  CHECK(call_name(in.items[1]) == "plus");
}

TEST_CASE("parser terms: unary minus", "[parser]") {
  Term neg = term_ok("-x");
  CHECK(call_name(neg) == "minus");
  CHECK(neg.items[1].value == Value::integer(0));
  CHECK(neg.items[2].name == "x");
  Term mixed = term_ok("-x * 2");
  CHECK(call_name(mixed) == "mul");
  CHECK(call_name(mixed.items[1]) == "minus");
  Term minus_literal = term_ok("a -1");
  CHECK(call_name(minus_literal) == "minus");
  CHECK(minus_literal.items[2].value == Value::integer(1));
}

TEST_CASE("parser terms: membership", "[parser]") {
  Term m2 = term_ok("x in xs");
  CHECK(call_name(m2) == "internal.member_2");
  CHECK(m2.items.size() == 3);
  Term m3 = term_ok("k, v in obj");
  CHECK(call_name(m3) == "internal.member_3");
  REQUIRE(m3.items.size() == 4);
  CHECK(m3.items[1].name == "k");
  CHECK(m3.items[2].name == "v");
  CHECK(m3.items[3].name == "obj");
  // Inside a list the comma separates items.
  Term arr = term_ok("[k, v in obj]");
  REQUIRE(arr.items.size() == 2);
  CHECK(call_name(arr.items[1]) == "internal.member_2");
  Term args = term_ok("f(x, y in z)");
  CHECK(args.items.size() == 3);
}

TEST_CASE("parser terms: arrays, sets and objects", "[parser]") {
  Term arr = term_ok("[1, \"a\", [true],]");
  REQUIRE(arr.kind == TermKind::Array);
  CHECK(arr.items.size() == 3);
  CHECK(term_ok("[]").items.empty());

  Term set = term_ok("{1, x, \"s\"}");
  REQUIRE(set.kind == TermKind::Set);
  CHECK(set.items.size() == 3);
  CHECK(term_ok("{x}").kind == TermKind::Set);

  Term empty = term_ok("{}");
  CHECK(empty.kind == TermKind::Object);
  CHECK(empty.entries.empty());

  Term obj = term_ok("{\"a\": 1, x: [2], {1}: 3,\n}");
  REQUIRE(obj.kind == TermKind::Object);
  REQUIRE(obj.entries.size() == 3);
  CHECK(obj.entries[0].first.value == Value::string("a"));
  CHECK(obj.entries[1].first.name == "x");
  CHECK(obj.entries[2].first.kind == TermKind::Set);

  Term nested = term_ok("{\"a\": {\"b\": [1, {2}]}}");
  CHECK(nested.entries[0].second.entries[0].second.items[1].kind == TermKind::Set);

  Term multiline = term_ok("[\n  1,\n  2\n]");
  CHECK(multiline.items.size() == 2);

  // Infix items.
  Term infix = term_ok("{a + 1: b - 1, \"k\": x == y}");
  CHECK(call_name(infix.entries[0].first) == "plus");
  CHECK(call_name(infix.entries[1].second) == "equal");
}

TEST_CASE("parser terms: comprehensions", "[parser]") {
  Term a = term_ok("[x | x := xs[_]; x > 1]");
  REQUIRE(a.kind == TermKind::ArrayCompr);
  CHECK(a.items[0].name == "x");
  REQUIRE(a.body);
  CHECK(a.body->exprs.size() == 2);
  CHECK(a.body->exprs[0].kind == ExprKind::Assign);

  Term s = term_ok("{x |\n  some x in xs\n  x > 1\n}");
  REQUIRE(s.kind == TermKind::SetCompr);
  CHECK(s.body->exprs.size() == 2);
  CHECK(s.body->exprs[0].kind == ExprKind::SomeIn);

  Term o = term_ok("{k: v | v := obj[k]}");
  REQUIRE(o.kind == TermKind::ObjectCompr);
  CHECK(o.items[0].name == "k");
  CHECK(o.items[1].name == "v");

  // A comprehension head is a single term; `{a | b}` is a comprehension, not
  // a union.
  CHECK(term_ok("{a | b}").kind == TermKind::SetCompr);
  Term union_set = term_ok("{(a | b)}");
  CHECK(union_set.kind == TermKind::Set);
  CHECK(call_name(union_set.items[0]) == "or");
}

TEST_CASE("parser terms: template strings", "[parser]") {
  Term t = term_ok("$\"hello {input.name}, {42}!\"");
  CHECK(call_name(t) == "internal.template_string");
  REQUIRE(t.items.size() == 2);
  const Term& parts = t.items[1];
  REQUIRE(parts.kind == TermKind::Array);
  REQUIRE(parts.items.size() == 5);
  CHECK(parts.items[0].value == Value::string("hello "));
  // A non-constant expression e becomes {v | v = e}.
  REQUIRE(parts.items[1].kind == TermKind::SetCompr);
  const Expr& bind = parts.items[1].body->exprs[0];
  CHECK(bind.kind == ExprKind::Unify);
  CHECK(bind.terms[0].name == parts.items[1].items[0].name);
  CHECK(to_text(bind.terms[1]) == "input.name");
  CHECK(parts.items[2].value == Value::string(", "));
  CHECK(parts.items[3].value == Value::integer(42));  // constants stay as they are
  CHECK(parts.items[4].value == Value::string("!"));

  CHECK(term_ok("$\"\"").items[1].items[0].value == Value::string(""));
  CHECK(term_ok("$\"a\\{b}\"").items[1].items[0].value == Value::string("a{b}"));

  Term raw = term_ok("$`line1\n{x}`");
  CHECK(raw.items[1].items[0].value == Value::string("line1\n"));

  Term nested = term_ok("$\"{$\"{a}\"} {{1} | {2}}\"");
  CHECK(to_text(nested) == "$\"{$\"{a}\"} {{1} | {2}}\"");

  Term with = term_ok("$\"{a with input as 1}\"");
  CHECK(with.items[1].items[0].body->exprs[0].with.size() == 1);

  CHECK(query_error("x := $\"{y := 1}\"").message.find("assignment") != std::string::npos);
  CHECK(query_error("x := $\"{not y}\"").message.find("negation") != std::string::npos);
}

TEST_CASE("parser terms: parse_term for input_term", "[parser]") {
  std::vector<Error> errors;
  auto t = parse_term("{\"a\", {1, 2}}", errors);
  REQUIRE(t);
  CHECK(t->kind == TermKind::Set);
  CHECK(t->items[1].kind == TermKind::Set);
  auto o = parse_term("{\"k\": set(), \"n\": -1.5}", errors);
  REQUIRE(o);
  CHECK(o->entries[1].second.value.as_double() == -1.5);
  CHECK(errors.empty());

  CHECK_FALSE(parse_term("1 2", errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_string() == "term:1:3: rego_parse_error: unexpected number token 2: expected end of term");
}

}  // namespace
}  // namespace tollgate::rego
