// The checker infers types as cel-go's does: one mapping of type variables
// for the whole expression, and the first overload that fits a still-free
// type (an empty list's elements) decides it.
#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel;
using namespace tollgate::cel::testing;

namespace {

std::string type_of(std::string_view expr) {
  CompileOptions options;
  options.identifiers = {"object"};
  auto compiled = Environment::kubernetes()->compile(expr, options);
  return compiled.ok() ? compiled.type.to_string() : "refused: " + compiled.error->message;
}

}  // namespace

TEST_CASE("an empty list's element type is fixed by the first overload that fits", "[cel][checker]") {
  // negate_double, multiply_double and divide_double are declared before their int forms.
  CHECK(type_of("[].map(x, -x)") == "list(double)");
  CHECK_FALSE(k8s("[].map(x, -x) + [1, 2]").compiled);
  CHECK_FALSE(k8s("[].map(x, x * x < 100, x - 1)").compiled);
  CHECK_FALSE(k8s("[].map(x, x / x > 0, x - 1)").compiled);
  // modulo has no double form: x is an int.
  CHECK(type_of("[].map(x, x % 3) + [1]") == "list(int)");
  // Kubernetes declares min() for int first.
  CHECK(type_of("[].min()") == "int");
  CHECK_FALSE(k8s("[].min().findAll('a')").compiled);
  CHECK_FALSE(k8s("'a' + [].min()").compiled);
  // size() is declared for bytes first, and the relations for bool first.
  CHECK(type_of("[].map(x, size(x))") == "list(int)");
  CHECK_FALSE(k8s("[].filter(s, size(s) > 0 && s.startsWith('a'))").compiled);
  CHECK(type_of("[].filter(b, b < true)") == "list(bool)");
  // Nothing constrains it: dyn.
  CHECK(type_of("[]") == "list(dyn)");
  CHECK(type_of("[].map(x, x)") == "list(dyn)");
}

TEST_CASE("literal element types join, and Kubernetes wants them equal", "[cel][checker]") {
  CHECK(type_of("[[], [1]]") == "list(list(int))");
  CHECK(type_of("{'a': [], 'b': ['x']}") == "map(string, list(string))");
  CHECK_FALSE(k8s("[[1], [dyn(2)]]").compiled);
  CHECK_FALSE(k8s("[object.name, 'x']", {{"object", json("{}")}}).compiled);
  CHECK(type_of("[dyn(object.name), dyn('x')]") == "list(dyn)");
  // An optional element counts with its value type; free types count as dyn.
  CHECK(type_of("[?object.?a, object.b]") == "list(dyn)");
  CHECK(show(k8s("[?[][?1], object.kind]", {{"object", json(R"({"kind": "Pod"})")}})) == R"(["Pod"])");
  CHECK_FALSE(k8s("[?1]").compiled);  // `?e` must be optional
}

TEST_CASE("field selection needs a map, dyn or a free type", "[cel][checker]") {
  CHECK_FALSE(k8s("'abc'.?x").compiled);
  CHECK_FALSE(k8s("duration('1s').seconds").compiled);
  CHECK(show(k8s("dyn('abc').?x.hasValue()")) == "false");
  CHECK_FALSE(k8s("has('abc'.x)").compiled);
  CHECK(show(k8s("has(dyn('abc').x)")) == "false");
  CHECK(type_of("[].map(x, x.a)") == "list(dyn)");
  CHECK(type_of("{'a': {'b': 1}}.a.b") == "int");
  CHECK(type_of("{'a': {'b': 1}}.?a.b") == "optional_type(int)");
}
