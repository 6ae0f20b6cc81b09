// MutatingAdmissionPolicy's CEL surface: Object{...} and JSONPatch{...}
// literals and jsonpatch.escapeKey, available only when asked for.
#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"
#include "rules/cel/k8s/mutation_library.h"

namespace {

using namespace tollgate::cel;
using namespace tollgate::cel::testing;

struct Compiled {
  CompileResult result;
  std::string show(const std::vector<std::pair<std::string, Value>>& bindings = {}) const {
    if (!result.ok()) return "compile error: " + result.error->message;
    Activation act;
    for (const auto& b : bindings) act.identifiers.push_back(b.second);
    auto r = result.program->evaluate(act);
    if (!r.ok()) return "error: " + *r.error;
    return r.value.as_opaque().debug_string();
  }
};

Compiled mutating(std::string_view expr, std::vector<std::string> names = {}) {
  CompileOptions options;
  options.identifiers = std::move(names);
  options.struct_types = &mutation_struct_types();
  return Compiled{Environment::kubernetes_mutating()->compile(expr, options)};
}

Outcome run_mutating(std::string_view expr, const std::vector<std::pair<std::string, Value>>& bindings = {}) {
  CompileOptions options;
  Activation activation;
  for (const auto& [name, v] : bindings) {
    options.identifiers.push_back(name);
    activation.identifiers.push_back(v);
  }
  options.struct_types = &mutation_struct_types();
  Outcome out;
  auto compiled = Environment::kubernetes_mutating()->compile(expr, options);
  if (!compiled.ok()) {
    out.compile_error = compiled.error->message;
    return out;
  }
  out.compiled = true;
  out.result = compiled.program->evaluate(activation);
  return out;
}

}  // namespace

TEST_CASE("An Object literal has the type named by its path and keeps the fields it was given") {
  auto c = mutating("Object{spec: Object.spec{replicas: object.spec.replicas + 100}}", {"object"});
  REQUIRE(c.result.ok());
  CHECK(c.result.type.to_string() == "Object");
  CHECK(c.show({{"object", json(R"({"spec":{"replicas":1}})")}}) == R"(Object{"spec":Object.spec{"replicas":101}})");
}

TEST_CASE("Object literals are undeclared outside the mutating environment") {
  CHECK(show(k8s("Object{}")) == "compile error: undeclared reference to 'Object' (in container '')");
  CHECK(show(k8s("jsonpatch.escapeKey('a')")).starts_with("compile error: undeclared reference to 'jsonpatch"));
}

TEST_CASE("Object fields can be read back, tested with has() and compared") {
  CHECK(show(run_mutating("Object{field: 'x'}.field")) == R"("x")");
  CHECK(show(run_mutating("has(Object{field: 'x'}.field)")) == "true");
  CHECK(show(run_mutating("has(Object{field: 'x'}.other)")) == "false");
  CHECK(show(run_mutating("Object{a: 1} == Object{a: 1}")) == "true");
  CHECK(show(run_mutating("Object{a: 1} == Object{a: 2}")) == "false");
  CHECK(show(run_mutating("Object.spec{a: 1} == Object.spec{a: 1.0}")) == "true");
  CHECK(show(run_mutating("type(Object.spec{}) == type(Object.spec{})")) == "true");
}

TEST_CASE("A JSONPatch literal type-checks its string fields") {
  auto c = mutating("[JSONPatch{op: 'add', path: '/a', value: 1}]");
  REQUIRE(c.result.ok());
  CHECK(c.result.type.to_string() == "list(JSONPatch)");
  CHECK(show(run_mutating("JSONPatch{op: 1}")) ==
        "compile error: expected type of field 'op' is 'string' but provided type is 'int'");
}

TEST_CASE("A JSONPatch built from dynamic values refuses non-string ops and unknown fields at run time") {
  CHECK(show(run_mutating("JSONPatch{op: dyn(1)}")) == "error: unexpected type int64 for JSONPatchType 'op' field");
  CHECK(show(run_mutating("JSONPatch{op: 'add', bogus: 1}")) == "error: unexpected JSONPatchType field: bogus");
}

TEST_CASE("Unset JSONPatch string fields read as empty and are not set") {
  CHECK(show(run_mutating("JSONPatch{op: 'add'}.from")) == R"("")");
  CHECK(show(run_mutating("has(JSONPatch{op: 'add'}.from)")) == "false");
  CHECK(show(run_mutating("has(JSONPatch{op: 'add', from: ''}.from)")) == "false");
  CHECK(show(run_mutating("has(JSONPatch{op: 'add'}.op)")) == "true");
  CHECK(show(run_mutating("has(JSONPatch{op: 'add'}.value)")) == "false");
  CHECK(show(run_mutating("JSONPatch{op: 'add', path: '/a'} == JSONPatch{path: '/a', op: 'add'}")) == "true");
}

TEST_CASE("jsonpatch.escapeKey escapes tilde before slash") {
  CHECK(show(run_mutating("jsonpatch.escapeKey('k8s.io/x~y')")) == R"("k8s.io~1x~0y")");
  CHECK(show(run_mutating("jsonpatch.escapeKey('~1')")) == R"("~01")");
}

TEST_CASE("Optional field selection on an Object or JSONPatch literal finds the fields that are set") {
  CHECK(show(run_mutating("Object{spec: Object.spec{replicas: 3}}.?spec.?replicas.orValue(0)")) == "3");
  CHECK(show(run_mutating("Object{spec: Object.spec{}}.?spec.?replicas.orValue(0)")) == "0");
  CHECK(show(run_mutating("Object{}.?spec.hasValue()")) == "false");
  CHECK(show(run_mutating("Object{spec: Object.spec{replicas: 3}}.?spec.replicas.orValue(0)")) == "3");
  CHECK(show(run_mutating("JSONPatch{op: 'add'}.?op.orValue('')")) == R"("add")");
  CHECK(show(run_mutating("JSONPatch{op: 'add'}.?path.hasValue()")) == "false");
}
