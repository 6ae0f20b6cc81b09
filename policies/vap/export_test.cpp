#include "policies/vap/export.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "policies/model/parse_context.h"
#include "policies/test_support.h"
#include "policies/vap/validating_policy_engine.h"
#include "rules/value/json.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;
using value::Value;

// vap-semantics.md §8.12 G01's template, with `source` replaceable.
std::string template_with_source(std::string_view source) {
  return R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: somepolicy}
spec:
  crd: {spec: {names: {kind: SomePolicy}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source: )" + std::string(source) + "\n";
}

const char* kG01Source = R"({failurePolicy: Fail, matchCondition: [{name: must_match_something, expression: "true == true"}],
        variables: [{name: my_variable, expression: "true"}],
        validations: [{expression: "1 == 1", message: "some fallback message", messageExpression: '"some CEL string"'}]})";

std::vector<std::string> names_of(const Value& list) {
  std::vector<std::string> out;
  for (const Value& item : list.items()) out.emplace_back(item["name"].string_or(""));
  return out;
}

TEST_CASE("An exported policy is Gatekeeper's: name, paramKind, match rules, conditions, variables", "[vap][export]") {
  ExportedPolicy p = export_policy(yaml(template_with_source(kG01Source)));
  REQUIRE(p.ok());
  const Value& vap = p.policy;
  CHECK(vap["apiVersion"].string_or("") == "admissionregistration.k8s.io/v1");
  CHECK(vap["kind"].string_or("") == "ValidatingAdmissionPolicy");
  CHECK(vap["metadata"]["name"].string_or("") == "gatekeeper-somepolicy");
  const Value& spec = vap["spec"];
  CHECK(spec["paramKind"] == yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: SomePolicy}"));
  CHECK(spec["matchConstraints"] ==
        yaml("{resourceRules: [{apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: [CREATE, UPDATE]}]}"));
  CHECK(names_of(spec["matchConditions"]) ==
        std::vector<std::string>{"must_match_something", "gatekeeper_internal_match_excluded_namespaces",
                                 "gatekeeper_internal_match_namespaces", "gatekeeper_internal_match_name",
                                 "gatekeeper_internal_match_kinds"});
  CHECK(spec["matchConditions"].items()[0]["expression"].string_or("") == "true == true");
  CHECK(spec["validations"] ==
        yaml(R"([{expression: "1 == 1", message: "some fallback message", messageExpression: '"some CEL string"'}])"));
  CHECK(spec["failurePolicy"].string_or("") == "Fail");
  CHECK(spec["variables"] == yaml(R"([
    {name: anyObject, expression: 'has(request.operation) && request.operation == "DELETE" && object == null ? oldObject : object'},
    {name: params, expression: "!has(params.spec) ? null : !has(params.spec.parameters) ? null: params.spec.parameters"},
    {name: my_variable, expression: "true"}])"));
  CHECK(spec.find("auditAnnotations") == nullptr);
}

TEST_CASE("Gatekeeper's match criteria are copied byte for byte, tabs and CEL comments included", "[vap][export]") {
  // vap-semantics.md §7.3 gives E1–E4 as code blocks: the value is a line
  // feed, the block, a line feed and a tab.
  std::ifstream in(std::string(TOLLGATE_SHARED_DIR) + "/spec/vap-semantics.md");
  std::string spec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!spec.empty());
  ExportedPolicy p = export_policy(yaml(template_with_source(kG01Source)));
  REQUIRE(p.ok());
  const std::vector<Value>& conditions = p.policy["spec"]["matchConditions"].items();
  REQUIRE(conditions.size() == 5);
  for (int i = 1; i <= 4; ++i) {
    const std::string name(conditions[i]["name"].string_or(""));
    const std::string heading = "E" + std::to_string(i) + " `" + name + "`:\n```\n";
    size_t start = spec.find(heading);
    REQUIRE(start != std::string::npos);
    start += heading.size();
    size_t end = spec.find("\n```", start);
    REQUIRE(end != std::string::npos);
    CHECK(conditions[i]["expression"].string_or("") == "\n" + spec.substr(start, end - start) + "\n\t");
  }
}

TEST_CASE("An exported policy without failurePolicy fails closed, and v1beta1 can be asked for", "[vap][export]") {
  ExportOptions beta;
  beta.api_version = "admissionregistration.k8s.io/v1beta1";
  ExportedPolicy p = export_policy(yaml(template_with_source("{validations: [{expression: 'true'}]}")), beta);
  REQUIRE(p.ok());
  CHECK(p.policy["apiVersion"].string_or("") == "admissionregistration.k8s.io/v1beta1");
  CHECK(p.policy["spec"]["failurePolicy"].string_or("") == "Fail");
  CHECK(p.policy["spec"]["validations"] == yaml("[{expression: 'true'}]"));
  CHECK(p.policy["spec"]["matchConditions"].items().size() == 4);
  CHECK_FALSE(p.generate_vap.has_value());
}

TEST_CASE("A template Gatekeeper cannot export is refused with its reason and the template's name", "[vap][export]") {
  SECTION("reserved match condition name") {
    ExportedPolicy p = export_policy(yaml(template_with_source(
        "{matchCondition: [{name: gatekeeper_internal_match_something, expression: 'true == true'}]}")));
    CHECK(p.error ==
          "template somepolicy: invalid match condition: gatekeeper_internal_match_something is not a valid match "
          "condition; cannot have \"gatekeeper_internal_\" as a prefix");
  }
  SECTION("reserved variable names") {
    CHECK(export_policy(yaml(template_with_source("{variables: [{name: params, expression: 'true'}]}"))).error ==
          "template somepolicy: invalid variable definition: params an invalid variable name, \"params\" is a "
          "reserved keyword");
    CHECK(export_policy(yaml(template_with_source("{variables: [{name: anyObject, expression: 'true'}]}"))).error ==
          "template somepolicy: invalid variable definition: anyObject an invalid variable name, \"anyObject\" is a "
          "reserved keyword");
  }
  SECTION("unknown failure policy") {
    CHECK(export_policy(yaml(template_with_source("{failurePolicy: Sometimes}"))).error ==
          "template somepolicy: invalid failure policy: unrecognized failure policy: Sometimes");
  }
  SECTION("source that is not an object") {
    CHECK(export_policy(yaml(template_with_source("just-text"))).error ==
          "template somepolicy: could not recognize the type");
  }
  SECTION("Rego only") {
    Value rego_only = yaml(R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdenyall}
spec:
  crd: {spec: {names: {kind: K8sDenyAll}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: "package x\nviolation[{\"msg\": \"no\"}] { true }"
)");
    ExportedPolicy p = export_policy(rego_only);
    CHECK_FALSE(p.ok());
    CHECK(p.error.rfind("template k8sdenyall: K8sNativeValidation engine is missing (the template has only Rego", 0) == 0);
  }
  SECTION("two targets") {
    Value two = yaml(template_with_source("{validations: [{expression: 'true'}]}"));
    Value targets = Value::array({two["spec"]["targets"].items()[0], two["spec"]["targets"].items()[0]});
    Value spec = value::with_entry(two["spec"], "targets", targets);
    CHECK(export_policy(value::with_entry(two, "spec", spec)).error ==
          "template somepolicy: wrong number of targets defined, only 1 target allowed");
  }
}

const char* kG02Constraint = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: SomePolicy
metadata: {name: my-constraint}
spec: {match: {labelSelector: {matchLabels: {a: b}}, namespaceSelector: {matchLabels: {team: x}}}})";

TEST_CASE("A constraint's binding names it as the param and carries its selectors and actions", "[vap][export]") {
  ExportedBinding b = export_binding(yaml(kG02Constraint));
  REQUIRE(b.ok());
  CHECK(b.binding == yaml(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: gatekeeper-my-constraint}
spec:
  policyName: gatekeeper-somepolicy
  paramRef: {name: my-constraint, parameterNotFoundAction: Allow}
  matchResources: {objectSelector: {matchLabels: {a: b}}, namespaceSelector: {matchLabels: {team: x}}}
  validationActions: [Deny])"));

  CHECK(export_binding_with_actions(yaml(kG02Constraint), {"warn"}).binding["spec"]["validationActions"] == yaml("[Warn]"));
  CHECK(export_binding_with_actions(yaml(kG02Constraint), {"dryrun"}).error ==
        "constraint my-constraint: invalid enforcement action: unrecognized enforcement action dryrun, must be "
        "`warn` or `deny`");
  CHECK(export_binding_with_actions(yaml(kG02Constraint), {}).error ==
        "constraint my-constraint: invalid enforcement action: enforcement actions must be provided");
  Value no_match = yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: SomePolicy, metadata: {name: c}}");
  CHECK(export_binding(no_match).binding["spec"]["matchResources"] == Value::empty_object());
}

TEST_CASE("Binding actions follow the constraint's enforcementAction, scoped ones at vap.k8s.io", "[vap][export]") {
  auto actions = [](std::string_view spec) {
    return binding_actions(
        yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: SomePolicy, metadata: {name: c}, spec: " +
             std::string(spec) + "}"));
  };
  CHECK(actions("{}") == std::vector<std::string>{"deny"});
  CHECK(actions("{enforcementAction: warn}") == std::vector<std::string>{"warn"});
  CHECK(actions("{enforcementAction: scoped, scopedEnforcementActions: [{action: deny, enforcementPoints: "
                "[{name: validation.gatekeeper.sh}, {name: vap.k8s.io}]}, {action: warn, enforcementPoints: "
                "[{name: validation.gatekeeper.sh}]}]}") == std::vector<std::string>{"deny"});
  CHECK(actions("{enforcementAction: scoped, scopedEnforcementActions: [{action: warn, enforcementPoints: "
                "[{name: '*'}]}]}") == std::vector<std::string>{"warn"});

  ExportedBinding none = export_binding(
      yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: SomePolicy, metadata: {name: c}, spec: "
           "{enforcementAction: scoped, scopedEnforcementActions: [{action: deny, enforcementPoints: "
           "[{name: audit.gatekeeper.sh}]}]}}"));
  CHECK(none.ok());
  CHECK(none.binding.is_null());
  CHECK(none.skipped.find("no binding") != std::string::npos);
}

// §8.12 G03: the exported policy, bound to a constraint with this match,
// on a request for FooGroup/BarKind.
bool exported_policy_matches(std::string_view match, std::string_view object,
                             std::string_view constraint_version = "v1beta1") {
  ExportedPolicy p = export_policy(yaml(template_with_source("{validations: [{expression: 'false', message: hit}]}")));
  REQUIRE(p.ok());
  Value constraint = yaml("{apiVersion: constraints.gatekeeper.sh/" + std::string(constraint_version) +
                          ", kind: SomePolicy, metadata: {name: c}, spec: {match: " + std::string(match) + "}}");
  ExportedBinding b = export_binding(constraint);
  REQUIRE(b.ok());
  std::vector<LoadError> errors;
  ObjectOrigin origin;
  ParseContext ctx(origin, errors);
  auto policy = parse_validating_policy(p.policy, ctx);
  auto binding = parse_validating_policy_binding(b.binding, ctx);
  REQUIRE(errors.empty());
  auto engine = ValidatingPolicyEngine::build({*policy}, {*binding}, {constraint}, {});
  Value request = yaml("{operation: CREATE, kind: {group: FooGroup, version: v1, kind: BarKind}, "
                       "resource: {group: FooGroup, version: v1, resource: barkinds}, userInfo: {}, object: " +
                       std::string(object) + "}");
  struct NoNamespaces final : NamespaceLookup {
    const Value* find_namespace(std::string_view) const override { return nullptr; }
  };
  VapOutcome out = engine->evaluate(request, NoNamespaces());
  return !out.allowed && out.message.find("hit") != std::string::npos;
}

TEST_CASE("The exported match criteria select what the constraint's match selects", "[vap][export]") {
  const char* named = "{metadata: {name: somename}}";
  CHECK(exported_policy_matches("{kinds: [{kinds: [BarKind]}]}", named));
  CHECK_FALSE(exported_policy_matches("{kinds: [{apiGroups: ['*'], kinds: [OtherKind]}]}", named));
  CHECK(exported_policy_matches("{kinds: [{kinds: [OtherKind]}, {apiGroups: [FooGroup]}]}", named));
  CHECK(exported_policy_matches("{name: somename}", named));
  CHECK_FALSE(exported_policy_matches("{name: middle}", "{metadata: {name: somemiddlename}}"));
  CHECK(exported_policy_matches("{name: '*middle*'}", "{metadata: {name: somemiddlename}}"));
  CHECK(exported_policy_matches("{name: 'somename*'}", "{metadata: {generateName: somename-}}"));
  CHECK_FALSE(exported_policy_matches("{name: somename}", "{metadata: {generateName: somename-}}"));
  CHECK(exported_policy_matches("{namespaces: ['some*']}", "{metadata: {name: x, namespace: somename}}"));
  CHECK_FALSE(exported_policy_matches("{namespaces: [somename]}", "{metadata: {name: x, namespace: other}}"));
  CHECK(exported_policy_matches("{namespaces: [somename]}", "{metadata: {name: x}}"));
  CHECK_FALSE(exported_policy_matches("{excludedNamespaces: [somename]}", "{metadata: {name: x, namespace: somename}}"));
  CHECK(exported_policy_matches("{excludedNamespaces: [somename]}", "{metadata: {name: x, namespace: other}}"));
}

TEST_CASE("A constraint written at another served version is still the exported binding's param", "[vap][export]") {
  // Gatekeeper's constraint CRDs serve v1, v1beta1 and v1alpha1: the API
  // server finds a constraint stored as v1 through paramKind .../v1beta1.
  CHECK(exported_policy_matches("{kinds: [{kinds: [BarKind]}]}", "{metadata: {name: x}}", "v1"));
  CHECK(exported_policy_matches("{kinds: [{kinds: [BarKind]}]}", "{metadata: {name: x}}", "v1alpha1"));
}

}  // namespace
}  // namespace tollgate::policies::vap
