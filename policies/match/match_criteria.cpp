#include "policies/match/match_criteria.h"

#include <algorithm>

#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;

namespace {

std::string_view string_at(const Value* obj, std::string_view key) {
  if (obj == nullptr) return {};
  const Value* v = obj->find(key);
  return v != nullptr ? v->string_or("") : std::string_view();
}

bool contains(const std::vector<std::string>& list, std::string_view s) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& e) { return e == s; });
}

// What the namespaces / excludedNamespaces criteria compare against; empty
// for a cluster-scoped non-Namespace object.
std::string_view namespace_name_for(const MatchObject& obj, const Value* ns) {
  if (obj.is_namespace) return obj.name;
  if (ns != nullptr) return string_at(ns->find("metadata"), "name");
  return obj.namespace_name;
}

}  // namespace

MatchObject MatchObject::of(const Value* object) {
  MatchObject m;
  if (object == nullptr || !object->is_object()) return m;
  m.object = object;
  std::string_view api_version = string_at(object, "apiVersion");
  m.group = api_group_of(api_version);
  m.kind = string_at(object, "kind");
  const Value* meta = object->find("metadata");
  if (meta != nullptr && meta->is_object()) {
    m.name = string_at(meta, "name");
    m.generate_name = string_at(meta, "generateName");
    m.namespace_name = string_at(meta, "namespace");
    const Value* labels = meta->find("labels");
    if (labels != nullptr && labels->is_object()) m.labels = labels;
  }
  m.is_namespace = m.kind == "Namespace" && m.group.empty();
  return m;
}

std::optional<MatchCriteria> MatchCriteria::parse(const Value* match, std::string_view pointer, ParseContext& ctx) {
  MatchCriteria out;
  if (match == nullptr || match->is_null()) return out;
  size_t errors_before = ctx.error_count();
  if (!match->is_object()) {
    ctx.error(pointer, std::string("match must be an object, got ") + value::kind_name(match->kind()));
    return std::nullopt;
  }
  out.present_ = true;
  std::string ptr(pointer);

  if (const Value* kinds = fields::array_field(*match, "kinds", ptr, ctx)) {
    std::string kinds_ptr = ptr + "/kinds";
    for (size_t i = 0; i < kinds->items().size(); ++i) {
      const Value& entry = kinds->items()[i];
      std::string entry_ptr = value::pointer_append(kinds_ptr, i);
      if (!entry.is_object()) {
        ctx.error(entry_ptr, "kinds entries must be objects with apiGroups and kinds");
        continue;
      }
      Kinds k;
      k.api_groups = fields::string_list_field(entry, "apiGroups", entry_ptr, ctx);
      k.kinds = fields::string_list_field(entry, "kinds", entry_ptr, ctx);
      out.kinds_.push_back(std::move(k));
    }
  }

  std::string_view scope = fields::string_field(*match, "scope", ptr, ctx);
  // Gatekeeper treats any other value (including "*" and typos) as all.
  if (scope == "Cluster") out.scope_ = Scope::Cluster;
  else if (scope == "Namespaced") out.scope_ = Scope::Namespaced;

  auto wildcards = [&](std::string_view key, std::vector<Wildcard>& into) {
    std::vector<std::string> patterns = fields::string_list_field(*match, key, ptr, ctx);
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (!Wildcard::is_valid(patterns[i])) {
        ctx.error(value::pointer_append(value::pointer_append(ptr, key), i),
                  std::string(key) + " entry \"" + patterns[i] + "\" must match ^\\*?[-:a-z0-9]*\\*?$");
        continue;
      }
      into.emplace_back(patterns[i]);
    }
  };
  wildcards("namespaces", out.namespaces_);
  wildcards("excludedNamespaces", out.excluded_namespaces_);

  auto selector = [&](std::string_view key, std::optional<LabelSelector>& into) {
    const Value* sel = match->find(key);
    if (sel == nullptr || sel->is_null()) return;
    LabelSelector::ParseError err;
    into = LabelSelector::parse(*sel, &err);
    if (!into) {
      ctx.error(value::pointer_append(ptr, key) + err.pointer, "invalid " + std::string(key) + ": " + err.message);
    }
  };
  selector("labelSelector", out.label_selector_);
  selector("namespaceSelector", out.namespace_selector_);

  std::string_view name = fields::string_field(*match, "name", ptr, ctx);
  if (!name.empty()) {
    if (!Wildcard::is_valid(name)) {
      ctx.error(ptr + "/name", "name \"" + std::string(name) + "\" must match ^\\*?[-:a-z0-9]*\\*?$");
    } else {
      out.name_.emplace(std::string(name));
    }
  }

  std::string_view source = fields::string_field(*match, "source", ptr, ctx);
  if (source.empty() || source == "All") out.source_ = Source::All;
  else if (source == "Generated") out.source_ = Source::Generated;
  else if (source == "Original") out.source_ = Source::Original;
  else ctx.error(ptr + "/source", "source \"" + std::string(source) + "\" must be one of All, Generated, Original");

  if (ctx.error_count() != errors_before) return std::nullopt;
  return out;
}

bool MatchCriteria::matches_one(const MatchObject& obj, const MatchTarget& target, std::string* error) const {
  if (source_ != Source::All) {
    if (target.source.empty()) {
      *error = "source not specified in review while the match requires source " +
               std::string(source_ == Source::Generated ? "Generated" : "Original");
      return false;
    }
    std::string_view want = source_ == Source::Generated ? "Generated" : "Original";
    if (target.source != want) return false;
  }

  if (!kinds_.empty()) {
    bool any = std::any_of(kinds_.begin(), kinds_.end(), [&](const Kinds& k) {
      bool kind_ok = k.kinds.empty() || contains(k.kinds, "*") || contains(k.kinds, obj.kind);
      bool group_ok = k.api_groups.empty() || contains(k.api_groups, "*") || contains(k.api_groups, obj.group);
      return kind_ok && group_ok;
    });
    if (!any) return false;
  }

  const Value* ns = target.namespace_object;
  bool has_namespace = !obj.namespace_name.empty() || ns != nullptr;
  if (scope_ == Scope::Cluster && !(obj.is_namespace || !has_namespace)) return false;
  if (scope_ == Scope::Namespaced && !(!obj.is_namespace && has_namespace)) return false;

  std::string_view ns_name = namespace_name_for(obj, ns);
  bool cluster_scoped = !obj.is_namespace && ns == nullptr && obj.namespace_name.empty();
  if (!namespaces_.empty() && !cluster_scoped) {
    bool any = std::any_of(namespaces_.begin(), namespaces_.end(), [&](const Wildcard& w) { return w.matches(ns_name); });
    if (!any) return false;
  }
  if (!excluded_namespaces_.empty() && !cluster_scoped) {
    bool any = std::any_of(excluded_namespaces_.begin(), excluded_namespaces_.end(),
                           [&](const Wildcard& w) { return w.matches(ns_name); });
    if (any) return false;
  }

  if (label_selector_ && !label_selector_->matches(obj.labels)) return false;

  if (namespace_selector_) {
    if (obj.is_namespace) {
      if (!namespace_selector_->matches(obj.labels)) return false;
    } else if (!cluster_scoped) {
      if (ns == nullptr) {
        *error = "namespace selector for namespace-scoped object but missing Namespace";
        return false;
      }
      const Value* ns_meta = ns->find("metadata");
      const Value* ns_labels = ns_meta != nullptr ? ns_meta->find("labels") : nullptr;
      if (!namespace_selector_->matches(ns_labels)) return false;
    }
  }

  if (name_ && !name_->matches(obj.name) && !name_->matches_generate_name(obj.generate_name)) return false;
  return true;
}

std::string MatchResult::constraint_error() const {
  if (!error_object) return error;
  return "error matching the requested object: " + object_name + " :" + error;
}

MatchResult MatchCriteria::matches(const MatchTarget& target) const {
  MatchResult r;
  if (!present_) {
    r.outcome = MatchResult::Outcome::Match;
    return r;
  }
  for (const MatchObject* obj : {&target.object, &target.old_object}) {
    if (!obj->present()) continue;
    std::string error;
    bool ok = matches_one(*obj, target, &error);
    if (!error.empty()) {
      r.outcome = MatchResult::Outcome::Error;
      r.error = "failed to run Match criteria: " + error;
      r.object_name = std::string(obj->name);
      r.error_object = true;
      return r;
    }
    if (ok) {
      r.outcome = MatchResult::Outcome::Match;
      return r;
    }
  }
  if (!target.object.present() && !target.old_object.present()) {
    r.outcome = MatchResult::Outcome::Error;
    r.error = "invalid request object: neither object nor old object are defined";
  }
  return r;
}

}  // namespace tollgate::policies
