// Params from the cluster (serve): an engine built with LiveParams reads the
// index published last, without being rebuilt, and answers what the API
// server answers while a paramKind is not listed yet or not served.
#include "policies/vap/live_params.h"

#include <catch2/catch.hpp>

#include "policies/vap/mutating_policy_engine.h"
#include "policies/vap/vap_test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;
using value::Value;

using testing::NoNamespaces;

const char* kPolicy = testing::kMaxReplicasPolicy;

const char* kDeploymentCreate = R"({operation: CREATE, kind: {group: apps, version: v1, kind: Deployment},
  resource: {group: apps, version: v1, resource: deployments}, name: web, namespace: shop,
  userInfo: {username: alice}, object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: shop},
  spec: {replicas: 5}}})";

Value limits(const std::string& max) {
  return yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: limits, namespace: policy-params}, data: {maxReplicas: '" +
              max + "'}}");
}

WatchedParamKind configmaps(WatchedParamKind::State state) {
  return {"", "v1", "ConfigMap", state, true};
}

std::shared_ptr<const ParamIndex> index(std::vector<Value> objects, std::vector<WatchedParamKind> watched) {
  return std::make_shared<const ParamIndex>(objects, std::move(watched));
}

}  // namespace

TEST_CASE("An engine with live params answers by the index published last, without a rebuild", "[vap][params]") {
  auto live = std::make_shared<LiveParams>();
  ValidatingPolicyEngine::Options options;
  options.live_params = live;
  // The files' params: read until the cluster's are published.
  auto e = testing::engine_from_yaml(kPolicy, {limits("9")}, options);
  Value request = yaml(kDeploymentCreate);
  CHECK(e->evaluate(request, NoNamespaces()).allowed);

  live->publish(index({limits("3")}, {configmaps(WatchedParamKind::State::Listed)}));
  VapOutcome denied = e->evaluate(request, NoNamespaces());
  CHECK_FALSE(denied.allowed);
  CHECK(denied.message == "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: "
                          "replicas must be at most 3");

  live->publish(index({limits("10")}, {configmaps(WatchedParamKind::State::Listed)}));
  CHECK(e->evaluate(request, NoNamespaces()).allowed);

  live->publish(index({}, {configmaps(WatchedParamKind::State::Listed)}));
  VapOutcome gone = e->evaluate(request, NoNamespaces());
  CHECK_FALSE(gone.allowed);
  CHECK(gone.status_message ==
        "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding "
        "'max-replicas-binding' denied request: failed to configure binding: no params found for policy binding with "
        "`Deny` parameterNotFoundAction");
}

TEST_CASE("A paramKind the cluster has not listed yet fails its bindings as not yet synced", "[vap][params]") {
  auto live = std::make_shared<LiveParams>();
  ValidatingPolicyEngine::Options options;
  options.live_params = live;
  auto e = testing::engine_from_yaml(kPolicy, {}, options);
  Value request = yaml(kDeploymentCreate);
  const std::string not_synced =
      "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed to configure "
      "binding: paramKind kind `&ParamKind{APIVersion:v1,Kind:ConfigMap,}` not yet synced to use for admission";
  // Not watched yet (a reload ahead of the watches), then discovered and listing.
  for (auto watched : {std::vector<WatchedParamKind>{}, std::vector<WatchedParamKind>{configmaps(WatchedParamKind::State::Listing)}}) {
    live->publish(index({limits("10")}, watched));
    VapOutcome out = e->evaluate(request, NoNamespaces());
    CHECK_FALSE(out.allowed);
    CHECK(out.message == not_synced);
  }
}

TEST_CASE("A paramKind the cluster does not serve is a configuration error of the policy", "[vap][params]") {
  auto live = std::make_shared<LiveParams>();
  ValidatingPolicyEngine::Options options;
  options.live_params = live;
  auto e = testing::engine_from_yaml(kPolicy, {}, options);
  live->publish(index({}, {configmaps(WatchedParamKind::State::NotServed)}));
  VapOutcome out = e->evaluate(yaml(kDeploymentCreate), NoNamespaces());
  CHECK_FALSE(out.allowed);
  CHECK(out.message == "ValidatingAdmissionPolicy 'max-replicas' denied request: failed to configure policy: failed to "
                       "find resource referenced by paramKind: '/v1, Kind=ConfigMap'");
  // The files may still hold it: their params then stand.
  live->publish(index({limits("10")}, {configmaps(WatchedParamKind::State::NotServed)}));
  CHECK(e->evaluate(yaml(kDeploymentCreate), NoNamespaces()).allowed);
}

TEST_CASE("The scope discovery gives a paramKind decides whether paramRef.namespace is read", "[vap][params]") {
  auto live = std::make_shared<LiveParams>();
  ValidatingPolicyEngine::Options options;
  options.live_params = live;
  auto e = testing::engine_from_yaml(kPolicy, {}, options);
  // A cluster where ConfigMaps were cluster-scoped: the binding's namespace is refused.
  live->publish(index({}, {{"", "v1", "ConfigMap", WatchedParamKind::State::Listed, false}}));
  VapOutcome out = e->evaluate(yaml(kDeploymentCreate), NoNamespaces());
  CHECK_THAT(out.message, Catch::EndsWith("paramRef.namespace must not be provided for a cluster-scoped `paramKind`"));
}

TEST_CASE("A MutatingAdmissionPolicy reads live params too", "[vap][params][map]") {
  auto live = std::make_shared<LiveParams>();
  std::vector<MutatingAdmissionPolicy> policies;
  std::vector<MutatingAdmissionPolicyBinding> bindings;
  std::vector<LoadError> errors;
  ObjectOrigin origin;
  ParseContext ctx(origin, errors);
  policies.push_back(*parse_mutating_policy(yaml(R"(apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]}
  reinvocationPolicy: Never
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{spec: Object.spec{replicas: int(params.data.maxReplicas)}}"
)"), ctx));
  bindings.push_back(*parse_mutating_policy_binding(yaml(R"(apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata: {name: replicas-binding}
spec:
  policyName: replicas
  paramRef: {name: limits, namespace: policy-params, parameterNotFoundAction: Deny}
)"), ctx));
  REQUIRE(errors.empty());
  auto e = MutatingPolicyEngine::build(std::move(policies), std::move(bindings), {}, live);
  live->publish(index({limits("3")}, {configmaps(WatchedParamKind::State::Listed)}));
  MapOutcome out = e->evaluate(yaml(kDeploymentCreate), NoNamespaces());
  REQUIRE(out.allowed);
  CHECK(out.object["spec"]["replicas"].as_int() == 3);
  live->publish(index({limits("2")}, {configmaps(WatchedParamKind::State::Listed)}));
  CHECK(e->evaluate(yaml(kDeploymentCreate), NoNamespaces()).object["spec"]["replicas"].as_int() == 2);
}

}  // namespace tollgate::policies::vap
