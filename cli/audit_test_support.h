// For the `tollgate audit` tests: a small cluster (two labelled Namespaces,
// Pods, a Deployment, ConfigMaps) and policies with a deny, a warn, a dryrun
// and a webhook-only scoped constraint, written as a `kubectl get -A -o json`
// List and as plain YAML documents.
#pragma once

#include <string>
#include <vector>

#include "policies/gator/test_support.h"
#include "policies/test_support.h"
#include "rules/value/json.h"

namespace tollgate::cli::testing {

// Pods need an owner label; the message names the object.
inline constexpr const char* kRequiredOwnerTemplate = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srequiredowner}
spec:
  crd: {spec: {names: {kind: K8sRequiredOwner}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8srequiredowner
      violation[{"msg": msg}] {
        not input.review.object.metadata.labels.owner
        msg := sprintf("%v %v has no owner", [input.review.kind.kind, input.review.object.metadata.name])
      }
)";

inline constexpr const char* kAuditConstraints = R"(
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredOwner
metadata: {name: prod-pods-need-owner}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    namespaceSelector: {matchLabels: {env: prod}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredOwner
metadata: {name: workloads-should-have-owner}
spec:
  enforcementAction: warn
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}, {apiGroups: [apps], kinds: [Deployment]}]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: no-configmaps-yet}
spec:
  enforcementAction: dryrun
  match:
    kinds: [{apiGroups: [""], kinds: [ConfigMap]}]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: webhook-only}
spec:
  enforcementAction: scoped
  scopedEnforcementActions:
  - action: deny
    enforcementPoints: [{name: validation.gatekeeper.sh}]
)";

inline constexpr const char* kAuditCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod, team: payments}}
---
apiVersion: v1
kind: Namespace
metadata: {name: lab, labels: {env: dev, team: research}}
---
apiVersion: v1
kind: Pod
metadata: {name: checkout, namespace: shop}
spec: {containers: [{name: app, image: shop/checkout:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: cart, namespace: shop, labels: {owner: ana}}
spec: {containers: [{name: app, image: shop/cart:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: billing, namespace: shop, labels: {team: finance}}
spec: {containers: [{name: app, image: shop/billing:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: notebook, namespace: lab}
spec: {containers: [{name: app, image: lab/notebook:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: trainer, namespace: lab}
spec: {template: {spec: {containers: [{name: app, image: lab/trainer:1}]}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: notes, namespace: lab}
data: {a: b}
)";

// The two templates (K8sRequiredOwner and policies/test_support.h's K8sDenyAll) and the constraints.
inline std::string audit_policies() {
  return std::string(kRequiredOwnerTemplate) + "---" + policies::testing::kDenyAllTemplate + kAuditConstraints;
}

// kAuditCluster as one `kubectl get -A -o json` List.
inline std::string audit_cluster_list_json() {
  std::vector<value::Value> items = policies::testing::yaml_all(kAuditCluster);
  return value::to_json_pretty(value::Value::object({{value::Value::string("apiVersion"), value::Value::string("v1")},
                                                     {value::Value::string("kind"), value::Value::string("List")},
                                                     {value::Value::string("items"), value::Value::array(items)}}));
}

// The fixture written into `tree`: policies.yaml, cluster.yaml (documents)
// and cluster.json (the List).
struct AuditFiles {
  std::string policies;
  std::string cluster_yaml;
  std::string cluster_list;
};

inline AuditFiles write_audit_files(const policies::gator::testing::TempTree& tree) {
  return {tree.write("policies.yaml", audit_policies()), tree.write("cluster.yaml", kAuditCluster),
          tree.write("dump/cluster.json", audit_cluster_list_json())};
}

}  // namespace tollgate::cli::testing
