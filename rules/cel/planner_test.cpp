#include <catch2/catch.hpp>

#include <map>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel;
using namespace tollgate::cel::testing;
using tollgate::value::Value;

namespace {

// Memoising variables, as ValidatingAdmissionPolicy evaluates them; counts
// how often each is computed.
class CountingVariables final : public LazyVariables {
 public:
  explicit CountingVariables(std::vector<Value> values) : values_(std::move(values)), cache_(values_.size()) {}
  const EvalResult& get(size_t index) override {
    if (!cache_[index]) {
      ++computed[index];
      EvalResult r;
      r.value = values_[index];
      if (values_[index].is_null()) r.error = "variable failed";
      cache_[index] = r;
    }
    return *cache_[index];
  }
  std::map<size_t, int> computed;

 private:
  std::vector<Value> values_;
  std::vector<std::optional<EvalResult>> cache_;
};

}  // namespace

TEST_CASE("undeclared names are compile errors with cel-go's text", "[cel][planner]") {
  CHECK(show(k8s("foo + 1")) == "compile error: undeclared reference to 'foo' (in container '')");
  CHECK(show(k8s("nosuchfn(1)")) == "compile error: undeclared reference to 'nosuchfn' (in container '')");
  CHECK(show(k8s("'a'.startsWith(1)")) ==
        "compile error: found no matching overload for 'startsWith' applied to 'string.(int)'");
  CompileOptions options;
  options.identifiers = {"a"};
  auto compiled = Environment::kubernetes()->compile("a +\n  b", options);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.error->line == 2);
}

TEST_CASE("identifiers resolve to activation slots in declaration order", "[cel][planner]") {
  CompileOptions options;
  options.identifiers = {"object", "oldObject", "params"};
  auto compiled = Environment::kubernetes()->compile("params.max - object.n + oldObject.n", options);
  REQUIRE(compiled.ok());
  Activation act;
  act.identifiers = {json(R"({"n": 2})"), json(R"({"n": 10})"), json(R"({"max": 5})")};
  auto r = compiled.program->evaluate(act);
  REQUIRE(r.ok());
  CHECK(r.value.as_int() == 13);
  CHECK(compiled.program->source() == "params.max - object.n + oldObject.n");
}

TEST_CASE("variables.<name> reads lazy variables by index, computing each once", "[cel][planner]") {
  CompileOptions options;
  options.identifiers = {"object"};
  options.lazy_variables = {"first", "second", "broken"};
  auto compiled = Environment::kubernetes()->compile(
      "variables.second.size() + variables.second.size() + variables.first", options);
  REQUIRE(compiled.ok());
  CountingVariables vars({Value::integer(100), json("[1, 2, 3]"), Value()});
  Activation act;
  act.identifiers = {Value()};
  act.variables = &vars;
  auto r = compiled.program->evaluate(act);
  REQUIRE(r.ok());
  CHECK(r.value.as_int() == 106);
  CHECK(vars.computed[0] == 1);
  CHECK(vars.computed[1] == 1);
  CHECK(vars.computed.count(2) == 0);

  auto failing = Environment::kubernetes()->compile("variables.broken == 1 || true", options);
  REQUIRE(failing.ok());
  CHECK(failing.program->evaluate(act).ok());
  auto strict = Environment::kubernetes()->compile("variables.broken == 1", options);
  CHECK(*strict.program->evaluate(act).error == "variable failed");
  CHECK_FALSE(Environment::kubernetes()->compile("variables.unknown", options).ok());
}

TEST_CASE("has(variables.<name>) is true for every declared variable, even a null one", "[cel][planner]") {
  // The proc-mount and seccompv2 library templates test `!has(variables.params)`.
  CompileOptions options;
  options.lazy_variables = {"params", "broken"};
  CountingVariables vars({Value(), Value()});
  Activation act;
  act.variables = &vars;
  auto compiled = Environment::kubernetes()->compile("has(variables.params) && has(variables.broken)", options);
  REQUIRE(compiled.ok());
  auto r = compiled.program->evaluate(act);
  REQUIRE(r.ok());
  CHECK(r.value.as_bool());
  CHECK(vars.computed.empty());
  auto unknown = Environment::kubernetes()->compile("has(variables.missing)", options);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error->message == "undefined field 'missing'");
}

TEST_CASE("a program is immutable and can be evaluated repeatedly with different data", "[cel][planner]") {
  CompileOptions options;
  options.identifiers = {"x"};
  auto compiled = Environment::kubernetes()->compile("x.items.filter(i, i > 1).size()", options);
  REQUIRE(compiled.ok());
  for (int n = 0; n < 5; ++n) {
    std::vector<Value> items;
    for (int i = 0; i <= n; ++i) items.push_back(Value::integer(i));
    Activation act;
    act.identifiers = {tollgate::value::ObjectBuilder().add("items", Value::array(items)).build()};
    auto r = compiled.program->evaluate(act);
    REQUIRE(r.ok());
    CHECK(r.value.as_int() == std::max(0, n - 1));
  }
}

TEST_CASE("Kubernetes requires homogeneous aggregate literals", "[cel][planner]") {
  CHECK_FALSE(k8s("[1, 'a']").compiled);
  CHECK_FALSE(k8s("{'a': 1, 'b': 'x'}").compiled);
  CHECK_FALSE(k8s("[o.name, 'x']", {{"o", json("{}")}}).compiled);
  CHECK(show(k8s("[dyn(o.name), dyn('x')]", {{"o", json(R"({"name": "n"})")}})) == R"(["n","x"])");
  CHECK(show(k8s("'%s/%d'.format(['a', 1])")) == R"("a/1")");
  CHECK(show(standard("[1, 'a'].size()")) == "2");
}

TEST_CASE("map literals: duplicate keys error, lookups are numerically cross-type", "[cel][planner]") {
  CHECK(k8s("{'a': 1, 'a': 2}").eval_error());
  CHECK(show(standard("{1u: 'a'}[dyn(1)]")) == R"("a")");
  CHECK(show(standard("{3u: 3.0}[dyn(3.0)] == 3.0")) == "true");
  CHECK(show(standard("{3u: 3.0}[dyn(3.1)]")) == "error: no such key: 3.1");
  CHECK(show(k8s("{'a': 1}['b']")) == "error: no such key: b");
  CHECK(k8s("[1, 2][2]").eval_error());
  CHECK(show(k8s("'b' in {'a': 1, 'b': 2} && 2 in [1, 2]")) == "true");
  CHECK(show(k8s("type(1) == int && type('a') == string && type([]) == list && type(type(1)) == type")) == "true");
}

TEST_CASE("field selection errors and has()", "[cel][planner]") {
  const auto obj = json(R"({"a": {"b": null}, "n": 1})");
  CHECK(show(k8s("o.missing", {{"o", obj}})) == "error: no such key: missing");
  CHECK(show(k8s("has(o.a.b)", {{"o", obj}})) == "true");
  CHECK(show(k8s("has(o.a.c)", {{"o", obj}})) == "false");
  CHECK(show(k8s("has(o.x.c)", {{"o", obj}})) == "error: no such key: x");
  CHECK(show(k8s("has(o.n.c)", {{"o", obj}})) == "false");
  CHECK(show(k8s("o.n.c", {{"o", obj}})) == "error: no such key: c");
  CHECK(show(k8s("o['a']['b'] == null", {{"o", obj}})) == "true");
}
