#include "policies/vap/match.h"

#include <algorithm>
#include <array>

namespace tollgate::policies::vap {

using value::Value;

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool scope_matches(const NamedRule& rule, const RequestAttributes& request) {
  if (rule.scope.empty() || rule.scope == "*") return true;
  if (rule.scope == "Namespaced") return !request.is_core_namespace() && !request.namespace_name.empty();
  if (rule.scope == "Cluster") return request.is_core_namespace() || request.namespace_name.empty();
  return false;
}

bool resource_matches(const NamedRule& rule, std::string_view resource, std::string_view sub) {
  for (const std::string& entry : rule.resources) {
    std::string_view e = entry;
    size_t slash = e.find('/');
    std::string_view res = slash == std::string_view::npos ? e : e.substr(0, slash);
    std::string_view s = slash == std::string_view::npos ? std::string_view() : e.substr(slash + 1);
    if ((res == "*" || res == resource) && (s == "*" || s == sub)) return true;
  }
  return false;
}

// Resources served under several groups/versions with the same storage
// (the API server's equivalent-resource registry, for the kinds admission
// policies commonly name). Order: preferred first.
struct Equivalence {
  std::string_view resource;
  std::vector<std::pair<std::string_view, std::string_view>> group_versions;
};
const std::vector<Equivalence>& equivalences() {
  static const std::vector<Equivalence> table = {
      {"deployments", {{"apps", "v1"}, {"apps", "v1beta2"}, {"apps", "v1beta1"}, {"extensions", "v1beta1"}}},
      {"daemonsets", {{"apps", "v1"}, {"apps", "v1beta2"}, {"extensions", "v1beta1"}}},
      {"replicasets", {{"apps", "v1"}, {"apps", "v1beta2"}, {"extensions", "v1beta1"}}},
      {"statefulsets", {{"apps", "v1"}, {"apps", "v1beta2"}, {"apps", "v1beta1"}}},
      {"ingresses", {{"networking.k8s.io", "v1"}, {"networking.k8s.io", "v1beta1"}, {"extensions", "v1beta1"}}},
      {"networkpolicies", {{"networking.k8s.io", "v1"}, {"extensions", "v1beta1"}}},
      {"podsecuritypolicies", {{"policy", "v1beta1"}, {"extensions", "v1beta1"}}},
      {"cronjobs", {{"batch", "v1"}, {"batch", "v1beta1"}}},
      {"horizontalpodautoscalers", {{"autoscaling", "v2"}, {"autoscaling", "v1"}, {"autoscaling", "v2beta2"}}},
      {"poddisruptionbudgets", {{"policy", "v1"}, {"policy", "v1beta1"}}},
  };
  return table;
}

std::vector<GroupVersionResource> equivalents_of(const GroupVersionResource& r) {
  std::vector<GroupVersionResource> out;
  for (const Equivalence& e : equivalences()) {
    if (e.resource != r.resource) continue;
    bool listed = std::any_of(e.group_versions.begin(), e.group_versions.end(),
                              [&](const auto& gv) { return gv.first == r.group && gv.second == r.version; });
    if (!listed) continue;
    for (const auto& [g, v] : e.group_versions) {
      if (g == r.group && v == r.version) continue;
      out.push_back({std::string(g), std::string(v), r.resource});
    }
  }
  return out;
}

// First matching rule: the exact pass over all rules, then (Equivalent) each
// rule against every equivalent resource.
bool rules_match(const std::vector<NamedRule>& rules, const std::string& match_policy,
                 const RequestAttributes& request, GroupVersionKind* kind, GroupVersionResource* resource) {
  for (const NamedRule& rule : rules) {
    if (rule_matches(rule, request, request.resource)) {
      if (kind) *kind = request.kind;
      if (resource) *resource = request.resource;
      return true;
    }
  }
  if (match_policy != "Equivalent") return false;
  std::vector<GroupVersionResource> equivalents = equivalents_of(request.resource);
  for (const NamedRule& rule : rules) {
    for (const GroupVersionResource& e : equivalents) {
      if (!rule_matches(rule, request, e)) continue;
      if (kind) *kind = {e.group, e.version, request.kind.kind};
      if (resource) *resource = e;
      return true;
    }
  }
  return false;
}

const Value* labels_of(const Value* object) {
  if (object == nullptr || !object->is_object()) return nullptr;
  const Value* metadata = object->find("metadata");
  if (metadata == nullptr || !metadata->is_object()) return nullptr;
  return metadata->find("labels");
}

bool has_metadata(const Value* object) {
  if (object == nullptr || !object->is_object()) return false;
  const Value* metadata = object->find("metadata");
  return metadata != nullptr && metadata->is_object();
}

// §3.4; returns false with *error set when the namespace is unknown.
bool namespace_selector_matches(const Selector& s, const RequestAttributes& request, const NamespaceLookup& namespaces,
                                std::string* error) {
  if (request.namespace_name.empty() && !request.is_namespaces_resource()) return true;
  if (!s.present) {
    *error = "a nil namespace selector was passed, please ensure selectors are initialized properly";
    return false;
  }
  if (!s.error.empty()) {
    *error = s.error;
    return false;
  }
  if (s.empty) return true;
  const Value* labels = nullptr;
  if (request.is_namespaces_resource() && request.sub_resource.empty() &&
      (request.operation == "CREATE" || request.operation == "UPDATE")) {
    labels = labels_of(request.object);
  } else {
    const Value* ns = namespaces.find_namespace(request.namespace_name);
    if (ns == nullptr) {
      *error = "namespaces \"" + request.namespace_name + "\" not found";
      return false;
    }
    labels = labels_of(ns);
  }
  return s.selector->matches(labels);
}

bool object_selector_matches(const Selector& s, const RequestAttributes& request, std::string* error) {
  if (!s.present) {
    *error = "a nil object selector was passed, please ensure selectors are initialized properly";
    return false;
  }
  if (!s.error.empty()) {
    *error = s.error;
    return false;
  }
  if (s.empty) return true;
  auto one = [&](const Value* o) { return has_metadata(o) && s.selector->matches(labels_of(o)); };
  return one(request.object) || one(request.old_object);
}

GroupVersionKind gvk_of(const Value& v) {
  return {std::string(v["group"].string_or("")), std::string(v["version"].string_or("")),
          std::string(v["kind"].string_or(""))};
}

}  // namespace

bool RequestAttributes::is_admission_policy_resource() const {
  if (resource.group != kAdmissionRegistrationGroup) return false;
  const std::string& r = resource.resource;
  return r == "validatingadmissionpolicies" || r == "validatingadmissionpolicybindings" ||
         r == "mutatingadmissionpolicies" || r == "mutatingadmissionpolicybindings";
}

RequestAttributes RequestAttributes::from_request(const Value& request) {
  RequestAttributes a;
  a.operation = std::string(request["operation"].string_or(""));
  a.kind = gvk_of(request["kind"]);
  const Value& r = request["resource"];
  a.resource = {std::string(r["group"].string_or("")), std::string(r["version"].string_or("")),
                std::string(r["resource"].string_or(""))};
  a.sub_resource = std::string(request["subResource"].string_or(""));
  a.name = std::string(request["name"].string_or(""));
  a.namespace_name = std::string(request["namespace"].string_or(""));
  const Value* object = request.is_object() ? request.find("object") : nullptr;
  const Value* old_object = request.is_object() ? request.find("oldObject") : nullptr;
  a.object = object != nullptr && !object->is_null() ? object : nullptr;
  a.old_object = old_object != nullptr && !old_object->is_null() ? old_object : nullptr;
  return a;
}

bool rule_matches(const NamedRule& rule, const RequestAttributes& request, const GroupVersionResource& resource) {
  if (!scope_matches(rule, request)) return false;
  if (!contains(rule.operations, "*") && !contains(rule.operations, request.operation)) return false;
  if (!contains(rule.api_groups, "*") && !contains(rule.api_groups, resource.group)) return false;
  if (!contains(rule.api_versions, "*") && !contains(rule.api_versions, resource.version)) return false;
  if (!resource_matches(rule, resource.resource, request.sub_resource)) return false;
  if (!rule.resource_names.empty() && !contains(rule.resource_names, request.name)) return false;
  return true;
}

MatchOutcome match_resources(const RequestAttributes& request, const MatchResources& criteria,
                             const NamespaceLookup& namespaces) {
  MatchOutcome out;
  std::string selector_error;
  std::string error;
  if (!namespace_selector_matches(criteria.namespace_selector, request, namespaces, &error)) {
    if (error.empty()) return out;
    selector_error = error;
  }
  error.clear();
  if (!object_selector_matches(criteria.object_selector, request, &error)) {
    if (error.empty()) return out;
    if (selector_error.empty()) selector_error = error;
  }
  if (rules_match(criteria.exclude_resource_rules, criteria.match_policy, request, nullptr, nullptr)) return out;
  if (criteria.resource_rules.empty()) {
    out.matched_kind = request.kind;
    out.matched_resource = request.resource;
  } else if (!rules_match(criteria.resource_rules, criteria.match_policy, request, &out.matched_kind,
                          &out.matched_resource)) {
    return out;
  }
  if (!selector_error.empty()) {
    out.error = std::move(selector_error);
    return out;
  }
  out.matched = true;
  return out;
}

}  // namespace tollgate::policies::vap
