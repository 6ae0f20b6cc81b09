// Queries and literals: separators, unify/assign, not, some, every, with.
#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

TEST_CASE("parser queries: literals separated by newlines and semicolons", "[parser]") {
  Query q = query_ok("data.x.p[y] = z; y > 1\n  count(z) == 2\n\n  # comment\n  true");
  REQUIRE(q.exprs.size() == 4);
  CHECK(q.exprs[0].kind == ExprKind::Unify);
  CHECK(to_text(q.exprs[0].terms[0]) == "data.x.p[y]");
  CHECK(q.exprs[1].kind == ExprKind::Term);
  CHECK(call_name(q.exprs[1].terms[0]) == "gt");
  CHECK(location(q.exprs[1].loc) == "1:18");
  CHECK(location(q.exprs[2].loc) == "2:3");
  CHECK(location(q.exprs[3].loc) == "5:3");

  // Newlines inside a term do not separate literals.
  Query call = query_ok("x := sprintf(\"%v\", [\n  a,\n  b,\n])\ny := 1");
  CHECK(call.exprs.size() == 2);
}

TEST_CASE("parser queries: unify and assign are expressions, not calls", "[parser]") {
  Expr u = expr_ok("[a, b] = [1, 2]");
  CHECK(u.kind == ExprKind::Unify);
  REQUIRE(u.terms.size() == 2);
  CHECK(u.terms[0].kind == TermKind::Array);
  Expr a = expr_ok("x := y + 1");
  CHECK(a.kind == ExprKind::Assign);
  CHECK(a.terms[0].name == "x");
  CHECK(call_name(a.terms[1]) == "plus");
  Expr eq = expr_ok("x == 1");
  CHECK(eq.kind == ExprKind::Term);
  CHECK(call_name(eq.terms[0]) == "equal");
}

TEST_CASE("parser queries: not", "[parser]") {
  Expr n = expr_ok("not startswith(x, \"a\")");
  CHECK(n.negated);
  CHECK(n.kind == ExprKind::Term);
  CHECK(call_name(n.terms[0]) == "startswith");
  Expr nu = expr_ok("not x = 1");
  CHECK(nu.negated);
  CHECK(nu.kind == ExprKind::Unify);
  // `not` glued to a ref is a name.
  Expr ref = expr_ok("not.x");
  CHECK_FALSE(ref.negated);
  CHECK(to_text(ref.terms[0]) == "not.x");
  CHECK(query_error("not some x").message.find("illegal negation of 'some'") != std::string::npos);
  CHECK(query_error("not every x in y { x }").message.find("illegal negation of 'every'") != std::string::npos);
}

TEST_CASE("parser queries: some declarations", "[parser]") {
  Expr d = expr_ok("some x, y, z");
  CHECK(d.kind == ExprKind::SomeDecl);
  REQUIRE(d.terms.size() == 3);
  CHECK(d.terms[2].name == "z");

  Expr in = expr_ok("some x in xs");
  CHECK(in.kind == ExprKind::SomeIn);
  REQUIRE(in.terms.size() == 2);
  CHECK(in.terms[0].name == "x");
  CHECK(in.terms[1].name == "xs");

  Expr kv = expr_ok("some k, v in input.obj");
  CHECK(kv.kind == ExprKind::SomeIn);
  REQUIRE(kv.terms.size() == 3);
  CHECK(kv.terms[0].name == "k");
  CHECK(kv.terms[1].name == "v");
  CHECK(to_text(kv.terms[2]) == "input.obj");

  Expr pattern = expr_ok("some {\"foo\": x} in arr");
  CHECK(pattern.terms[0].kind == TermKind::Object);

  CHECK(query_error("some 1").message == "unexpected number token 1: expected var");
}

TEST_CASE("parser queries: every", "[parser]") {
  Expr e = expr_ok("every x in xs { x > 0; x < 10 }");
  CHECK(e.kind == ExprKind::Every);
  REQUIRE(e.terms.size() == 2);
  CHECK(e.terms[0].name == "x");
  CHECK(e.terms[1].name == "xs");
  REQUIRE(e.body);
  CHECK(e.body->exprs.size() == 2);

  Expr kv = expr_ok("every k, v in {\"a\": 1} {\n  is_string(k)\n  v == 1\n}");
  REQUIRE(kv.terms.size() == 3);
  CHECK(kv.terms[0].name == "k");
  CHECK(kv.terms[2].kind == TermKind::Object);
  CHECK(kv.body->exprs.size() == 2);

  CHECK(query_error("every x in xs").message.find("missing body") != std::string::npos);
  CHECK(query_error("every 1 in xs { true }").message.find("expected value to be a variable") != std::string::npos);
  CHECK(query_error("every x { true }").message.find("x[, y] in xs") != std::string::npos);
}

TEST_CASE("parser queries: with modifiers", "[parser]") {
  Expr e = expr_ok("data.p.allow with input.user as \"bob\" with data.roles as {} with count as mock_count");
  REQUIRE(e.with.size() == 3);
  CHECK(to_text(e.with[0].target) == "input.user");
  CHECK(e.with[0].value.value == Value::string("bob"));
  CHECK(location(e.with[0].loc) == "1:14");
  CHECK(to_text(e.with[1].target) == "data.roles");
  CHECK(e.with[2].target.name == "count");
  CHECK(e.with[2].value.name == "mock_count");

  Expr across = expr_ok("x := data.p\n  with input as {\"a\": 1}");
  CHECK(across.kind == ExprKind::Assign);
  CHECK(across.with.size() == 1);

  Expr negated = expr_ok("not p with input as 1");
  CHECK(negated.negated);
  CHECK(negated.with.size() == 1);

  Expr some_in = expr_ok("some x in input.xs with input as [1]");
  CHECK(some_in.with.size() == 1);

  CHECK(query_error("p with input 1").message.find("expected as keyword") != std::string::npos);
  CHECK(query_error("p with 1 as 2").message.find("expected ident") != std::string::npos);
}

TEST_CASE("parser queries: keywords follow the version", "[parser]") {
  // In v0 `in`, `every`, `if`, `contains` are ordinary names.
  Query v0 = query_ok("in := 1\nevery := [in]\ncontains(\"ab\", \"a\")", RegoVersion::V0);
  CHECK(v0.exprs.size() == 3);
  CHECK(v0.exprs[1].terms[0].name == "every");
  // In v1 they are keywords (but `contains(` is still the builtin).
  CHECK(query_error("in := 1").message.find("unexpected in keyword") != std::string::npos);
  CHECK(call_name(term_ok("contains(\"ab\", \"a\")")) == "contains");
  auto e = query_error("some x in xs", RegoVersion::V0);
  CHECK(e.message.find("hint: `in` is a keyword only in Rego v1") != std::string::npos);
}

}  // namespace
}  // namespace tollgate::rego
