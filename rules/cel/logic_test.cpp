#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("&& and || absorb errors on either side", "[cel][logic]") {
  const auto obj = json(R"({"a": 1})");
  CHECK(show(k8s("false && x.missing == 1", {{"x", obj}})) == "false");
  CHECK(show(k8s("x.missing == 1 && false", {{"x", obj}})) == "false");
  CHECK(show(k8s("true || x.missing == 1", {{"x", obj}})) == "true");
  CHECK(show(k8s("x.missing == 1 || true", {{"x", obj}})) == "true");
  CHECK(show(k8s("true && x.missing == 1", {{"x", obj}})) == "error: no such key: missing");
  CHECK(show(k8s("x.missing == 1 || false", {{"x", obj}})) == "error: no such key: missing");
}

TEST_CASE("non-bool operands of && count as errors", "[cel][logic]") {
  CHECK(show(standard("false && 32", {})) .rfind("compile error", 0) == 0);
  CHECK(show(run(*tollgate::cel::Environment::standard(), "false && dyn(32)")) == "false");
  CHECK(k8s("dyn('a') && dyn('b')").eval_error());
  CHECK(k8s("!dyn(1)").eval_error());
}

TEST_CASE("the ternary evaluates only the chosen branch", "[cel][logic]") {
  CHECK(show(k8s("false ? 1/0 : 42")) == "42");
  CHECK(show(k8s("true ? 1/0 : 42")) == "error: division by zero");
  CHECK(k8s("dyn(1) ? 1 : 2").eval_error());
  CHECK_FALSE(k8s("true ? 1 : 'a'").compiled);
}

TEST_CASE("logic on bound values", "[cel][logic]") {
  const auto obj = json(R"({"spec": {"replicas": 3, "paused": false}})");
  CHECK(show(k8s("!o.spec.paused && o.spec.replicas > 2", {{"o", obj}})) == "true");
  CHECK(show(k8s("o.spec.paused || o.spec.replicas < 2", {{"o", obj}})) == "false");
}
