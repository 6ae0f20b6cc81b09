#include "policies/vap/vap_objects.h"

#include <algorithm>
#include <regex>
#include <set>

namespace tollgate::policies::vap {

using value::Value;

namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string supported(std::initializer_list<const char*> values) {
  std::string out = "supported values: ";
  bool first = true;
  for (const char* v : values) {
    if (!first) out += ", ";
    first = false;
    out += quote(v);
  }
  return out;
}

std::string ptr(const std::string& base, std::string_view key) { return value::pointer_append(base, key); }
std::string ptr(const std::string& base, size_t i) { return value::pointer_append(base, i); }

const Value* field(const Value& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  const Value* v = obj.find(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

std::string string_of(const Value& obj, std::string_view key) {
  const Value* v = field(obj, key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::vector<std::string> strings_of(const Value& obj, std::string_view key) {
  std::vector<std::string> out;
  const Value* v = field(obj, key);
  if (v == nullptr || !v->is_array()) return out;
  for (const Value& item : v->items()) out.push_back(item.is_string() ? item.as_string() : std::string());
  return out;
}

bool is_dns1123_subdomain(std::string_view s) {
  static const std::regex re("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  return s.size() <= 253 && std::regex_match(s.begin(), s.end(), re);
}

bool is_dns1035_label(std::string_view s) {
  static const std::regex re("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  return s.size() <= 63 && std::regex_match(s.begin(), s.end(), re);
}

const char* kDns1123Subdomain =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* kDns1035Label =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, "
    "and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
    "'[a-z]([-a-z0-9]*[a-z0-9])?')";

// Kubernetes qualified name (label key syntax); "" when valid.
std::string check_qualified_name(std::string_view s) { return check_label_key(s); }

bool valid_path_segment_name(std::string_view s) {
  return s != "." && s != ".." && s.find('/') == std::string_view::npos && s.find('%') == std::string_view::npos;
}

void check_rule(const Value& rule, const std::string& path, const std::string& pointer, FieldErrors& errors) {
  std::vector<std::string> names = strings_of(rule, "resourceNames");
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string p = path + ".resourceNames[" + std::to_string(i) + "]";
    if (!valid_path_segment_name(names[i])) {
      errors.add(ptr(ptr(pointer, "resourceNames"), i),
                 p + ": Invalid value: " + quote(names[i]) + ": must be a valid path segment name");
    }
    if (!seen.insert(names[i]).second) errors.add(ptr(ptr(pointer, "resourceNames"), i), p + ": Duplicate value: " + quote(names[i]));
  }
  std::vector<std::string> ops = strings_of(rule, "operations");
  if (ops.empty()) {
    errors.add(ptr(pointer, "operations"), path + ".operations: Required value");
  } else {
    bool star = std::find(ops.begin(), ops.end(), "*") != ops.end();
    if (star && ops.size() > 1) {
      errors.add(ptr(pointer, "operations"),
                 path + ".operations: Invalid value: " + "[]string{" + [&] {
                   std::string s;
                   for (size_t i = 0; i < ops.size(); ++i) s += (i ? ", " : "") + quote(ops[i]);
                   return s;
                 }() + "}: if '*' is present, must not specify other operations");
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      const std::string& o = ops[i];
      if (o != "*" && o != "CONNECT" && o != "CREATE" && o != "DELETE" && o != "UPDATE") {
        errors.add(ptr(ptr(pointer, "operations"), i), path + ".operations[" + std::to_string(i) + "]: Unsupported value: " +
                                                         quote(o) + ": " +
                                                         supported({"*", "CONNECT", "CREATE", "DELETE", "UPDATE"}));
      }
    }
  }
  for (auto [key, what] : {std::pair{"apiGroups", "API groups"}, std::pair{"apiVersions", "API versions"}}) {
    std::vector<std::string> v = strings_of(rule, key);
    if (v.empty()) {
      errors.add(ptr(pointer, key), path + "." + key + ": Required value");
      continue;
    }
    if (std::find(v.begin(), v.end(), "*") != v.end() && v.size() > 1) {
      errors.add(ptr(pointer, key), path + "." + key + ": Invalid value: []string{...}: if '*' is present, must not specify other " + what);
    }
    if (std::string(key) == "apiVersions") {
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i].empty()) errors.add(ptr(ptr(pointer, key), i), path + ".apiVersions[" + std::to_string(i) + "]: Required value");
      }
    }
  }
  std::vector<std::string> res = strings_of(rule, "resources");
  if (res.empty()) errors.add(ptr(pointer, "resources"), path + ".resources: Required value");
  for (size_t i = 0; i < res.size(); ++i) {
    if (res[i].empty()) errors.add(ptr(ptr(pointer, "resources"), i), path + ".resources[" + std::to_string(i) + "]: Required value");
  }
  std::string scope = string_of(rule, "scope");
  if (!scope.empty() && scope != "*" && scope != "Cluster" && scope != "Namespaced") {
    errors.add(ptr(pointer, "scope"), path + ".scope: Unsupported value: " + quote(scope) + ": " +
                                          supported({"*", "Cluster", "Namespaced"}));
  }
}

NamedRule parse_rule(const Value& rule) {
  NamedRule r;
  r.resource_names = strings_of(rule, "resourceNames");
  r.operations = strings_of(rule, "operations");
  r.api_groups = strings_of(rule, "apiGroups");
  r.api_versions = strings_of(rule, "apiVersions");
  r.resources = strings_of(rule, "resources");
  std::string scope = string_of(rule, "scope");
  r.scope = scope.empty() ? "*" : scope;  // §1.5 default
  return r;
}

std::vector<NamedRule> parse_rules(const Value& node, std::string_view key, const std::string& path,
                                   const std::string& pointer, FieldErrors& errors) {
  std::vector<NamedRule> out;
  const Value* list = field(node, key);
  if (list == nullptr || !list->is_array()) return out;
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Value& rule = list->items()[i];
    check_rule(rule, path + "." + std::string(key) + "[" + std::to_string(i) + "]", ptr(ptr(pointer, key), i), errors);
    out.push_back(parse_rule(rule));
  }
  return out;
}

bool is_cel_identifier(std::string_view s) {
  static const std::regex re("^[_a-zA-Z][_a-zA-Z0-9]*$");
  static const std::set<std::string_view> reserved = {"true", "false", "null", "in", "as", "break", "const",
                                                      "continue", "else", "for", "function", "if", "import",
                                                      "let", "loop", "package", "namespace", "return", "var",
                                                      "void", "while"};
  return std::regex_match(s.begin(), s.end(), re) && reserved.count(s) == 0;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool has_kind(const Value& object, std::string_view kind) {
  std::string_view api_version = object["apiVersion"].string_or("");
  if (object["kind"].string_or("") != kind) return false;
  return api_version == "admissionregistration.k8s.io/v1" || api_version == "admissionregistration.k8s.io/v1beta1";
}

}  // namespace

bool is_validating_policy(const Value& object) { return has_kind(object, "ValidatingAdmissionPolicy"); }
bool is_validating_policy_binding(const Value& object) { return has_kind(object, "ValidatingAdmissionPolicyBinding"); }

Selector parse_selector(const Value* node) {
  Selector s;
  if (node == nullptr || node->is_null()) {
    // Defaulted to {} by the API server (§1.5).
    s.present = true;
    s.selector = LabelSelector::parse(Value::empty_object(), nullptr);
    return s;
  }
  s.present = true;
  auto none = [&](std::string_view key) {
    const Value* v = node->is_object() ? node->find(key) : nullptr;
    return v == nullptr || v->is_null() || ((v->is_array() || v->is_object()) && v->size() == 0);
  };
  s.empty = none("matchLabels") && none("matchExpressions");
  LabelSelector::ParseError error;
  s.selector = LabelSelector::parse(*node, &error);
  if (!s.selector) s.error = error.message;
  return s;
}

MatchResources parse_match_resources(const Value& node, const std::string& path, const std::string& pointer,
                                     bool is_policy, FieldErrors& errors) {
  MatchResources m;
  std::string policy = string_of(node, "matchPolicy");
  if (!policy.empty()) m.match_policy = policy;
  if (m.match_policy != "Equivalent" && m.match_policy != "Exact") {
    errors.add(ptr(pointer, "matchPolicy"), path + ".matchPolicy: Unsupported value: " + quote(m.match_policy) + ": " +
                                                supported({"Equivalent", "Exact"}));
  }
  m.namespace_selector = parse_selector(field(node, "namespaceSelector"));
  m.object_selector = parse_selector(field(node, "objectSelector"));
  if (!m.namespace_selector.error.empty()) {
    errors.add(ptr(pointer, "namespaceSelector"), path + ".namespaceSelector: Invalid value: " + m.namespace_selector.error);
  }
  if (!m.object_selector.error.empty()) {
    errors.add(ptr(pointer, "objectSelector"), path + ".objectSelector: Invalid value: " + m.object_selector.error);
  }
  m.resource_rules = parse_rules(node, "resourceRules", path, pointer, errors);
  m.exclude_resource_rules = parse_rules(node, "excludeResourceRules", path, pointer, errors);
  if (is_policy && m.resource_rules.empty()) errors.add(ptr(pointer, "resourceRules"), path + ".resourceRules: Required value");
  return m;
}

ParamKind parse_param_kind(const Value& node, const std::string& path, const std::string& pointer,
                           FieldErrors& errors) {
  ParamKind k;
  k.api_version = string_of(node, "apiVersion");
  k.kind = string_of(node, "kind");
  if (k.api_version.empty()) {
    errors.add(ptr(pointer, "apiVersion"), path + ".apiVersion: Required value");
  } else {
    size_t slashes = std::count(k.api_version.begin(), k.api_version.end(), '/');
    std::string_view group = api_group_of(k.api_version);
    std::string_view version = api_version_of(k.api_version);
    if (slashes > 1) {
      errors.add(ptr(pointer, "apiVersion"), path + ".apiVersion: Invalid value: " + quote(k.api_version) +
                                                 ": unexpected GroupVersion string: " + k.api_version);
    } else if (!group.empty() && !is_dns1123_subdomain(group)) {
      errors.add(ptr(pointer, "apiVersion"), path + ".apiVersion: Invalid value: " + quote(group) + ": " + kDns1123Subdomain);
    } else if (version.empty()) {
      errors.add(ptr(pointer, "apiVersion"), path + ".apiVersion: Invalid value: " + quote(k.api_version) + ": version must be specified");
    } else if (!is_dns1035_label(version)) {
      errors.add(ptr(pointer, "apiVersion"), path + ".apiVersion: Invalid value: " + quote(version) + ": " + kDns1035Label);
    }
  }
  if (k.kind.empty()) {
    errors.add(ptr(pointer, "kind"), path + ".kind: Required value");
  } else {
    std::string lower = k.kind;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!is_dns1035_label(lower)) {
      errors.add(ptr(pointer, "kind"), path + ".kind: Invalid value: " + quote(k.kind) +
                                           ": may have mixed case, but should otherwise match: " + kDns1035Label);
    }
  }
  return k;
}

ParamRef parse_param_ref(const Value& node, bool default_not_found_deny, const std::string& path,
                         const std::string& pointer, FieldErrors& errors) {
  ParamRef r;
  r.name = string_of(node, "name");
  r.namespace_name = string_of(node, "namespace");
  const Value* selector = field(node, "selector");
  r.has_selector = selector != nullptr;
  if (selector != nullptr) r.selector = parse_selector(selector);
  r.parameter_not_found_action = string_of(node, "parameterNotFoundAction");
  if (r.parameter_not_found_action.empty() && default_not_found_deny) r.parameter_not_found_action = "Deny";
  if (!r.name.empty() && r.has_selector) {
    errors.add(ptr(pointer, "name"), path + ".name: Forbidden: name and selector are mutually exclusive");
    errors.add(ptr(pointer, "selector"), path + ".selector: Forbidden: name and selector are mutually exclusive");
  } else if (r.name.empty() && !r.has_selector) {
    errors.add(pointer, path + ": Required value: one of name or selector must be specified");
  }
  if (!r.name.empty() && !valid_path_segment_name(r.name)) {
    errors.add(ptr(pointer, "name"), path + ".name: Invalid value: " + quote(r.name) + ": may not contain '/' or '%'");
  }
  if (r.has_selector && !r.selector.error.empty()) {
    errors.add(ptr(pointer, "selector"), path + ".selector: Invalid value: " + r.selector.error);
  }
  if (r.parameter_not_found_action.empty()) {
    errors.add(ptr(pointer, "parameterNotFoundAction"), path + ".parameterNotFoundAction: Required value");
  } else if (r.parameter_not_found_action != "Deny" && r.parameter_not_found_action != "Allow") {
    errors.add(ptr(pointer, "parameterNotFoundAction"), path + ".parameterNotFoundAction: Unsupported value: " +
                                                            quote(r.parameter_not_found_action) + ": " +
                                                            supported({"Deny", "Allow"}));
  }
  return r;
}

std::vector<NamedExpression> parse_named_expressions(const Value* list, const std::string& path,
                                                     const std::string& pointer, bool match_conditions,
                                                     FieldErrors& errors) {
  std::vector<NamedExpression> out;
  if (list == nullptr || !list->is_array()) return out;
  if (match_conditions && list->size() > 64) {
    errors.add(pointer, path + ": Too many: " + std::to_string(list->size()) + ": must have at most 64 items");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Value& item = list->items()[i];
    std::string p = path + "[" + std::to_string(i) + "]";
    std::string at = ptr(pointer, i);
    NamedExpression e;
    e.name = string_of(item, "name");
    e.expression = string_of(item, "expression");
    e.pointer = ptr(at, "expression");
    if (match_conditions) {
      if (trim(e.expression).empty()) errors.add(e.pointer, p + ".expression: Required value");
      if (e.name.empty()) {
        errors.add(ptr(at, "name"), p + ".name: Required value");
      } else {
        if (std::string why = check_qualified_name(e.name); !why.empty()) {
          errors.add(ptr(at, "name"), p + ".name: Invalid value: " + quote(e.name) + ": " + why);
        }
        if (!names.insert(e.name).second) errors.add(ptr(at, "name"), p + ".name: Duplicate value: " + quote(e.name));
      }
    } else {
      if (e.name.empty()) {
        errors.add(ptr(at, "name"), p + ".name: Required value: name is not specified");
      } else if (!is_cel_identifier(e.name)) {
        errors.add(ptr(at, "name"), p + ".name: Invalid value: " + quote(e.name) + ": name is not a valid CEL identifier");
      }
      if (trim(e.expression).empty()) errors.add(e.pointer, p + ".expression: Required value: expression is not specified");
    }
    out.push_back(std::move(e));
  }
  return out;
}

void report(const FieldErrors& errors, std::string_view kind, std::string_view name, ParseContext& ctx) {
  for (const FieldErrors::Entry& e : errors.entries) {
    ctx.error(e.pointer, std::string(kind) + ".admissionregistration.k8s.io " + quote(name) + " is invalid: " + e.text);
  }
}

std::optional<ValidatingAdmissionPolicy> parse_validating_policy(const Value& object, ParseContext& ctx) {
  ValidatingAdmissionPolicy p;
  FieldErrors errors;
  p.name = std::string(object["metadata"]["name"].string_or(""));
  if (p.name.empty()) {
    errors.add("/metadata/name", "metadata.name: Required value: name or generateName is required");
  } else if (!is_dns1123_subdomain(p.name)) {
    errors.add("/metadata/name", "metadata.name: Invalid value: " + quote(p.name) + ": " + kDns1123Subdomain);
  }
  const Value& spec = object["spec"];
  std::string fp = string_of(spec, "failurePolicy");
  if (!fp.empty()) p.failure_policy = fp;
  if (p.failure_policy != "Fail" && p.failure_policy != "Ignore") {
    errors.add("/spec/failurePolicy", "spec.failurePolicy: Unsupported value: " + quote(p.failure_policy) + ": " +
                                          supported({"Fail", "Ignore"}));
  }
  if (const Value* pk = field(spec, "paramKind")) {
    p.param_kind = parse_param_kind(*pk, "spec.paramKind", "/spec/paramKind", errors);
  }
  if (const Value* mc = field(spec, "matchConstraints")) {
    p.match_constraints = parse_match_resources(*mc, "spec.matchConstraints", "/spec/matchConstraints", true, errors);
  } else {
    errors.add("/spec", "spec.matchConstraints: Required value");
  }
  p.match_conditions =
      parse_named_expressions(field(spec, "matchConditions"), "spec.matchConditions", "/spec/matchConditions", true, errors);
  p.variables = parse_named_expressions(field(spec, "variables"), "spec.variables", "/spec/variables", false, errors);

  const Value* validations = field(spec, "validations");
  if (validations != nullptr && validations->is_array()) {
    for (size_t i = 0; i < validations->items().size(); ++i) {
      const Value& v = validations->items()[i];
      std::string path = "spec.validations[" + std::to_string(i) + "]";
      std::string at = ptr("/spec/validations", i);
      Validation out;
      out.pointer = at;
      out.expression = string_of(v, "expression");
      out.message = string_of(v, "message");
      const Value* me = field(v, "messageExpression");
      out.has_message_expression = me != nullptr && me->is_string();
      if (out.has_message_expression) out.message_expression = me->as_string();
      out.reason = string_of(v, "reason");
      if (trim(out.expression).empty()) errors.add(ptr(at, "expression"), path + ".expression: Required value: expression is not specified");
      if (out.has_message_expression && trim(out.message_expression).empty()) {
        errors.add(ptr(at, "messageExpression"), path + ".messageExpression: Invalid value: " + quote(out.message_expression) +
                                                     ": must be non-empty if specified");
      }
      if (field(v, "message") != nullptr) {
        if (trim(out.message).empty()) {
          errors.add(ptr(at, "message"), path + ".message: Invalid value: " + quote(out.message) + ": message must be non-empty if specified");
        } else if (out.message.find_first_of("\r\n") != std::string::npos) {
          errors.add(ptr(at, "message"), path + ".message: Invalid value: " + quote(out.message) + ": message must not contain line breaks");
        }
      }
      if (!out.reason.empty() && out.reason != "Forbidden" && out.reason != "Invalid" && out.reason != "RequestEntityTooLarge") {
        errors.add(ptr(at, "reason"), path + ".reason: Unsupported value: " + quote(out.reason) + ": " +
                                          supported({"Forbidden", "Invalid", "RequestEntityTooLarge"}));
      }
      p.validations.push_back(std::move(out));
    }
  }
  const Value* annotations = field(spec, "auditAnnotations");
  if (annotations != nullptr && annotations->is_array()) {
    if (annotations->size() > 20) {
      errors.add("/spec/auditAnnotations", "spec.auditAnnotations: Invalid value: " + std::to_string(annotations->size()) +
                                               ": must not have more than 20 auditAnnotations");
    }
    std::set<std::string> keys;
    for (size_t i = 0; i < annotations->items().size(); ++i) {
      const Value& a = annotations->items()[i];
      std::string path = "spec.auditAnnotations[" + std::to_string(i) + "]";
      std::string at = ptr("/spec/auditAnnotations", i);
      AuditAnnotation out;
      out.key = string_of(a, "key");
      out.value_expression = string_of(a, "valueExpression");
      out.pointer = ptr(at, "valueExpression");
      if (p.name.empty()) {
        errors.add(ptr(at, "key"), path + ".key: Invalid value: " + quote(out.key) + ": requires metadata.name be non-empty");
      } else if (std::string why = check_qualified_name(p.name + "/" + out.key); !why.empty()) {
        errors.add(ptr(at, "key"), path + ".key: Invalid value: " + quote(p.name + "/" + out.key) + ": " + why);
      }
      if (!keys.insert(out.key).second) errors.add(ptr(at, "key"), path + ".key: Duplicate value: " + quote(out.key));
      std::string_view trimmed = trim(out.value_expression);
      if (trimmed.empty()) {
        errors.add(out.pointer, path + ".valueExpression: Required value: valueExpression is not specified");
      } else if (trimmed.size() > 5120) {
        errors.add(out.pointer, path + ".valueExpression: Required value: must not exceed 5120 bytes in length");
      }
      p.audit_annotations.push_back(std::move(out));
    }
  }
  if (p.validations.empty() && p.audit_annotations.empty()) {
    errors.add("/spec", "spec.validations: Required value: validations or auditAnnotations must contain at least one item");
    errors.add("/spec", "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item");
  }
  report(errors, "ValidatingAdmissionPolicy", p.name, ctx);
  return p;
}

std::optional<ValidatingAdmissionPolicyBinding> parse_validating_policy_binding(const Value& object,
                                                                                ParseContext& ctx) {
  ValidatingAdmissionPolicyBinding b;
  FieldErrors errors;
  b.name = std::string(object["metadata"]["name"].string_or(""));
  if (b.name.empty()) {
    errors.add("/metadata/name", "metadata.name: Required value: name or generateName is required");
  } else if (!is_dns1123_subdomain(b.name)) {
    errors.add("/metadata/name", "metadata.name: Invalid value: " + quote(b.name) + ": " + kDns1123Subdomain);
  }
  const Value& spec = object["spec"];
  b.policy_name = string_of(spec, "policyName");
  if (b.policy_name.empty()) {
    errors.add("/spec/policyName", "spec.policyName: Required value");
  } else if (!is_dns1123_subdomain(b.policy_name)) {
    errors.add("/spec/policyName", "spec.policyName: Invalid value: " + quote(b.policy_name) + ": " + kDns1123Subdomain);
  }
  if (const Value* pr = field(spec, "paramRef")) {
    b.param_ref = parse_param_ref(*pr, false, "spec.paramRef", "/spec/paramRef", errors);
  }
  if (const Value* mr = field(spec, "matchResources")) {
    // The API server's field path is misspelled (§1.6).
    b.match_resources = parse_match_resources(*mr, "spec.matchResouces", "/spec/matchResources", false, errors);
  }
  b.validation_actions = strings_of(spec, "validationActions");
  if (b.validation_actions.empty()) {
    errors.add("/spec/validationActions", "spec.validationActions: Required value: at least one validation action is required");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < b.validation_actions.size(); ++i) {
    const std::string& a = b.validation_actions[i];
    std::string path = "spec.validationActions[" + std::to_string(i) + "]";
    std::string at = ptr("/spec/validationActions", i);
    if (a != "Audit" && a != "Deny" && a != "Warn") {
      errors.add(at, path + ": Unsupported value: " + quote(a) + ": " + supported({"Audit", "Deny", "Warn"}));
    }
    if (!seen.insert(a).second) errors.add(at, path + ": Duplicate value: " + quote(a));
  }
  if (seen.count("Deny") != 0 && seen.count("Warn") != 0) {
    errors.add("/spec/validationActions",
               "spec.validationActions: Invalid value: []string{...}: must not contain both Deny and Warn (repeating "
               "the same validation failure information in the API response and headers serves no purpose)");
  }
  report(errors, "ValidatingAdmissionPolicyBinding", b.name, ctx);
  return b;
}

}  // namespace tollgate::policies::vap
