#include "policies/vap/authorizer_rules.h"

#include <vector>

#include "rules/value/yaml.h"

namespace tollgate::policies::vap {
namespace {

using value::Value;

struct Rule {
  std::vector<std::string> users, groups, verbs, api_groups, resources, namespaces, names, urls;
  bool has_namespaces = false;
  bool has_names = false;
};

bool any_of(const std::vector<std::string>& allowed, std::string_view v) {
  for (const std::string& a : allowed)
    if (a == "*" || a == v) return true;
  return false;
}

bool url_matches(const std::vector<std::string>& urls, std::string_view path) {
  for (const std::string& u : urls) {
    if (u == "*" || u == path) return true;
    if (!u.empty() && u.back() == '*' && path.starts_with(std::string_view(u).substr(0, u.size() - 1))) return true;
  }
  return false;
}

class RulesAuthorizer final : public cel::Authorizer {
 public:
  explicit RulesAuthorizer(std::vector<Rule> rules) : rules_(std::move(rules)) {}

  cel::AuthorizationDecision authorize(const cel::AuthorizationAttributes& q) const override {
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (!matches(rules_[i], q)) continue;
      cel::AuthorizationDecision d;
      d.kind = cel::AuthorizationDecision::Kind::Allow;
      d.reason = "allowed by authorizer rule " + std::to_string(i);
      return d;
    }
    return {};
  }

 private:
  static bool matches(const Rule& r, const cel::AuthorizationAttributes& q) {
    if (!r.users.empty() || !r.groups.empty()) {
      bool who = any_of(r.users, q.user->name);
      for (const std::string& g : q.user->groups) who = who || any_of(r.groups, g);
      if (!who) return false;
    }
    if (!any_of(r.verbs, q.verb)) return false;
    if (!q.resource_request) return url_matches(r.urls, q.path);
    if (!any_of(r.api_groups, q.api_group)) return false;
    const std::string resource = q.subresource.empty() ? q.resource : q.resource + "/" + q.subresource;
    if (!any_of(r.resources, resource)) return false;
    if (r.has_namespaces && !any_of(r.namespaces, q.namespace_name)) return false;
    if (r.has_names && !any_of(r.names, q.name)) return false;
    return true;
  }

  std::vector<Rule> rules_;
};

bool strings(const Value& rule, std::string_view key, std::vector<std::string>* out, bool* present,
             std::string* error) {
  const Value* v = rule.find(key);
  if (v == nullptr) return true;
  if (present != nullptr) *present = true;
  if (!v->is_array()) {
    *error = std::string(key) + " must be a list of strings";
    return false;
  }
  for (const Value& s : v->items()) {
    if (!s.is_string()) {
      *error = std::string(key) + " must be a list of strings";
      return false;
    }
    out->push_back(s.as_string());
  }
  return true;
}

}  // namespace

std::shared_ptr<const cel::Authorizer> authorizer_from_rules(const Value& rules, std::string* error) {
  if (!rules.is_array()) {
    *error = "authorizer rules must be a list";
    return nullptr;
  }
  std::vector<Rule> out;
  for (size_t i = 0; i < rules.items().size(); ++i) {
    const Value& r = rules.items()[i];
    std::string why;
    Rule rule;
    bool ok = r.is_object();
    if (!ok) why = "not an object";
    for (const auto& entry : ok ? r.entries() : std::vector<Value::Entry>{}) {
      const std::string key(entry.first.string_or(""));
      if (key != "users" && key != "groups" && key != "verbs" && key != "apiGroups" && key != "resources" &&
          key != "namespaces" && key != "resourceNames" && key != "nonResourceURLs") {
        ok = false;
        why = "unknown field " + key;
      }
    }
    ok = ok && strings(r, "users", &rule.users, nullptr, &why) && strings(r, "groups", &rule.groups, nullptr, &why) &&
         strings(r, "verbs", &rule.verbs, nullptr, &why) && strings(r, "apiGroups", &rule.api_groups, nullptr, &why) &&
         strings(r, "resources", &rule.resources, nullptr, &why) &&
         strings(r, "namespaces", &rule.namespaces, &rule.has_namespaces, &why) &&
         strings(r, "resourceNames", &rule.names, &rule.has_names, &why) &&
         strings(r, "nonResourceURLs", &rule.urls, nullptr, &why);
    if (ok && rule.verbs.empty()) {
      ok = false;
      why = "verbs is required";
    }
    if (!ok) {
      *error = "authorizer rule " + std::to_string(i) + ": " + why;
      return nullptr;
    }
    out.push_back(std::move(rule));
  }
  return std::make_shared<const RulesAuthorizer>(std::move(out));
}

std::shared_ptr<const cel::Authorizer> load_authorizer_rules(const std::string& path, std::string* error) {
  std::vector<value::YamlDocument> documents;
  value::YamlError yaml_error;
  if (!value::load_yaml_file(path, &documents, &yaml_error)) {
    *error = path + ": " + yaml_error.message;
    return nullptr;
  }
  // One list, or one rule per document.
  Value rules = documents.size() == 1 && documents[0].value.is_array() ? documents[0].value : Value();
  if (rules.is_null()) {
    std::vector<Value> items;
    for (const value::YamlDocument& d : documents) items.push_back(d.value);
    rules = Value::array(std::move(items));
  }
  auto authorizer = authorizer_from_rules(rules, error);
  if (!authorizer) *error = path + ": " + *error;
  return authorizer;
}

}  // namespace tollgate::policies::vap
