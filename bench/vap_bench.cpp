// A Deployment CREATE review against 50 ValidatingAdmissionPolicies, each with
// a binding and params (issue 12, item 7): a realistic mix of required
// labels, image registries, replica limits, resource limits, a latest-tag
// ban, variables and matchConditions, messageExpressions, namespace
// selectors, params from ConfigMaps and from a custom resource, a paramRef
// by selector. The request is allowed (every policy passes but the Warn ones),
// as most are. Target: <= 5 us per policy-binding pair on average (report,
// don't assert): the `pair` counter is the time per pair.
//
//   build/tollgate_bench --benchmark_filter=Vap
// (...WithMetrics: the same with serve's metrics observing the checks.)
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "policies/policy_set.h"
#include "policies/vap/live_params.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"
#include "webhook/metrics.h"

namespace {

using tollgate::value::Value;

constexpr int kVariants = 5;  // each of the ten policy shapes below, five times: 50 policies

// One policy shape: the policy (with NAME and N to fill in) and its binding's spec.
struct Shape {
  const char* policy;
  const char* binding_spec;
};

const Shape kShapes[] = {
    // 1. Required labels, the label named by a ConfigMap param.
    {R"y(spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "has(object.metadata.labels) && params.data.label in object.metadata.labels"
    messageExpression: "'missing label ' + params.data.label"
)y",
     "paramRef: {name: required-label-N, namespace: shop, parameterNotFoundAction: Deny}\n  validationActions: [Deny]"},
    // 2. Image registry from a ConfigMap param, over every container.
    {R"y(spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  variables:
  - {name: containers, expression: "object.spec.template.spec.containers + (has(object.spec.template.spec.initContainers) ? object.spec.template.spec.initContainers : [])"}
  validations:
  - expression: "variables.containers.all(c, c.image.startsWith(params.data.registry))"
    messageExpression: "'images must come from ' + params.data.registry"
    reason: Forbidden
)y",
     "paramRef: {name: registry-N, namespace: shop, parameterNotFoundAction: Deny}\n  validationActions: [Deny]"},
    // 3. Replica limit from a custom resource param (cluster-scoped).
    {R"y(spec:
  paramKind: {apiVersion: rules.example.com/v1, kind: ReplicaLimit}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "!has(object.spec.replicas) || object.spec.replicas <= params.spec.maxReplicas"
    messageExpression: "'replicas must be at most ' + string(params.spec.maxReplicas)"
)y",
     "paramRef: {name: replica-limit-N, parameterNotFoundAction: Deny}\n  validationActions: [Deny]"},
    // 4. Resource limits on every container.
    {R"y(spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "object.spec.template.spec.containers.all(c, has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits && 'cpu' in c.resources.limits)"
    message: every container needs cpu and memory limits
  - expression: "object.spec.template.spec.containers.all(c, has(c.resources.requests) && 'memory' in c.resources.requests)"
    message: every container needs a memory request
)y",
     "validationActions: [Deny]"},
    // 5. No :latest tag, skipped for exempt objects (matchConditions).
    {R"y(spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  matchConditions:
  - {name: not-exempt, expression: "!has(object.metadata.labels) || !('policy.example.com/exempt' in object.metadata.labels)"}
  validations:
  - expression: "!object.spec.template.spec.containers.exists(c, c.image.endsWith(':latest') || !c.image.contains(':'))"
    message: images need a pinned tag
)y",
     "validationActions: [Deny]"},
    // 6. Team label must be one of a ConfigMap's list; namespaceSelector binding.
    {R"y(spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  variables:
  - {name: team, expression: "has(object.metadata.labels) && 'team' in object.metadata.labels ? object.metadata.labels['team'] : ''"}
  validations:
  - expression: "variables.team in params.data.teams.split(',')"
    messageExpression: "'team ' + variables.team + ' is not one of ' + params.data.teams"
)y",
     "paramRef: {name: teams-N, namespace: shop, parameterNotFoundAction: Deny}\n  validationActions: [Deny]\n"
     "  matchResources:\n    namespaceSelector: {matchLabels: {env: prod}}"},
    // 7. Probes required; Warn only, and it fails: a warning per variant.
    {R"y(spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "object.spec.template.spec.containers.all(c, has(c.readinessProbe) && has(c.livenessProbe))"
    message: containers should have readiness and liveness probes
)y",
     "validationActions: [Warn]"},
    // 8. Params by selector: every ConfigMap labelled for it (three of them).
    {R"y(spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "!(params.data.forbidden in object.metadata.annotations)"
    messageExpression: "'annotation ' + params.data.forbidden + ' is not allowed'"
)y",
     "paramRef: {namespace: shop, selector: {matchLabels: {policy: forbidden-annotations-N}}, "
     "parameterNotFoundAction: Allow}\n  validationActions: [Deny]"},
    // 9. Security context, with a request-based variable.
    {R"y(spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  variables:
  - {name: podSpec, expression: "object.spec.template.spec"}
  validations:
  - expression: "request.operation != 'CREATE' || variables.podSpec.containers.all(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) && c.securityContext.runAsNonRoot)"
    message: containers must run as non-root
  - expression: "!has(variables.podSpec.hostNetwork) || !variables.podSpec.hostNetwork"
    message: host network is not allowed
)y",
     "validationActions: [Deny, Audit]"},
    // 10. Namespace-level rule from namespaceObject and a ConfigMap param.
    {R"y(spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
  - expression: "namespaceObject.metadata.labels['env'] != params.data.env || size(object.spec.template.spec.containers) <= int(params.data.maxContainers)"
    messageExpression: "'at most ' + params.data.maxContainers + ' containers in ' + params.data.env"
)y",
     "paramRef: {name: containers-N, namespace: shop, parameterNotFoundAction: Deny}\n  validationActions: [Deny]"},
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string policies_yaml() {
  std::string out;
  for (int shape = 0; shape < 10; ++shape) {
    for (int v = 0; v < kVariants; ++v) {
      std::string n = std::to_string(v);
      std::string name = "p" + std::to_string(shape + 1) + "-" + n;
      out += "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: " +
             name + "}\n" + kShapes[shape].policy;
      out += "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: "
             "{name: " +
             name + "-binding}\nspec:\n  policyName: " + name + "\n  " + replaced(kShapes[shape].binding_spec, "-N", "-" + n) +
             "\n";
    }
  }
  return out;
}

std::string params_yaml() {
  std::string out = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n";
  auto configmap = [&](const std::string& name, const std::string& data, const std::string& labels = "{}") {
    out += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + ", namespace: shop, labels: " + labels +
           "}\ndata: " + data + "\n";
  };
  for (int v = 0; v < kVariants; ++v) {
    std::string n = std::to_string(v);
    configmap("required-label-" + n, "{label: app}");
    configmap("registry-" + n, "{registry: registry.example.com/}");
    out += "---\napiVersion: rules.example.com/v1\nkind: ReplicaLimit\nmetadata: {name: replica-limit-" + n +
           "}\nspec: {maxReplicas: " + std::to_string(10 + v) + "}\n";
    configmap("teams-" + n, "{teams: 'payments,search,checkout'}");
    for (int i = 0; i < 3; ++i) {
      configmap("forbidden-" + n + "-" + std::to_string(i), "{forbidden: debug.example.com/x" + std::to_string(i) + "}",
                "{policy: forbidden-annotations-" + n + "}");
    }
    configmap("containers-" + n, "{env: prod, maxContainers: '4'}");
  }
  return out;
}

// What the API server sends for `kubectl apply` of a two-container Deployment in shop.
const char* kReview = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
 "uid":"0df28fbd-5f5f-11e8-b9d6-42010a800002",
 "kind":{"group":"apps","version":"v1","kind":"Deployment"},
 "resource":{"group":"apps","version":"v1","resource":"deployments"},
 "requestKind":{"group":"apps","version":"v1","kind":"Deployment"},
 "requestResource":{"group":"apps","version":"v1","resource":"deployments"},
 "name":"checkout","namespace":"shop","operation":"CREATE",
 "userInfo":{"username":"system:serviceaccount:ci:deployer","groups":["system:serviceaccounts","system:authenticated"]},
 "object":{"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"checkout","namespace":"shop","labels":{"app":"checkout","team":"checkout"},
   "annotations":{"deployment.kubernetes.io/revision":"1"}},
  "spec":{"replicas":3,"selector":{"matchLabels":{"app":"checkout"}},
   "template":{"metadata":{"labels":{"app":"checkout","team":"checkout"}},
    "spec":{"containers":[
     {"name":"app","image":"registry.example.com/shop/checkout:1.4.2",
      "ports":[{"containerPort":8080}],
      "resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},
      "securityContext":{"runAsNonRoot":true,"allowPrivilegeEscalation":false}},
     {"name":"proxy","image":"registry.example.com/mesh/proxy:2.1.0",
      "resources":{"limits":{"cpu":"200m","memory":"64Mi"},"requests":{"cpu":"50m","memory":"32Mi"}},
      "securityContext":{"runAsNonRoot":true}}]}}}},
 "oldObject":null,"dryRun":false,
 "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions","fieldManager":"kubectl-client-side-apply"}}})";

std::vector<Value> documents(const std::string& yaml) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  if (!tollgate::value::parse_yaml(yaml, &docs, &error)) throw std::runtime_error(error.message);
  std::vector<Value> out;
  for (auto& d : docs) {
    if (!d.value.is_null()) out.push_back(std::move(d.value));
  }
  return out;
}

// `live`: the params as serve holds them from the cluster (policies/vap/live_params.h)
// instead of from files: the same objects, published as the cluster's index.
std::shared_ptr<const tollgate::policies::PolicySet> load_50_vaps(
    std::shared_ptr<tollgate::policies::vap::LiveParams> live = nullptr) {
  using tollgate::policies::vap::WatchedParamKind;
  tollgate::policies::LoadOptions options;
  options.inventory = documents(params_yaml());
  if (live) {
    options.admission_policy_live_params = live;
    live->publish(std::make_shared<const tollgate::policies::vap::ParamIndex>(
        options.inventory,
        std::vector<WatchedParamKind>{{"", "v1", "ConfigMap", WatchedParamKind::State::Listed, true},
                                      {"rules.example.com", "v1", "ReplicaLimit", WatchedParamKind::State::Listed, false}}));
  }
  auto loaded = tollgate::policies::PolicySet::from_objects(documents(policies_yaml()), options);
  if (!loaded.policies) throw std::runtime_error(loaded.errors.at(0).to_string());
  return loaded.policies;
}

// `observer`: serve's metrics, told of each check (only the Warn policies' here).
void run_review(benchmark::State& state, tollgate::policies::ReviewObserver* observer,
                std::shared_ptr<tollgate::policies::vap::LiveParams> live = nullptr) {
  auto policies = load_50_vaps(live);
  Value review;
  tollgate::value::JsonError err;
  if (!tollgate::value::parse_json(kReview, &review, &err)) throw std::runtime_error(err.message);
  tollgate::policies::ReviewInput input;
  input.request = review["request"];
  {
    auto decision = policies->validate(input);
    if (!decision.allowed) state.SkipWithError(("expected an allow: " + decision.message).c_str());
    if (decision.warnings.size() != kVariants) state.SkipWithError("expected one warning per Warn policy");
  }
  for (auto _ : state) {
    auto decision = policies->validate(input, observer);
    benchmark::DoNotOptimize(decision);
  }
  // 50 policy-binding pairs per review (shape 8 runs each of its three params).
  state.counters["pair"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 10 * kVariants,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
void BM_VapReview50Policies(benchmark::State& state) { run_review(state, nullptr); }
BENCHMARK(BM_VapReview50Policies)->Unit(benchmark::kMicrosecond);

void BM_VapReview50PoliciesWithMetrics(benchmark::State& state) {
  tollgate::webhook::Metrics metrics;
  run_review(state, &metrics);
}
BENCHMARK(BM_VapReview50PoliciesWithMetrics)->Unit(benchmark::kMicrosecond);

// serve with the kube API: the params read from the index the cluster's watches publish.
void BM_VapReview50PoliciesLiveParams(benchmark::State& state) {
  run_review(state, nullptr, std::make_shared<tollgate::policies::vap::LiveParams>());
}
BENCHMARK(BM_VapReview50PoliciesLiveParams)->Unit(benchmark::kMicrosecond);

}  // namespace
