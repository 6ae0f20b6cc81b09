#include "policies/vap/cel_env.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;

PolicyEnvironment environment(bool params, std::vector<NamedExpression> variables = {}) {
  return PolicyEnvironment(cel::Environment::kubernetes(), params, variables);
}

TEST_CASE("A validation must be exactly bool: dyn is refused", "[vap]") {
  PolicyEnvironment env = environment(false);
  CHECK(env.compile("object.metadata.name", OutputType::Bool).error == "must evaluate to bool but got dyn");
  CHECK(env.compile("1 + 1", OutputType::Bool).error == "must evaluate to bool but got int");
  CHECK(env.compile("object.metadata.name == 'a'", OutputType::Bool).ok());
  CHECK(env.compile("1", OutputType::StringOrNull).error == "must evaluate to one of [string null_type] but got int");
}

TEST_CASE("params is undeclared without a paramKind, with cel-go's caret excerpt", "[vap]") {
  CHECK(environment(false).compile("params.x == 1", OutputType::Bool).error ==
        "compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n"
        " | params.x == 1\n"
        " | ^");
  CHECK(environment(true).compile("params.x == 1", OutputType::Bool).ok());
}

TEST_CASE("Variables are typed by their expression and see only earlier ones", "[vap]") {
  PolicyEnvironment env = environment(false, {{"list", "[1, 2, 3]", ""}, {"isP1", "object.metadata.name == 'p1'", ""}});
  CHECK(env.compile("variables.isP1", OutputType::Bool).ok());
  CHECK(env.compile("variables.list['x'] == 1", OutputType::Bool).error.find(
            "found no matching overload for '_[_]' applied to '(list(int), string)'") != std::string::npos);
  CHECK_FALSE(env.compile("variables.nope", OutputType::Any).ok());
}

TEST_CASE("A variable's failure surfaces through the expression that reads it", "[vap]") {
  PolicyEnvironment env = environment(false, {{"bad", "object.spec.nodeName", ""}});
  CompiledExpression e = env.compile("variables.bad == 'x'", OutputType::Bool);
  REQUIRE(e.ok());
  cel::Activation activation;
  activation.identifiers = {yaml("{spec: {}}"), value::Value(), value::Value::empty_object(), value::Value(), value::Value()};
  VariableScope scope(env, activation);
  activation.variables = &scope;
  cel::EvalResult r = run_expression(e, activation);
  REQUIRE(r.error);
  CHECK(expression_error(e, *r.error) ==
        "expression 'variables.bad == 'x'' resulted in error: composited variable \"bad\" fails to evaluate: no such key: nodeName");
}

TEST_CASE("The request variable drops empty fields and reports the matched kind", "[vap]") {
  value::Value request = yaml(R"({uid: u1, operation: CREATE, kind: {group: extensions, version: v1beta1, kind: Deployment},
    resource: {group: extensions, version: v1beta1, resource: deployments}, subResource: "", name: d, namespace: "",
    userInfo: {username: alice, groups: []}, object: {}, oldObject: null})");
  value::Value view = request_view(request, {"apps", "v1", "Deployment"}, {"apps", "v1", "deployments"});
  CHECK(view.find("uid") == nullptr);
  CHECK(view.find("object") == nullptr);
  CHECK(view.find("subResource") == nullptr);
  CHECK(view.find("namespace") == nullptr);
  CHECK(view["kind"]["group"].as_string() == "apps");
  CHECK(view["requestKind"]["group"].as_string() == "extensions");
  CHECK(view["userInfo"].find("groups") == nullptr);
  CHECK(view["dryRun"].as_bool() == false);
}

}  // namespace
}  // namespace tollgate::policies::vap

namespace tollgate::policies::vap {
namespace {

TEST_CASE("request is typed as Kubernetes declares it: unknown fields refused, known ones typed", "[vap]") {
  PolicyEnvironment env = environment(false);
  CHECK(env.compile("request.uid == ''", OutputType::Bool).error.find("undefined field 'uid'") != std::string::npos);
  CHECK(env.compile("request.userInfo.username", OutputType::StringOrNull).ok());
  CHECK(env.compile("request.dryRun", OutputType::Bool).ok());
  CHECK(env.compile("!has(request.namespace) && 'g' in request.userInfo.groups", OutputType::Bool).ok());
}

}  // namespace
}  // namespace tollgate::policies::vap

namespace tollgate::policies::vap {
namespace {

cel::EvalResult run_with_namespace(const PolicyEnvironment& env, std::string_view text, value::Value ns) {
  CompiledExpression e = env.compile(text, OutputType::Any);
  REQUIRE(e.ok());
  cel::Activation activation;
  activation.identifiers = {value::Value(), value::Value(), value::Value::empty_object(), std::move(ns), value::Value()};
  return run_expression(e, activation);
}

TEST_CASE("namespaceObject is typed as Kubernetes declares it: undeclared fields fail to compile", "[vap]") {
  PolicyEnvironment env = environment(false);
  CHECK(env.compile("size(namespaceObject.metadata.managedFields) == 1", OutputType::Bool).error ==
        "compilation failed: ERROR: <input>:1:30: undefined field 'managedFields'\n"
        " | size(namespaceObject.metadata.managedFields) == 1\n"
        " | .............................^");
  CHECK_FALSE(env.compile("namespaceObject.spec.replicas == 1", OutputType::Bool).ok());
  CHECK(env.compile("has(namespaceObject.metadata.ownerReferences)", OutputType::Bool)
            .error.find("undefined field 'ownerReferences'") != std::string::npos);
  CHECK(env.compile("has(namespaceObject.metadata.labels)", OutputType::Bool).ok());
  CHECK(env.compile("namespaceObject.metadata.labels['env']", OutputType::StringOrNull).ok());
  CHECK(env.compile("namespaceObject.status.conditions.all(c, c.status == 'True')", OutputType::Bool).ok());
  CHECK(env.compile("namespaceObject == null || namespaceObject.metadata.generation > 1", OutputType::Bool).ok());
}

TEST_CASE("namespaceObject stays the Namespace's JSON: declared fields read with the JSON's keys and types", "[vap]") {
  PolicyEnvironment env = environment(false);
  value::Value ns = yaml("{metadata: {name: n1, uid: u1, creationTimestamp: '2024-01-01T00:00:00Z', labels: {a: b}}}");
  CHECK(run_with_namespace(env, "namespaceObject.metadata.labels.a", ns).value == value::Value::string("b"));
  // Declared as UID, serialized as uid.
  CHECK(run_with_namespace(env, "namespaceObject.metadata.UID", ns).error == "no such key: UID");
  // Declared as a timestamp, serialized as a string.
  CHECK(run_with_namespace(env, "namespaceObject.metadata.creationTimestamp.getFullYear()", ns)
            .error.value_or("")
            .starts_with("no such overload"));
  CHECK(run_with_namespace(env, "namespaceObject.metadata.name", value::Value()).error.has_value());
}

TEST_CASE("authorizer is declared for validations but not for message expressions", "[vap]") {
  PolicyEnvironment env = environment(false);
  CHECK(env.compile("authorizer.group('apps').resource('deployments').namespace('n').name('d').check('get').allowed()",
                    OutputType::Bool)
            .ok());
  CHECK(env.compile("authorizer.requestResource.subresource('status').check('update').errored()", OutputType::Bool)
            .ok());
  CHECK(env.compile("authorizer.path('/healthz').check('get').reason()", OutputType::String).ok());
  CHECK(env.compile("authorizer.serviceAccount('ns', 'sa').group('').resource('pods').check('list').error()",
                    OutputType::String)
            .ok());
  CHECK(env.uses_authorizer());
  CHECK(env.compile_without_authorizer("authorizer.path('/x').check('get').reason()", OutputType::String)
            .error.starts_with("compilation failed: ERROR: <input>:1:1: undeclared reference to 'authorizer'"));
  CHECK(env.compile("authorizer.group('').check('get')", OutputType::Any)
            .error.find("found no matching overload for 'check' applied to "
                        "'kubernetes.authorization.GroupCheck.(string)'") != std::string::npos);
}

TEST_CASE("An environment that never names authorizer does not ask for it to be bound", "[vap]") {
  PolicyEnvironment env = environment(false, {{"x", "object.metadata.name", ""}});
  CHECK(env.compile("object.metadata.name == 'a'", OutputType::Bool).ok());
  CHECK_FALSE(env.uses_authorizer());
}

}  // namespace
}  // namespace tollgate::policies::vap
