#include "policies/vap/mutating_objects.h"

#include "rules/value/go_quote.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::vap {

namespace {

using value::Value;

std::string quote(std::string_view s) { return value::go_quote(s); }

const Value* member(const Value& obj, std::string_view key) {
  const Value* v = obj.is_object() ? obj.find(key) : nullptr;
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::string string_member(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\n\r\v\f") == std::string_view::npos; }

bool has_kind(const Value& object, std::string_view kind) {
  const std::string_view api_version = object["apiVersion"].string_or("");
  return object["kind"].string_or("") == kind &&
         (api_version == "admissionregistration.k8s.io/v1alpha1" ||
          api_version == "admissionregistration.k8s.io/v1beta1" || api_version == "admissionregistration.k8s.io/v1");
}

// MAP rules may not name DELETE (§1.4).
void check_no_delete(const Value* match, const std::string& path, const std::string& pointer, FieldErrors& errors) {
  if (match == nullptr) return;
  for (std::string_view list : {"resourceRules", "excludeResourceRules"}) {
    const Value* rules = member(*match, list);
    if (rules == nullptr || !rules->is_array()) continue;
    for (size_t i = 0; i < rules->items().size(); ++i) {
      const Value* ops = member(rules->items()[i], "operations");
      if (ops == nullptr || !ops->is_array()) continue;
      for (size_t j = 0; j < ops->items().size(); ++j) {
        if (ops->items()[j].string_or("") != "DELETE") continue;
        const std::string at = value::pointer_append(
            value::pointer_append(value::pointer_append(value::pointer_append(pointer, list), i), "operations"), j);
        errors.add(at, path + "." + std::string(list) + "[" + std::to_string(i) + "].operations[" + std::to_string(j) +
                           "]: Unsupported value: \"DELETE\": supported values: \"*\", \"CONNECT\", \"CREATE\", "
                           "\"UPDATE\"");
      }
    }
  }
}

std::string parse_name(const Value& object, FieldErrors& errors) {
  std::string name(object["metadata"]["name"].string_or(""));
  if (name.empty()) errors.add("/metadata/name", "metadata.name: Required value: name or generateName is required");
  return name;
}

bool v1alpha1(const Value& object) {
  return object["apiVersion"].string_or("") == "admissionregistration.k8s.io/v1alpha1";
}

}  // namespace

bool is_mutating_policy(const Value& object) { return has_kind(object, "MutatingAdmissionPolicy"); }
bool is_mutating_policy_binding(const Value& object) { return has_kind(object, "MutatingAdmissionPolicyBinding"); }

std::optional<MutatingAdmissionPolicy> parse_mutating_policy(const Value& object, ParseContext& ctx) {
  MutatingAdmissionPolicy p;
  FieldErrors errors;
  p.name = parse_name(object, errors);
  const Value& spec = object["spec"];
  if (std::string fp = string_member(spec, "failurePolicy"); !fp.empty()) p.failure_policy = fp;
  if (p.failure_policy != "Fail" && p.failure_policy != "Ignore") {
    errors.add("/spec/failurePolicy", "spec.failurePolicy: Unsupported value: " + quote(p.failure_policy) +
                                          ": supported values: \"Fail\", \"Ignore\"");
  }
  if (const Value* pk = member(spec, "paramKind")) {
    p.param_kind = parse_param_kind(*pk, "spec.paramKind", "/spec/paramKind", errors);
  }
  if (const Value* mc = member(spec, "matchConstraints")) {
    p.match_constraints = parse_match_resources(*mc, "spec.matchConstraints", "/spec/matchConstraints", true, errors);
    check_no_delete(mc, "spec.matchConstraints", "/spec/matchConstraints", errors);
  } else {
    errors.add("/spec", "spec.matchConstraints: Required value");
  }
  p.match_conditions = parse_named_expressions(member(spec, "matchConditions"), "spec.matchConditions",
                                               "/spec/matchConditions", true, errors);
  p.variables = parse_named_expressions(member(spec, "variables"), "spec.variables", "/spec/variables", false, errors);

  const Value* mutations = member(spec, "mutations");
  if (mutations == nullptr || !mutations->is_array() || mutations->size() == 0) {
    errors.add("/spec", "spec.mutations: Required value: mutations must contain at least one item");
  } else {
    for (size_t i = 0; i < mutations->items().size(); ++i) {
      const Value& m = mutations->items()[i];
      const std::string path = "spec.mutations[" + std::to_string(i) + "]";
      const std::string at = value::pointer_append("/spec/mutations", i);
      Mutation out;
      out.patch_type = string_member(m, "patchType");
      const Value* apply = member(m, "applyConfiguration");
      const Value* patch = member(m, "jsonPatch");
      if (out.patch_type.empty()) {
        errors.add(value::pointer_append(at, "patchType"), path + ".patchType: Required value");
      } else if (out.patch_type == "ApplyConfiguration" || out.patch_type == "JSONPatch") {
        const bool is_apply = out.patch_type == "ApplyConfiguration";
        const Value* chosen = is_apply ? apply : patch;
        const Value* other = is_apply ? patch : apply;
        const char* chosen_key = is_apply ? "applyConfiguration" : "jsonPatch";
        const char* other_key = is_apply ? "jsonPatch" : "applyConfiguration";
        if (chosen == nullptr) {
          errors.add(at, path + "." + chosen_key + ": Required value: must be specified when patchType is " +
                             out.patch_type);
        } else {
          out.expression = string_member(*chosen, "expression");
          out.pointer = value::pointer_append(value::pointer_append(at, chosen_key), "expression");
          if (blank(out.expression)) errors.add(out.pointer, path + "." + chosen_key + ".expression: Required value");
        }
        if (other != nullptr) {
          errors.add(value::pointer_append(at, other_key), path + "." + other_key + ": Invalid value: \"{" + other_key +
                                                               "}\": must not be specified when patchType is " +
                                                               out.patch_type);
        }
      } else {
        errors.add(value::pointer_append(at, "patchType"),
                   path + ".patchType: Unsupported value: " + quote(out.patch_type) +
                       ": supported values: \"ApplyConfiguration\", \"JSONPatch\"");
      }
      p.mutations.push_back(std::move(out));
    }
  }
  p.reinvocation_policy = string_member(spec, "reinvocationPolicy");
  if (p.reinvocation_policy.empty()) {
    errors.add("/spec/reinvocationPolicy", "spec.reinvocationPolicy: Required value");
  } else if (p.reinvocation_policy != "Never" && p.reinvocation_policy != "IfNeeded") {
    errors.add("/spec/reinvocationPolicy", "spec.reinvocationPolicy: Unsupported value: " +
                                               quote(p.reinvocation_policy) +
                                               ": supported values: \"Never\", \"IfNeeded\"");
  }
  report(errors, "MutatingAdmissionPolicy", p.name, ctx);
  return p;
}

std::optional<MutatingAdmissionPolicyBinding> parse_mutating_policy_binding(const Value& object, ParseContext& ctx) {
  MutatingAdmissionPolicyBinding b;
  FieldErrors errors;
  b.name = parse_name(object, errors);
  const Value& spec = object["spec"];
  b.policy_name = string_member(spec, "policyName");
  if (b.policy_name.empty()) errors.add("/spec/policyName", "spec.policyName: Required value");
  if (const Value* pr = member(spec, "paramRef")) {
    b.param_ref = parse_param_ref(*pr, v1alpha1(object), "spec.paramRef", "/spec/paramRef", errors);
  }
  if (const Value* mr = member(spec, "matchResources")) {
    b.match_resources = parse_match_resources(*mr, "spec.matchResources", "/spec/matchResources", false, errors);
    check_no_delete(mr, "spec.matchResources", "/spec/matchResources", errors);
  }
  report(errors, "MutatingAdmissionPolicyBinding", b.name, ctx);
  return b;
}

}  // namespace tollgate::policies::vap
