#include "policies/vap/cel_env.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;

PolicyEnvironment environment(bool params, std::vector<NamedExpression> variables = {}) {
  return PolicyEnvironment(cel::Environment::kubernetes(), params, variables, {}, /*typed_request=*/true);
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
