#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("all/exists fold like && and ||, absorbing element errors", "[cel][comprehension]") {
  CHECK(show(standard("[1, 'foo', 2].all(e, e % 2 == 1)")) == "false");
  CHECK(standard("[1, 'foo', 3].all(e, e % 2 == 1)").eval_error());
  CHECK(show(standard("[1, 'foo', 3].exists(e, e == 3)")) == "true");
  CHECK(standard("[1, 'foo', 5].exists(e, e > 5)").eval_error());
  // Equality never fails, so nothing surfaces here.
  CHECK(show(standard("[1, 'foo', 5].exists(e, e == 3)")) == "false");
  CHECK(show(k8s("[].all(e, false)")) == "true");
  CHECK(show(k8s("[].exists(e, true)")) == "false");
}

TEST_CASE("exists_one, map and filter are strict", "[cel][comprehension]") {
  CHECK(show(k8s("[1, 2, 3].exists_one(e, e > 2)")) == "true");
  CHECK(show(k8s("[1, 2, 3].exists_one(e, e > 1)")) == "false");
  CHECK(standard("[1, 'a', 3].exists_one(e, e > 2)").eval_error());
  CHECK(show(k8s("[1, 2, 3].map(e, e * 2)")) == "[2,4,6]");
  CHECK(show(k8s("[1, 2, 3].map(e, e > 1, e * 10)")) == "[20,30]");
  CHECK(show(k8s("[1, 2, 3, 4].filter(e, e % 2 == 0)")) == "[2,4]");
  CHECK(show(k8s("[1, 0].map(e, 10 / e)")) == "error: division by zero");
}

TEST_CASE("maps iterate keys, two-variable forms see index or key and value", "[cel][comprehension]") {
  CHECK(show(k8s("{'a': 1, 'b': 2}.map(k, k)")) == R"(["a","b"])");
  CHECK(show(k8s("{'a': 1, 'b': 2}.all(k, v, v > 0)")) == "true");
  CHECK(show(k8s("['x', 'y'].exists(i, v, i == 1 && v == 'y')")) == "true");
  CHECK(show(k8s("['x', 'y'].transformList(i, v, v + string(i))")) == R"(["x0","y1"])");
  CHECK(show(k8s("{'a': 1}.transformMap(k, v, v + 1)")) == R"({"a":2})");
  CHECK(show(k8s("[1, 2].transformMapEntry(i, v, {string(v): i})")) == R"({"1":0,"2":1})");
}

TEST_CASE("comprehension variables shadow outer names", "[cel][comprehension]") {
  CHECK(show(k8s("[[1], [2, 3]].all(x, x.all(x, x > 0))")) == "true");
  CHECK(show(k8s("x.map(x, x + 1)", {{"x", json("[1, 2]")}})) == "[2,3]");
  CHECK(show(k8s("[1, 2].map(y, x + y)", {{"x", json("10")}})) == "[11,12]");
}

TEST_CASE("iterating a non-collection is an error", "[cel][comprehension]") {
  CHECK(k8s("x.all(e, true)", {{"x", json("5")}}).eval_error());
  CHECK_FALSE(k8s("5.all(e, true)").compiled);
}

TEST_CASE("the second variable over a dyn range has no type, as in cel-go v0.22", "[cel][comprehension]") {
  const auto labels = json(R"({"a": "b", "c": "c"})");
  // Functions that need a concrete type refuse it; equality with a dyn does not.
  CHECK_FALSE(k8s("m.all(k, v, v != '')", {{"m", labels}}).compiled);
  CHECK_FALSE(k8s("m.exists(k, v, v.startsWith(k))", {{"m", labels}}).compiled);
  CHECK_FALSE(k8s("m.existsOne(k, v, size(v) > 0)", {{"m", labels}}).compiled);
  CHECK(show(k8s("m.exists(k, v, k == v)", {{"m", labels}})) == "true");
  CHECK(show(k8s("m.all(k, v, dyn(v) != '')", {{"m", labels}})) == "true");
  // Typed ranges type both variables.
  CHECK(show(k8s("{'a': 'b'}.all(k, v, v != '')")) == "true");
  CHECK(show(k8s("['x'].all(i, v, v.startsWith('x') && i == 0)")) == "true");
}
