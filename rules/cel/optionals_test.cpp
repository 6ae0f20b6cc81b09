#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("optional constructors and accessors", "[cel][optionals]") {
  CHECK(show(k8s("optional.of(1).value()")) == "1");
  CHECK(show(k8s("optional.none().hasValue()")) == "false");
  CHECK(k8s("optional.none().value()").eval_error());
  CHECK(show(k8s("optional.ofNonZeroValue('').hasValue()")) == "false");
  CHECK(show(k8s("optional.ofNonZeroValue([1]).hasValue()")) == "true");
  CHECK(show(k8s("optional.none().orValue(7)")) == "7");
  CHECK(show(k8s("optional.none().or(optional.of(2)).value()")) == "2");
  CHECK(show(k8s("optional.of(1) == optional.of(1) && optional.none() == optional.none()")) == "true");
}

TEST_CASE("optional selection is viral and index chaining yields none", "[cel][optionals]") {
  const auto obj = json(R"({"spec": {"replicas": 3}, "x": null})");
  CHECK(show(k8s("o.?spec.?replicas.orValue(1)", {{"o", obj}})) == "3");
  CHECK(show(k8s("o.?status.?replicas.orValue(1)", {{"o", obj}})) == "1");
  CHECK(show(k8s("o.?status.ready.hasValue()", {{"o", obj}})) == "false");
  CHECK(show(k8s("o.?x.hasValue()", {{"o", obj}})) == "true");
  CHECK(show(k8s("{'a': 1}[?'b'].orValue(0)")) == "0");
  CHECK(show(k8s("[1, 2][?5].hasValue()")) == "false");
  CHECK(show(k8s("has({}.?x.y)")) == "false");
  CHECK(show(k8s("o.?spec.replicas.orValue(1) <= 5", {{"o", obj}})) == "true");
}

TEST_CASE("optional list and map entries are dropped when none", "[cel][optionals]") {
  CHECK(show(k8s("[?optional.none(), ?optional.of(1), 2]")) == "[1,2]");
  CHECK(show(k8s("{?'a': optional.none(), 'b': 2}")) == R"({"b":2})");
  CHECK(show(k8s("optional.of(2).optMap(x, x * 10).value()")) == "20");
  CHECK(show(k8s("optional.none().optMap(x, x * 10).hasValue()")) == "false");
  CHECK(show(k8s("optional.of(2).optFlatMap(x, optional.of(x + 1)).value()")) == "3");
  CHECK(show(k8s("[optional.of(1), optional.none()].unwrapOpt()")) == "[1]");
}

TEST_CASE("optional selection on a scalar or null finds nothing", "[cel][optionals]") {
  CHECK(show(k8s("dyn('abc').?x.hasValue()")) == "false");
  CHECK(show(k8s("o.metadata.name.?missing.orValue(0)", {{"o", json(R"({"metadata": {"name": "n"}})")}})) == "0");
  CHECK(show(k8s("o.?spec.?replicas.orValue(1)", {{"o", json(R"({"spec": null})")}})) == "1");
}
