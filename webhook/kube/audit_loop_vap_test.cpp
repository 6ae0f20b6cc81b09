// serve's audit with ValidatingAdmissionPolicies (which Gatekeeper's audit
// does not run): the resources their rules cover are listed, each object is
// judged as `tollgate audit` judges it offline, with the params of their
// paramKinds listed from the cluster; without them nothing more is listed.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "policies/audit/audit_report.h"
#include "policies/test_support.h"
#include "webhook/kube/audit_loop.h"
#include "webhook/kube/audit_loop_test_support.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using tollgate::value::Value;

namespace {

// A prod and a dev Namespace, the Namespace holding the params, two Deployments in prod.
constexpr const char* kShop = R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop-prod, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: platform-config}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop-prod, labels: {team: payments}}
spec: {replicas: 10}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop-prod, labels: {team: payments}}
spec: {replicas: 2}
)";

constexpr const char* kLimitParam = R"(
---
apiVersion: v1
kind: ConfigMap
metadata: {name: replica-limit, namespace: platform-config}
data: {maxReplicas: "5"}
)";

// The binding of replica-limit for the prod Namespaces (parameterNotFoundAction `not_found`).
std::string binding_yaml(const std::string& name, const std::string& not_found) {
  return R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: )" + name + R"(}
spec:
  policyName: replica-limit
  validationActions: [Deny]
  paramRef: {name: replica-limit, namespace: platform-config, parameterNotFoundAction: )" + not_found + R"(}
  matchResources:
    namespaceSelector: {matchLabels: {env: prod}}
)";
}

// A policy reading its limit from a ConfigMap param, and its binding `binding`.
std::string replica_limit(const std::string& binding, const std::string& not_found) {
  return R"y(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
  - expression: "!has(object.spec.replicas) || object.spec.replicas <= int(params.data.maxReplicas)"
    messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceed the limit of ' + params.data.maxReplicas"
---
)y" + binding_yaml(binding, not_found);
}

const Value* item_named(const Value& report, const std::string& kind, const std::string& name) {
  for (const Value& item : report["items"].items()) {
    if (item["kind"].string_or("") == kind && item["metadata"]["name"].string_or("") == name) return &item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("serve's audit reports the Deployment a Deny ValidatingAdmissionPolicy refuses, its ConfigMap param listed from the cluster",
          "[kube][audit][vap]") {
  const std::string policies = replica_limit("replica-limit-prod", "Deny");
  // The param is in the cluster only, not among the policies.
  AuditRig rig(std::string(kShop) + kLimitParam, policies);
  REQUIRE(rig.loop->run_once());

  Value report = rig.report();
  const Value* binding = item_named(report, "ValidatingAdmissionPolicyBinding", "replica-limit-prod");
  REQUIRE(binding != nullptr);
  CHECK((*binding)["status"]["totalViolations"].as_int() == 1);  // checkout (10 > 5), not cart (2)
  const Value& violation = (*binding)["status"]["violations"].items().at(0);
  CHECK(violation["name"].string_or("") == "checkout");
  CHECK(violation["enforcementAction"].string_or("") == "deny");
  CHECK(violation["message"].string_or("") ==
        "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-prod' denied request: replicas 10 "
        "exceed the limit of 5");

  // The same statuses as `tollgate audit` on the same objects (the param among them).
  Value offline = tollgate::policies::audit::audit_report_value(offline_audit(rig.fake.objects, policies));
  tollgate::policies::testing::check_same(statuses(report), statuses(offline));

  // The Deployments were listed for the policy, the ConfigMaps for its param, in pages; nothing else.
  CHECK(rig.requests_for("/apis/apps/v1/deployments") == 1);
  CHECK(rig.server.count([](const ApiRequest& r) { return r.path == "/api/v1/configmaps" && r.param("limit") == "2"; }) == 1);
  CHECK(rig.requests_for("/api/v1/pods") == 0);
  CHECK(rig.requests_for("/api/v1/namespaces") == 0);
  CHECK(report["summary"]["kindsListed"].size() == 1);  // deployments.apps

  std::string text = rig.metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="deny"} 1)"));
  CHECK_THAT(text, Catch::Contains(
                       R"(tollgate_audit_constraint_violations{constraint_kind="ValidatingAdmissionPolicyBinding",constraint_name="replica-limit-prod",enforcement_action="deny"} 1)"));
}

TEST_CASE("serve's audit: a param missing from the cluster follows the binding's parameterNotFoundAction",
          "[kube][audit][vap]") {
  // No ConfigMap in the cluster: Deny refuses every Deployment it binds, Allow none.
  AuditRig rig(kShop, replica_limit("limit-or-deny", "Deny") + "---\n" + binding_yaml("limit-or-allow", "Allow"));
  REQUIRE(rig.loop->run_once());
  Value report = rig.report();
  CHECK(report["summary"]["kindsFailed"].size() == 0);  // an empty list is no failure

  const Value* deny = item_named(report, "ValidatingAdmissionPolicyBinding", "limit-or-deny");
  REQUIRE(deny != nullptr);
  CHECK((*deny)["status"]["totalViolations"].as_int() == 2);
  CHECK_THAT(std::string((*deny)["status"]["violations"].items().at(0)["message"].string_or("")),
             Catch::Contains("no params found for policy binding with `Deny` parameterNotFoundAction"));
  const Value* allow = item_named(report, "ValidatingAdmissionPolicyBinding", "limit-or-allow");
  REQUIRE(allow != nullptr);
  CHECK((*allow)["status"]["totalViolations"].as_int() == 0);
}

TEST_CASE("serve's audit: a paramKind that cannot be listed is named, and its policy's bindings are not audited",
          "[kube][audit][vap]") {
  const std::string team_label = R"(
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: require-team-label}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - {expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels", message: needs an owner}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: require-team-label}
spec: {policyName: require-team-label, validationActions: [Audit]}
)";
  AuditRig rig(std::string(kShop) + kLimitParam, replica_limit("replica-limit-prod", "Deny") + team_label);
  rig.fake.forbid("/api/v1/configmaps");
  REQUIRE(rig.loop->run_once());
  Value report = rig.report();

  REQUIRE(report["summary"]["kindsFailed"].size() == 1);
  CHECK(report["summary"]["kindsFailed"].items()[0]["kind"].string_or("") == "configmaps");
  REQUIRE(report["summary"]["notAudited"].size() == 1);
  CHECK(report["summary"]["notAudited"].items()[0]["name"].string_or("") == "replica-limit-prod");
  CHECK_THAT(std::string(report["summary"]["notAudited"].items()[0]["reason"].string_or("")),
             Catch::Contains("the params of ValidatingAdmissionPolicy 'replica-limit' (ConfigMap) could not be listed"));
  // The policy without params still judged both Deployments; its Audit action has its own series.
  const Value* audited = item_named(report, "ValidatingAdmissionPolicyBinding", "require-team-label");
  REQUIRE(audited != nullptr);
  CHECK((*audited)["status"]["totalViolations"].as_int() == 2);
  std::string text = rig.metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(tollgate_audit_errors_total{kind="configmaps"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="audit"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_violations{enforcement_action="deny"} 0)"));
}

TEST_CASE("serve's audit without ValidatingAdmissionPolicies lists only what the constraints match",
          "[kube][audit][vap]") {
  const std::string pods_only = std::string(tollgate::policies::testing::kDenyAllTemplate) + R"(
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: no-pods}
spec: {match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}}
)";
  AuditRig rig(std::string(kShop) + kLimitParam, pods_only);
  REQUIRE(rig.loop->run_once());
  std::set<std::string> paths;
  for (const ApiRequest& r : rig.server.requests()) paths.insert(r.path);
  CHECK(paths == std::set<std::string>{"/api", "/api/v1", "/api/v1/pods"});
  CHECK(rig.report()["summary"]["notAudited"].size() == 0);
  CHECK_THAT(rig.metrics.render(), !Catch::Contains(R"(enforcement_action="audit")"));
}

TEST_CASE("the audit lists what admission policies' rules cover for a CREATE, narrowed by their bindings",
          "[kube][audit][vap]") {
  std::vector<ResourceRef> listable = {{"", "v1", "pods", "Pod", true},
                                       {"", "v1", "namespaces", "Namespace", false},
                                       {"apps", "v1", "deployments", "Deployment", true},
                                       {"admissionregistration.k8s.io", "v1", "validatingadmissionpolicies",
                                        "ValidatingAdmissionPolicy", false}};
  auto names = [&](const std::string& rules, const std::string& binding_match) {
    std::string yaml = R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints: {resourceRules: )" + rules + R"(}
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p, validationActions: [Deny])" + binding_match + "}\n";
    std::vector<std::string> out;
    for (const ResourceRef& r : resources_admission_policies_audit(tollgate::policies::testing::yaml_all(yaml), listable)) {
      out.push_back(r.label());
    }
    return out;
  };
  using Names = std::vector<std::string>;
  // Any version and any name of a named resource; never the admission policies themselves.
  CHECK(names("[{apiGroups: [apps], apiVersions: [v1beta1], operations: [CREATE], resources: [deployments], resourceNames: [x]}]", "") ==
        Names{"deployments.apps"});
  CHECK(names("[{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}]", "") ==
        Names{"pods", "namespaces", "deployments.apps"});
  // Only what a CREATE reaches, in the rule's scope; subresource rules reach no object.
  CHECK(names("[{apiGroups: ['*'], apiVersions: ['*'], operations: [DELETE], resources: ['*']}]", "").empty());
  CHECK(names("[{apiGroups: ['*'], apiVersions: ['*'], operations: [CREATE], resources: ['*'], scope: Cluster}]", "") ==
        Names{"namespaces"});
  CHECK(names("[{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods/status]}]", "").empty());
  // The binding's matchResources narrow it; its exclusions too.
  CHECK(names("[{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}]",
              ", matchResources: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}") ==
        Names{"pods"});
  CHECK(names("[{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}]",
              ", matchResources: {excludeResourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: ['*']}]}") ==
        Names{"deployments.apps"});
  // A policy without a binding audits nothing.
  CHECK(resources_admission_policies_audit(tollgate::policies::testing::yaml_all(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints: {resourceRules: [{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}]}
  validations: [{expression: "true"}]
)"), listable).empty());
}
