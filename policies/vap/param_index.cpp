#include "policies/vap/param_index.h"

#include <algorithm>
#include <set>

#include "policies/model/cluster_scoped_kinds.h"
#include "policies/model/parse_context.h"

namespace tollgate::policies::vap {

namespace {

using value::Value;
using View = std::pair<std::string_view, std::string_view>;

bool is_builtin_group(std::string_view group) {
  static const std::set<std::string_view> groups = {
      "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
      "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io",
      "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "events.k8s.io",
      "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "storagemigration.k8s.io"};
  return groups.count(group) != 0;
}

std::string not_found_error(std::string_view group, const ParamKind& kind) {
  return "failed to find resource referenced by paramKind: '" + std::string(group) + "/" +
         std::string(api_version_of(kind.api_version)) + ", Kind=" + kind.kind + "'";
}

// The API server prints the ParamKind with its generated String().
std::string not_synced_error(const ParamKind& kind) {
  return "paramKind kind `&ParamKind{APIVersion:" + kind.api_version + ",Kind:" + kind.kind +
         ",}` not yet synced to use for admission";
}

}  // namespace

ParamIndex::ParamIndex(const std::vector<Value>& param_objects) {
  std::set<KindKey> declared;
  for (const Value& o : param_objects) {
    if (o["kind"].string_or("") != "CustomResourceDefinition" ||
        api_group_of(o["apiVersion"].string_or("")) != "apiextensions.k8s.io") {
      continue;
    }
    const Value& spec = o["spec"];
    KindKey key(spec["group"].string_or(""), spec["names"]["kind"].string_or(""));
    namespaced_[key] = spec["scope"].string_or("Namespaced") != "Cluster";
    declared.insert(std::move(key));
  }
  for (const Value& o : param_objects) {
    std::string_view kind = o["kind"].string_or("");
    if (kind.empty()) continue;
    std::string_view group = api_group_of(o["apiVersion"].string_or(""));
    Param param{o, {}, {}, {}, nullptr};
    param.api_version = param.object["apiVersion"].string_or("");
    const Value& metadata = param.object["metadata"];
    param.namespace_name = metadata["namespace"].string_or("");
    param.name = metadata["name"].string_or("");
    param.labels = metadata.is_object() ? metadata.find("labels") : nullptr;
    Kind& entry = kinds_[KindKey(group, kind)];
    entry.any_version = !is_builtin_group(group);
    entry.params.push_back(std::move(param));
    KindKey key(group, kind);
    if (declared.count(key) != 0) continue;
    auto [it, inserted] = namespaced_.emplace(std::move(key), false);
    if (!o["metadata"]["namespace"].string_or("").empty()) it->second = true;
  }
  for (auto& [key, entry] : kinds_) {
    std::vector<Param>& list = entry.params;
    auto order = [](const Param& p) { return std::make_pair(p.namespace_name, p.name); };
    std::stable_sort(list.begin(), list.end(), [&](const Param& a, const Param& b) { return order(a) < order(b); });
    // A custom resource is one object whatever version it was read at (files
    // may hold it twice, the cluster lists it at each watched version): the first stays.
    if (entry.any_version) {
      list.erase(std::unique(list.begin(), list.end(), [&](const Param& a, const Param& b) { return order(a) == order(b); }),
                 list.end());
    }
  }
}

ParamIndex::ParamIndex(const std::vector<Value>& param_objects, std::vector<WatchedParamKind> watched)
    : ParamIndex(param_objects) {
  cluster_ = true;
  watched_ = std::move(watched);
}

ParamIndex::KindInfo ParamIndex::resolve_offline(std::string_view group, const ParamKind& kind) const {
  KindInfo info;
  auto it = namespaced_.find(View(group, kind.kind));
  if (it != namespaced_.end()) {
    info.namespaced = it->second;
  } else if (is_builtin_group(group)) {
    info.namespaced = !is_cluster_scoped_kind(group, kind.kind);
  } else {
    info.error = not_found_error(group, kind);
  }
  return info;
}

ParamIndex::KindInfo ParamIndex::resolve(const ParamKind& kind) const {
  std::string_view group = api_group_of(kind.api_version);
  auto entry = kinds_.find(View(group, kind.kind));
  const Kind* params = entry == kinds_.end() ? nullptr : &entry->second;
  KindInfo info;
  if (!cluster_) {
    info = resolve_offline(group, kind);
    info.entry = params;
    return info;
  }
  // What the cluster says: the watch of this very version first, else of another version of the kind.
  const WatchedParamKind* watched = nullptr;
  std::string_view version = api_version_of(kind.api_version);
  for (const WatchedParamKind& w : watched_) {
    if (w.group != group || w.kind != kind.kind) continue;
    if (watched == nullptr || (w.version == version && watched->version != version)) watched = &w;
  }
  if (watched == nullptr || watched->state == WatchedParamKind::State::NotServed) {
    bool declared = namespaced_.find(View(group, kind.kind)) != namespaced_.end();
    if (watched != nullptr && !declared) {
      info.error = not_found_error(group, kind);
      return info;
    }
    info = resolve_offline(group, kind);
    if (watched == nullptr) {
      // Not watched yet: a policy reload ahead of the watches.
      info.error.clear();
      info.binding_error = not_synced_error(kind);
    }
  } else {
    info.namespaced = watched->namespaced;
    if (watched->state == WatchedParamKind::State::Listing) info.binding_error = not_synced_error(kind);
  }
  info.entry = params;
  return info;
}

bool ParamIndex::collect(const std::optional<ParamKind>& kind, const KindInfo& info, const std::optional<ParamRef>& ref,
                         const RequestAttributes& attributes, std::vector<Value>& out, std::string* error) {
  if (!kind || !ref) {
    out.push_back(Value());
    return true;
  }
  const bool namespaced = info.namespaced;
  std::string search_namespace;
  if (namespaced) {
    search_namespace = !ref->namespace_name.empty() ? ref->namespace_name : attributes.namespace_name;
    if (search_namespace.empty()) {
      *error = "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources";
      return false;
    }
  }
  // The API server's informer for the kind has not listed it yet.
  if (!info.binding_error.empty()) {
    *error = info.binding_error;
    return false;
  }
  if (!namespaced && !ref->namespace_name.empty()) {
    *error = "paramRef.namespace must not be provided for a cluster-scoped `paramKind`";
    return false;
  }
  std::string_view group = api_group_of(kind->api_version);
  std::string_view version = api_version_of(kind->api_version);
  static const std::vector<Param> none;
  const std::vector<Param>& candidates = info.entry == nullptr ? none : info.entry->params;
  // A custom resource is read at any version its CRD serves, and tollgate
  // does not track served versions (resolve() ignores them too): any version
  // of the group and kind is in scope. Gatekeeper's constraint CRDs serve v1,
  // v1beta1 and v1alpha1 alike, so a constraint written as v1 is the param of
  // an exported policy's paramKind constraints.gatekeeper.sh/v1beta1.
  const bool any_version = !is_builtin_group(group);
  auto in_scope = [&](const Param& o) {
    const std::string_view v = o.api_version;
    if (!any_version && v != kind->api_version && !(group.empty() && v == version)) return false;
    return !namespaced || o.namespace_name == search_namespace;
  };
  if (!ref->name.empty()) {
    if (ref->has_selector) {
      *error = "paramRef.name and paramRef.selector are mutually exclusive";
      return false;
    }
    // In (namespace, name) order: a namespaced kind's one namespace is a range.
    auto first = candidates.begin();
    auto last = candidates.end();
    if (namespaced) {
      auto less = [](const Param& p, const View& k) { return std::make_pair(p.namespace_name, p.name) < k; };
      first = std::lower_bound(first, last, View(search_namespace, ref->name), less);
    }
    for (auto p = first; p != last; ++p) {
      if (namespaced && (p->namespace_name != search_namespace || p->name != ref->name)) break;
      if (in_scope(*p) && p->name == ref->name) out.push_back(p->object);
    }
  } else if (ref->has_selector) {
    if (!ref->selector.error.empty()) {
      *error = ref->selector.error;
      return false;
    }
    for (const Param& o : candidates) {
      if (!in_scope(o)) continue;
      if (ref->selector.empty || ref->selector.selector->matches(o.labels)) out.push_back(o.object);
    }
  } else {
    *error = "one of name or selector must be provided";
    return false;
  }
  if (out.empty() && ref->parameter_not_found_action == "Deny") {
    *error = "no params found for policy binding with `Deny` parameterNotFoundAction";
    return false;
  }
  return true;
}

}  // namespace tollgate::policies::vap
