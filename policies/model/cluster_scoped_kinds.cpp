#include "policies/model/cluster_scoped_kinds.h"

#include <array>
#include <utility>

namespace tollgate::policies {
namespace {

using GroupKind = std::pair<std::string_view, std::string_view>;

// `kubectl api-resources --namespaced=false` of Kubernetes 1.32.
constexpr std::array<GroupKind, 27> kClusterScoped = {{
    {"", "ComponentStatus"},
    {"", "Namespace"},
    {"", "Node"},
    {"", "PersistentVolume"},
    {"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicy"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"},
    {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
    {"apiextensions.k8s.io", "CustomResourceDefinition"},
    {"apiregistration.k8s.io", "APIService"},
    {"authentication.k8s.io", "SelfSubjectReview"},
    {"authentication.k8s.io", "TokenReview"},
    {"authorization.k8s.io", "SelfSubjectAccessReview"},
    {"authorization.k8s.io", "SelfSubjectRulesReview"},
    {"authorization.k8s.io", "SubjectAccessReview"},
    {"certificates.k8s.io", "CertificateSigningRequest"},
    {"flowcontrol.apiserver.k8s.io", "FlowSchema"},
    {"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"},
    {"networking.k8s.io", "IngressClass"},
    {"node.k8s.io", "RuntimeClass"},
    {"rbac.authorization.k8s.io", "ClusterRole"},
    {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
    {"scheduling.k8s.io", "PriorityClass"},
    {"storage.k8s.io", "CSIDriver"},
    {"storage.k8s.io", "CSINode"},
    {"storage.k8s.io", "StorageClass"},
    {"storage.k8s.io", "VolumeAttachment"},
}};

// Gatekeeper's own kinds are cluster-scoped, except Config (it lives in
// Gatekeeper's namespace).
bool is_gatekeeper_cluster_kind(std::string_view group, std::string_view kind) {
  if (group == "templates.gatekeeper.sh" || group == "constraints.gatekeeper.sh" ||
      group == "mutations.gatekeeper.sh" || group == "expansion.gatekeeper.sh" ||
      group == "externaldata.gatekeeper.sh") {
    return true;
  }
  return group == "syncset.gatekeeper.sh" && kind == "SyncSet";
}

}  // namespace

bool is_cluster_scoped_kind(std::string_view group, std::string_view kind) {
  for (const GroupKind& gk : kClusterScoped) {
    if (gk.first == group && gk.second == kind) return true;
  }
  return is_gatekeeper_cluster_kind(group, kind);
}

}  // namespace tollgate::policies
