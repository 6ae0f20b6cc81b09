// Which admission requests a MatchResources covers (vap-semantics.md §3.2–3.6):
// namespace and object selectors, resource rules with subresources and
// scope, exclusions, resourceNames, and matchPolicy Equivalent over a small
// built-in table of resources served under several groups/versions. Shared by
// ValidatingAdmissionPolicy and MutatingAdmissionPolicy.
#pragma once

#include <string>
#include <string_view>

#include "policies/vap/vap_objects.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
};

struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;
};

// The parts of an admission request matching reads, taken from an
// AdmissionRequest (admission/v1 JSON shape).
struct RequestAttributes {
  std::string operation;
  GroupVersionKind kind;
  GroupVersionResource resource;
  std::string sub_resource;
  std::string name;
  std::string namespace_name;  // request.namespace (a Namespace's own name on UPDATE/DELETE)
  const value::Value* object = nullptr;      // nullptr when absent or null
  const value::Value* old_object = nullptr;  // nullptr when absent or null

  static RequestAttributes from_request(const value::Value& request);
  // Resource "namespaces" (any group: the API server compares the name).
  bool is_namespaces_resource() const { return resource.resource == "namespaces"; }
  // Exactly v1 namespaces.
  bool is_core_namespace() const {
    return resource.group.empty() && resource.version == "v1" && resource.resource == "namespaces";
  }
  // The admission policies and bindings themselves, which no admission
  // policy ever sees (the API server's plugins skip them).
  bool is_admission_policy_resource() const;
};

// Stored Namespaces by name (for namespaceSelector and namespaceObject).
class NamespaceLookup {
 public:
  virtual ~NamespaceLookup() = default;
  virtual const value::Value* find_namespace(std::string_view name) const = 0;
};

struct MatchOutcome {
  bool matched = false;
  std::string error;  // set when matching failed (bad selector, missing namespace)
  // The GVK/GVR the request was matched as (its own, or an equivalent one).
  GroupVersionKind matched_kind;
  GroupVersionResource matched_resource;
};

// §3.2: selectors, exclusions, rules; errors of the selectors only count
// when the rules match.
MatchOutcome match_resources(const RequestAttributes& request, const MatchResources& criteria,
                             const NamespaceLookup& namespaces);

// §3.3 for one rule against one GVR.
bool rule_matches(const NamedRule& rule, const RequestAttributes& request, const GroupVersionResource& resource);

}  // namespace tollgate::policies::vap
