#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <string>

#include "rules/cel/ast.h"

namespace tollgate::cel {
namespace {

std::string expanded(std::string_view src, const ParseOptions& options = {}) {
  const ParseResult r = parse(src, options);
  if (!r.ok()) {
    const ParseError& e = r.errors.front();
    return "ERROR " + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message;
  }
  return debug_string(*r.expr);
}

TEST_CASE("macros: has() becomes a test-only select", "[cel][macros]") {
  CHECK(expanded("has(a.b)") == "a.b~test-only");
  CHECK(expanded("has(a.b.c)") == "a.b.c~test-only");
  CHECK(expanded("has(a.b) && has(a.b.c)") == "_&&_(a.b~test-only, a.b.c~test-only)");
  CHECK(expanded("has({'a': 1}.a)") == "{\"a\": 1}.a~test-only");
  CHECK(expanded("has(a.?b.c)") == "a.?b.c~test-only");
}

TEST_CASE("macros: has() rejects anything but a field selection", "[cel][macros]") {
  CHECK(expanded("has(a)") == "ERROR 1:5: invalid argument to has() macro");
  CHECK(expanded("has(a['k'])") == "ERROR 1:6: invalid argument to has() macro");
  CHECK(expanded("has(a.?b)") == "ERROR 1:6: invalid argument to has() macro");
  CHECK(expanded("x ||\n has(f(a))") == "ERROR 2:7: invalid argument to has() macro");
}

TEST_CASE("macros: all", "[cel][macros]") {
  CHECK(expanded("x.all(y, y > 0)") ==
        "__comprehension__(var: y, range: x, accu: @result, init: true, cond: @not_strictly_false(@result), "
        "step: _&&_(@result, _>_(y, 0)), result: @result)");
}

TEST_CASE("macros: exists", "[cel][macros]") {
  CHECK(expanded("x.exists(y, y > 0)") ==
        "__comprehension__(var: y, range: x, accu: @result, init: false, cond: @not_strictly_false(!_(@result)), "
        "step: _||_(@result, _>_(y, 0)), result: @result)");
}

TEST_CASE("macros: exists_one and existsOne", "[cel][macros]") {
  const std::string shape =
      "__comprehension__(var: y, range: x, accu: @result, init: 0, cond: true, "
      "step: _?_:_(_>_(y, 0), _+_(@result, 1), @result), result: _==_(@result, 1))";
  CHECK(expanded("x.exists_one(y, y > 0)") == shape);
  CHECK(expanded("x.existsOne(y, y > 0)") == shape);
}

TEST_CASE("macros: map with and without a filter", "[cel][macros]") {
  CHECK(expanded("x.map(y, y * 2)") ==
        "__comprehension__(var: y, range: x, accu: @result, init: [], cond: true, "
        "step: _+_(@result, [_*_(y, 2)]), result: @result)");
  CHECK(expanded("x.map(y, y > 0, y * 2)") ==
        "__comprehension__(var: y, range: x, accu: @result, init: [], cond: true, "
        "step: _?_:_(_>_(y, 0), _+_(@result, [_*_(y, 2)]), @result), result: @result)");
}

TEST_CASE("macros: filter", "[cel][macros]") {
  CHECK(expanded("x.filter(y, y > 0)") ==
        "__comprehension__(var: y, range: x, accu: @result, init: [], cond: true, "
        "step: _?_:_(_>_(y, 0), _+_(@result, [y]), @result), result: @result)");
}

TEST_CASE("macros: two-variable quantifiers", "[cel][macros]") {
  CHECK(expanded("m.all(k, v, v > k)") ==
        "__comprehension__(var: k, var2: v, range: m, accu: @result, init: true, "
        "cond: @not_strictly_false(@result), step: _&&_(@result, _>_(v, k)), result: @result)");
  CHECK(expanded("m.exists(k, v, v > k)") ==
        "__comprehension__(var: k, var2: v, range: m, accu: @result, init: false, "
        "cond: @not_strictly_false(!_(@result)), step: _||_(@result, _>_(v, k)), result: @result)");
  const std::string one =
      "__comprehension__(var: k, var2: v, range: m, accu: @result, init: 0, cond: true, "
      "step: _?_:_(_>_(v, k), _+_(@result, 1), @result), result: _==_(@result, 1))";
  CHECK(expanded("m.existsOne(k, v, v > k)") == one);
  CHECK(expanded("m.exists_one(k, v, v > k)") == one);
}

TEST_CASE("macros: transformList", "[cel][macros]") {
  CHECK(expanded("l.transformList(i, v, v + i)") ==
        "__comprehension__(var: i, var2: v, range: l, accu: @result, init: [], cond: true, "
        "step: _+_(@result, [_+_(v, i)]), result: @result)");
  CHECK(expanded("l.transformList(i, v, i > 0, v)") ==
        "__comprehension__(var: i, var2: v, range: l, accu: @result, init: [], cond: true, "
        "step: _?_:_(_>_(i, 0), _+_(@result, [v]), @result), result: @result)");
}

TEST_CASE("macros: transformMap and transformMapEntry", "[cel][macros]") {
  CHECK(expanded("m.transformMap(k, v, v + 1)") ==
        "__comprehension__(var: k, var2: v, range: m, accu: @result, init: {}, cond: true, "
        "step: cel.@mapInsert(@result, k, _+_(v, 1)), result: @result)");
  CHECK(expanded("m.transformMap(k, v, v > 0, v + 1)") ==
        "__comprehension__(var: k, var2: v, range: m, accu: @result, init: {}, cond: true, "
        "step: _?_:_(_>_(v, 0), cel.@mapInsert(@result, k, _+_(v, 1)), @result), result: @result)");
  CHECK(expanded("m.transformMapEntry(k, v, {v: k})") ==
        "__comprehension__(var: k, var2: v, range: m, accu: @result, init: {}, cond: true, "
        "step: cel.@mapInsert(@result, {v: k}), result: @result)");
  CHECK(expanded("m.transformMapEntry(k, v, v != '', {v: k})") ==
        "__comprehension__(var: k, var2: v, range: m, accu: @result, init: {}, cond: true, "
        "step: _?_:_(_!=_(v, \"\"), cel.@mapInsert(@result, {v: k}), @result), result: @result)");
}

TEST_CASE("macros: optMap and optFlatMap bind through an empty-range comprehension", "[cel][macros]") {
  CHECK(expanded("o.optMap(x, x + 1)") ==
        "_?_:_(o.hasValue(), optional.of(__comprehension__(var: #unused, range: [], accu: x, init: o.value(), "
        "cond: false, step: x, result: _+_(x, 1))), optional.none())");
  CHECK(expanded("a.b.optFlatMap(x, optional.of(x))") ==
        "_?_:_(a.b.hasValue(), __comprehension__(var: #unused, range: [], accu: x, init: a.b.value(), "
        "cond: false, step: x, result: optional.of(x)), optional.none())");
  CHECK(expanded("o.optMap(x.y, 1)") == "ERROR 1:11: optMap() variable name must be a simple identifier");
  CHECK(expanded("o.optFlatMap(1, 1)") == "ERROR 1:14: optFlatMap() variable name must be a simple identifier");
  // Without optional syntax the names are ordinary member calls.
  ParseOptions off;
  off.enable_optional_syntax = false;
  CHECK(expanded("o.optMap(x, x + 1)", off) == "o.optMap(x, _+_(x, 1))");
}

TEST_CASE("macros: iteration variables must be simple names", "[cel][macros]") {
  CHECK(expanded("x.all(y.z, true)") == "ERROR 1:8: argument must be a simple name");
  CHECK(expanded("x.exists(1, true)") == "ERROR 1:10: argument must be a simple name");
  CHECK(expanded("x.map(f(y), y)") == "ERROR 1:8: argument must be a simple name");
  CHECK(expanded("x.filter(.y, true)") == "ERROR 1:11: argument must be a simple name");
  CHECK(expanded("m.all(k, v.w, true)") == "ERROR 1:11: argument must be a simple name");
  CHECK(expanded("m.transformMap(k, k, 1)") == "ERROR 1:19: duplicate variable name: k");
}

TEST_CASE("macros: only the right name, call style and arity expand", "[cel][macros]") {
  CHECK(expanded("all(x, p)") == "all(x, p)");
  CHECK(expanded("x.all(y)") == "x.all(y)");
  CHECK(expanded("x.all(a, b, c, d)") == "x.all(a, b, c, d)");
  CHECK(expanded("x.has(y.z)") == "x.has(y.z)");
  CHECK(expanded("has(a.b, c)") == "has(a.b, c)");
  CHECK(expanded(".has(a.b)") == ".has(a.b)");
  CHECK(expanded("x.filter(a, b, c)") == "x.filter(a, b, c)");
  CHECK(expanded("x.map(a)") == "x.map(a)");
  CHECK(expanded("x.transformList(i, v)") == "x.transformList(i, v)");
  CHECK(expanded("x.transformMapEntry(a, b, c, d, e)") == "x.transformMapEntry(a, b, c, d, e)");
  CHECK(expanded("map(x, y, z)") == "map(x, y, z)");
}

TEST_CASE("macros: nesting and shadowing", "[cel][macros]") {
  CHECK(expanded("[[1]].all(x, x.all(x, x > 0))") ==
        "__comprehension__(var: x, range: [[1]], accu: @result, init: true, cond: @not_strictly_false(@result), "
        "step: _&&_(@result, __comprehension__(var: x, range: x, accu: @result, init: true, "
        "cond: @not_strictly_false(@result), step: _&&_(@result, _>_(x, 0)), result: @result)), result: @result)");
  CHECK(expanded("x.filter(c, has(c.name)).map(c, c.name)") ==
        "__comprehension__(var: c, range: __comprehension__(var: c, range: x, accu: @result, init: [], cond: true, "
        "step: _?_:_(c.name~test-only, _+_(@result, [c]), @result), result: @result), accu: @result, init: [], "
        "cond: true, step: _+_(@result, [c.name]), result: @result)");
}

TEST_CASE("macros: generated nodes carry the call position and fresh ids", "[cel][macros]") {
  const ParseResult r = parse("xs.all(y,\n y)");
  REQUIRE(r.ok());
  const auto& c = std::get<ComprehensionExpr>(r.expr->kind);
  CHECK(r.expr->line == 1);
  CHECK(r.expr->column == 7);  // the '(' of the macro call
  CHECK(c.accu_init->column == 7);
  CHECK(c.loop_condition->column == 7);
  const auto& step = std::get<CallExpr>(c.loop_step->kind);
  CHECK(step.args[1]->line == 2);  // the predicate keeps its own position
  CHECK(step.args[1]->column == 2);
  CHECK(c.iter_range->column == 1);

  // optMap copies its target; every node still has its own id.
  const ParseResult o = parse("a.b.optMap(x, [x, x])");
  REQUIRE(o.ok());
  std::set<int64_t> ids;
  size_t nodes = 0;
  std::function<void(const Expr*)> walk = [&](const Expr* e) {
    if (e == nullptr) return;
    ++nodes;
    ids.insert(e->id);
    if (const auto* call = std::get_if<CallExpr>(&e->kind)) {
      walk(call->target.get());
      for (const auto& a : call->args) walk(a.get());
    } else if (const auto* s = std::get_if<SelectExpr>(&e->kind)) {
      walk(s->operand.get());
    } else if (const auto* l = std::get_if<ListExpr>(&e->kind)) {
      for (const auto& el : l->elements) walk(el.get());
    } else if (const auto* k = std::get_if<ComprehensionExpr>(&e->kind)) {
      for (const Expr* part : {k->iter_range.get(), k->accu_init.get(), k->loop_condition.get(), k->loop_step.get(),
                               k->result.get()})
        walk(part);
    }
  };
  walk(o.expr.get());
  CHECK(nodes == 16);
  CHECK(ids.size() == nodes);
}

}  // namespace
}  // namespace tollgate::cel
