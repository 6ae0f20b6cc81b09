// MutatingAdmissionPolicy evaluation: mutations applied in order across
// policies, reinvocation, failurePolicy and the dispatcher's error response.
#include "policies/vap/mutating_policy_engine.h"

#include <catch2/catch.hpp>

#include "policies/model/parse_context.h"
#include "policies/test_support.h"
#include "rules/value/json.h"

namespace {

using namespace tollgate;
using namespace tollgate::policies::vap;
using value::Value;

class NoNamespaces final : public NamespaceLookup {
 public:
  const Value* find_namespace(std::string_view name) const override {
    static const Value ns = policies::testing::yaml("{apiVersion: v1, kind: Namespace, metadata: {name: default}}");
    return name == "default" ? &ns : nullptr;
  }
};

const char* kRequest = R"(
operation: CREATE
kind: {group: apps, version: v1, kind: Deployment}
resource: {group: apps, version: v1, resource: deployments}
namespace: default
name: d1
object:
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d1, namespace: default, labels: {app: web}}
  spec:
    replicas: 1
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: a, image: nginx}]}
)";

std::string policy_yaml(const std::string& name, const std::string& spec_extra) {
  return "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata: {name: " + name +
         "}\nspec:\n  reinvocationPolicy: Never\n  matchConstraints:\n    resourceRules: [{apiGroups: [apps], "
         "apiVersions: [v1], resources: [deployments], operations: ['*']}]\n" +
         spec_extra;
}

MapOutcome run(const std::vector<std::string>& policy_docs, const std::vector<std::string>& binding_docs,
               std::vector<Value> params = {}) {
  std::vector<policies::LoadError> errors;
  policies::ObjectOrigin origin;
  policies::ParseContext ctx(origin, errors);
  std::vector<MutatingAdmissionPolicy> ps;
  std::vector<MutatingAdmissionPolicyBinding> bs;
  for (const auto& d : policy_docs) ps.push_back(*parse_mutating_policy(policies::testing::yaml(d), ctx));
  for (const auto& d : binding_docs) bs.push_back(*parse_mutating_policy_binding(policies::testing::yaml(d), ctx));
  REQUIRE(errors.empty());
  auto engine = MutatingPolicyEngine::build(std::move(ps), std::move(bs), std::move(params));
  return engine->evaluate(policies::testing::yaml(kRequest), NoNamespaces());
}

std::string binding(const std::string& name, const std::string& policy, const std::string& extra = "") {
  return "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicyBinding\nmetadata: {name: " +
         name + "}\nspec:\n  policyName: " + policy + "\n" + extra;
}

std::string at(const MapOutcome& o, std::initializer_list<std::string_view> keys) {
  const Value* v = o.object.path(keys);
  return v ? value::to_json(*v) : "absent";
}

}  // namespace

TEST_CASE("A MutatingAdmissionPolicy mutation computed from the object is applied") {
  auto o = run({policy_yaml("m", "  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "
                                 "'Object{spec: Object.spec{replicas: object.spec.replicas + 100}}'}}]\n")},
               {binding("mb", "m")});
  CHECK(o.allowed);
  CHECK(o.mutated);
  CHECK(at(o, {"spec", "replicas"}) == "101");
}

TEST_CASE("Each mutation of a MutatingAdmissionPolicy sees the result of the one before") {
  auto o = run({policy_yaml("m", R"(  mutations:
  - {patchType: ApplyConfiguration, applyConfiguration: {expression: 'Object{spec: Object.spec{replicas: object.spec.replicas + 100}}'}}
  - {patchType: JSONPatch, jsonPatch: {expression: "[JSONPatch{op: 'replace', path: '/spec/replicas', value: object.spec.replicas + 10}]"}}
)")},
               {binding("mb", "m")});
  CHECK(at(o, {"spec", "replicas"}) == "111");
}

TEST_CASE("A MutatingAdmissionPolicy error denies with the dispatcher's message, unless failurePolicy is Ignore") {
  const std::string mutation =
      "  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: \"Object{spec: "
      "Object.spec{selector: Object.spec.selector{matchLabels: {'l': 'v'}}}}\"}}]\n";
  auto denied = run({policy_yaml("m", mutation)}, {binding("mb", "m")});
  CHECK_FALSE(denied.allowed);
  CHECK(denied.code == 403);
  CHECK(denied.reason == "Invalid");
  CHECK(denied.message ==
        "policy 'm' with binding 'mb' denied request: error applying patch: invalid ApplyConfiguration: may not "
        "mutate atomic arrays, maps or structs: .spec.selector");
  auto ignored = run({policy_yaml("m", mutation + "  failurePolicy: Ignore\n")}, {binding("mb", "m")});
  CHECK(ignored.allowed);
  CHECK_FALSE(ignored.mutated);
}

TEST_CASE("A MutatingAdmissionPolicy binding whose Deny params are missing is a configuration error") {
  const std::string p = policy_yaml("m", R"(  paramKind: {apiVersion: v1, kind: ConfigMap}
  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "Object{spec: Object.spec{replicas: object.spec.replicas + int(params.data['key'])}}"}}]
)");
  const std::string b = binding("mb", "m", "  paramRef: {name: cm1, namespace: default, parameterNotFoundAction: Deny}\n");
  auto with = run({p}, {b}, {policies::testing::yaml(
                               "{apiVersion: v1, kind: ConfigMap, metadata: {name: cm1, namespace: default}, data: {key: '10'}}")});
  CHECK(at(with, {"spec", "replicas"}) == "11");
  auto without = run({p}, {b});
  CHECK_FALSE(without.allowed);
  CHECK(without.reason == "Forbidden");
  CHECK(without.message ==
        "policy 'm' with binding 'mb' denied request: failed to configure binding: no params found for policy binding "
        "with `Deny` parameterNotFoundAction");
}

TEST_CASE("A later MutatingAdmissionPolicy sees what an earlier one set, in name order") {
  auto o = run({policy_yaml("m1", "  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "
                                  "\"Object{metadata: Object.metadata{labels: {'environment': 'production'}}}\"}}]\n"),
                policy_yaml("m2", R"(  matchConditions: [{name: prodonly, expression: "object.?metadata.labels['environment'].orValue('') == 'production'"}]
  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "Object{metadata: Object.metadata{labels: {'policy1invoked': 'true'}}}"}}]
)")},
               {binding("b1", "m1"), binding("b2", "m2")});
  CHECK(at(o, {"metadata", "labels"}) == R"({"app":"web","environment":"production","policy1invoked":"true"})");
}

TEST_CASE("An IfNeeded MutatingAdmissionPolicy runs again after a later policy changed the object") {
  std::string m1 = policy_yaml("m1", "  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "
                                     "\"Object{metadata: Object.metadata{labels: {'m1-count': "
                                     "string(size(object.metadata.labels))}}}\"}}]\n");
  m1.replace(m1.find("Never"), 5, "IfNeeded");
  auto o = run({m1, policy_yaml("m2", "  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "
                                      "\"Object{metadata: Object.metadata{labels: {'m2': 'x'}}}\"}}]\n")},
               {binding("b1", "m1"), binding("b2", "m2")});
  CHECK(at(o, {"metadata", "labels"}) == R"({"app":"web","m1-count":"3","m2":"x"})");
}

TEST_CASE("A mutation that does not compile to the required type is a policy error") {
  auto o = run({policy_yaml("m", "  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "
                                 "\"'teapot'\"}}]\n")},
               {binding("mb", "m")});
  CHECK_FALSE(o.allowed);
  CHECK(o.message == "policy 'm' with binding 'mb' denied request: must evaluate to Object but got string");
}

TEST_CASE("A MutatingAdmissionPolicy request in a Namespace that is not loaded sees a null namespaceObject") {
  std::vector<policies::LoadError> errors;
  policies::ObjectOrigin origin;
  policies::ParseContext ctx(origin, errors);
  std::vector<MutatingAdmissionPolicy> ps = {*parse_mutating_policy(
      policies::testing::yaml(policy_yaml("m", "  mutations: [{patchType: JSONPatch, jsonPatch: {expression: "
                                               "\"[JSONPatch{op: 'add', path: '/metadata/labels/ns', value: "
                                               "namespaceObject == null ? 'none' : 'some'}]\"}}]\n")),
      ctx)};
  std::vector<MutatingAdmissionPolicyBinding> bs = {
      *parse_mutating_policy_binding(policies::testing::yaml(binding("mb", "m")), ctx)};
  auto engine = MutatingPolicyEngine::build(std::move(ps), std::move(bs), {});
  std::string request = kRequest;
  CHECK(at(engine->evaluate(policies::testing::yaml(request), NoNamespaces()), {"metadata", "labels", "ns"}) ==
        R"("some")");
  request.replace(request.find("namespace: default"), 18, "namespace: gone");
  auto o = engine->evaluate(policies::testing::yaml(request), NoNamespaces());
  CHECK(o.allowed);
  CHECK(at(o, {"metadata", "labels", "ns"}) == R"("none")");
}
