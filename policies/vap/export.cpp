#include "policies/vap/export.h"

#include <cctype>
#include <utility>

#include "policies/model/enforcement_action.h"
#include "policies/model/parse_context.h"

namespace tollgate::policies::vap {

using value::Value;

namespace {

// The match criteria Gatekeeper adds as matchConditions (§7.3 E1–E4),
// byte for byte: a line feed, the CEL (tab-indented, with its // comments),
// a line feed and a tab. Each is true when the constraint has no spec, no
// spec.match or no spec.match.<field>; else `body` decides.
std::string match_condition(std::string_view field, std::string_view body) {
  std::string out = "\n\t!has(params.spec) ? true: (\n\t\t!has(params.spec.match) ? true: (\n\t\t\t!has(params.spec.match.";
  out.append(field).append(") ? true : (\n").append(body);
  out += "\t\t\t)\n\t\t)\n\t)\n\t";
  return out;
}

// Some of object and oldObject is non-null and passes `test`.
std::string any_object(std::string_view test) {
  std::string out = "\t\t\t\t[object, oldObject].exists(obj,\n\t\t\t\t\tobj != null && (\n";
  out.append(test);
  out += "\t\t\t\t\t)\n\t\t\t\t)\n";
  return out;
}

// E1 (excludedNamespaces: no glob matches) and E2 (namespaces: some glob
// matches); cluster-scoped objects always pass.
std::string namespaces_glob(std::string_view field, bool excluded) {
  std::string test =
      "\t\t\t\t\t\t// cluster-scoped objects always match\n"
      "\t\t\t\t\t\t!has(obj.metadata.namespace) || obj.metadata.namespace == \"\" ? true : (\n\t\t\t\t\t\t\t";
  if (excluded) test += '!';
  test.append("params.spec.match.").append(field).append(
      ".exists(nsMatcher,\n"
      "\t\t\t\t\t\t\t\t(string(obj.metadata.namespace).matches(\"^\" + string(nsMatcher).replace(\"*\", \".*\") + \"$\"))\n"
      "\t\t\t\t\t\t\t)\n\t\t\t\t\t\t)\n");
  return match_condition(field, any_object(test));
}

// E3: the name glob against metadata.name, or generateName when the glob ends in *.
std::string name_glob() {
  return match_condition(
      "name",
      any_object("\t\t\t\t\t\t(has(obj.metadata.generateName) && obj.metadata.generateName != \"\" && "
                 "params.spec.match.name.endsWith(\"*\") && string(obj.metadata.generateName).matches(\"^\" + "
                 "string(params.spec.match.name).replace(\"*\", \".*\") + \"$\")) ||\n"
                 "\t\t\t\t\t\t(has(obj.metadata.name) && string(obj.metadata.name).matches(\"^\" + "
                 "string(params.spec.match.name).replace(\"*\", \".*\") + \"$\"))\n"));
}

// E4: some kinds entry admits the request's kind and group.
std::string kinds() {
  return match_condition(
      "kinds",
      "\t\t\t\tparams.spec.match.kinds.exists(groupskinds,\n"
      "\t\t\t\t\t(!has(groupskinds.kinds) || size(groupskinds.kinds) == 0 || \"*\" in groupskinds.kinds || "
      "request.kind.kind in groupskinds.kinds) &&\n"
      "\t\t\t\t\t(!has(groupskinds.apiGroups) || size(groupskinds.apiGroups) == 0 || \"*\" in groupskinds.apiGroups || "
      "request.kind.group in groupskinds.apiGroups)\n"
      "\t\t\t\t)\n");
}

// The four conditions, in Gatekeeper's order, built once.
const std::vector<std::pair<std::string, std::string>>& gatekeeper_match_conditions() {
  static const std::vector<std::pair<std::string, std::string>> conditions = {
      {"gatekeeper_internal_match_excluded_namespaces", namespaces_glob("excludedNamespaces", true)},
      {"gatekeeper_internal_match_namespaces", namespaces_glob("namespaces", false)},
      {"gatekeeper_internal_match_name", name_glob()},
      {"gatekeeper_internal_match_kinds", kinds()},
  };
  return conditions;
}

constexpr const char* kAnyObjectExpression =
    "has(request.operation) && request.operation == \"DELETE\" && object == null ? oldObject : object";
constexpr const char* kParamsExpression =
    "!has(params.spec) ? null : !has(params.spec.parameters) ? null: params.spec.parameters";
constexpr const char* kReservedPrefix = "gatekeeper_internal_";
constexpr const char* kConstraintsGroup = "constraints.gatekeeper.sh";

Value str(std::string_view s) { return Value::string(s); }

Value named(std::string_view name, std::string_view expression) {
  value::ObjectBuilder b;
  b.add("name", str(name)).add("expression", str(expression));
  return b.build();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A {name, expression} list of the source (matchCondition, variables), as
// runtime.DefaultUnstructuredConverter reads it: absent or null is empty.
bool read_named_list(const Value& source, std::string_view key, std::vector<std::pair<std::string, std::string>>& out,
                     std::string* error) {
  const Value* list = source.find(key);
  if (list == nullptr || list->is_null()) return true;
  if (!list->is_array()) {
    *error = "source." + std::string(key) + ": expected a list";
    return false;
  }
  for (const Value& item : list->items()) {
    if (!item.is_object()) {
      *error = "source." + std::string(key) + ": expected a list of {name, expression}";
      return false;
    }
    const Value& name = item["name"];
    const Value& expression = item["expression"];
    if ((!name.is_null() && !name.is_string()) || (!expression.is_null() && !expression.is_string())) {
      *error = "source." + std::string(key) + ": name and expression must be strings";
      return false;
    }
    out.emplace_back(std::string(name.string_or("")), std::string(expression.string_or("")));
  }
  return true;
}

// The binding's object/namespace selector: a metav1.LabelSelector read from
// the constraint's match (only its two fields survive the conversion).
Value label_selector(const Value& selector) {
  value::ObjectBuilder b;
  if (const Value* labels = selector.find("matchLabels"); labels != nullptr && !labels->is_null()) {
    b.add("matchLabels", *labels);
  }
  if (const Value* expressions = selector.find("matchExpressions"); expressions != nullptr && !expressions->is_null()) {
    b.add("matchExpressions", *expressions);
  }
  return b.build();
}

Value object_head(const ExportOptions& options, std::string_view kind, std::string_view name, Value spec) {
  value::ObjectBuilder meta;
  meta.add("name", str(name));
  value::ObjectBuilder o;
  o.add("apiVersion", str(options.api_version));
  o.add("kind", str(kind));
  o.add("metadata", meta.build());
  o.add("spec", std::move(spec));
  return o.build();
}

}  // namespace

bool is_constraint_of_kind(const Value& object, std::string_view kind) {
  return object.is_object() && object["kind"].string_or("") == kind &&
         api_group_of(object["apiVersion"].string_or("")) == kConstraintsGroup;
}

ExportedPolicy export_policy(const Value& constraint_template, const ExportOptions& options) {
  ExportedPolicy out;
  const std::string name(constraint_template["metadata"]["name"].string_or(""));
  auto fail = [&](const std::string& why) {
    out.policy = Value::null();
    out.error = "template " + (name.empty() ? std::string("(unnamed)") : name) + ": " + why;
    return out;
  };
  if (constraint_template["kind"].string_or("") != "ConstraintTemplate" ||
      api_group_of(constraint_template["apiVersion"].string_or("")) != "templates.gatekeeper.sh") {
    return fail("not a ConstraintTemplate (templates.gatekeeper.sh)");
  }
  if (name.empty()) return fail("metadata.name is required");
  const Value& spec = constraint_template["spec"];
  out.constraint_kind = std::string(spec["crd"]["spec"]["names"]["kind"].string_or(""));
  if (out.constraint_kind.empty()) return fail("spec.crd.spec.names.kind is required");
  if (lower(out.constraint_kind) != name) {
    // Gatekeeper refuses such a template; the binding's policyName (from the
    // constraint kind) would not name the policy (from the template name).
    return fail("template's name " + name + " is not equal to the lowercase of CRD's Kind: " + lower(out.constraint_kind));
  }

  // schema.GetSourceFromTemplate.
  const Value& targets = spec["targets"];
  if (!targets.is_array() || targets.items().size() != 1) {
    return fail("wrong number of targets defined, only 1 target allowed");
  }
  const Value* source = nullptr;
  bool has_rego = false;
  const Value& code = targets.items().front()["code"];
  if (code.is_array()) {
    for (const Value& c : code.items()) {
      std::string_view engine = c["engine"].string_or("");
      if (engine == "Rego") has_rego = true;
      if (engine != "K8sNativeValidation") continue;
      source = c.find("source");
      if (source == nullptr || !source->is_object()) return fail("could not recognize the type");
      break;
    }
  }
  if (source == nullptr) {
    has_rego = has_rego || targets.items().front().find("rego") != nullptr;
    return fail(std::string("K8sNativeValidation engine is missing") +
                (has_rego ? " (the template has only Rego; Gatekeeper generates a ValidatingAdmissionPolicy only "
                            "from K8sNativeValidation code)"
                          : ""));
  }

  std::string why;
  std::vector<std::pair<std::string, std::string>> conditions, variables;
  if (!read_named_list(*source, "matchCondition", conditions, &why)) return fail(why);
  if (!read_named_list(*source, "variables", variables, &why)) return fail(why);
  const Value& validations = (*source)["validations"];
  if (!validations.is_null() && !validations.is_array()) return fail("source.validations: expected a list");
  const Value& failure_policy = (*source)["failurePolicy"];
  if (!failure_policy.is_null() && !failure_policy.is_string()) return fail("source.failurePolicy: expected a string");
  const Value& generate = (*source)["generateVAP"];
  if (generate.is_bool()) {
    out.generate_vap = generate.as_bool();
  } else if (!generate.is_null()) {
    return fail("source.generateVAP: expected a boolean");
  }

  // Source.Validate, in its order.
  for (const auto& [n, e] : conditions) {
    if (n.rfind(kReservedPrefix, 0) == 0) {
      return fail("invalid match condition: " + n + " is not a valid match condition; cannot have \"" +
                  kReservedPrefix + "\" as a prefix");
    }
  }
  for (const auto& [n, e] : variables) {
    if (n.rfind(kReservedPrefix, 0) == 0) {
      return fail("invalid variable definition: " + n + " is not a valid variable; cannot have \"" + kReservedPrefix +
                  "\" as a prefix");
    }
    if (n == "params" || n == "anyObject") {
      return fail("invalid variable definition: " + n + " an invalid variable name, \"" + n +
                  "\" is a reserved keyword");
    }
  }
  std::string policy = std::string(failure_policy.string_or("Fail"));
  if (policy != "Fail" && policy != "Ignore") {
    return fail("invalid failure policy: unrecognized failure policy: " + policy);
  }

  std::vector<Value> match_conditions;
  for (const auto& [n, e] : conditions) match_conditions.push_back(named(n, e));
  for (const auto& [n, e] : gatekeeper_match_conditions()) match_conditions.push_back(named(n, e));

  std::vector<Value> vars = {named("anyObject", kAnyObjectExpression), named("params", kParamsExpression)};
  for (const auto& [n, e] : variables) vars.push_back(named(n, e));

  // Validation{expression, message, messageExpression}, empty ones omitted
  // (omitempty); never reason.
  std::vector<Value> checks;
  if (validations.is_array()) {
    for (const Value& v : validations.items()) {
      if (!v.is_object()) return fail("source.validations: expected a list of {expression, message, messageExpression}");
      value::ObjectBuilder b;
      for (const char* key : {"expression", "message", "messageExpression"}) {
        const Value& field = v[key];
        if (!field.is_null() && !field.is_string()) return fail("source.validations: " + std::string(key) + " must be a string");
        if (!field.string_or("").empty()) b.add(key, field);
      }
      checks.push_back(b.build());
    }
  }

  value::ObjectBuilder rule;
  rule.add("apiGroups", Value::array({str("*")}));
  rule.add("apiVersions", Value::array({str("*")}));
  rule.add("resources", Value::array({str("*")}));
  rule.add("operations", Value::array({str("CREATE"), str("UPDATE")}));
  value::ObjectBuilder match_constraints;
  match_constraints.add("resourceRules", Value::array({rule.build()}));

  value::ObjectBuilder param_kind;
  param_kind.add("apiVersion", str(std::string(kConstraintsGroup) + "/v1beta1"));
  param_kind.add("kind", str(out.constraint_kind));

  value::ObjectBuilder policy_spec;
  policy_spec.add("paramKind", param_kind.build());
  policy_spec.add("matchConstraints", match_constraints.build());
  policy_spec.add("matchConditions", Value::array(std::move(match_conditions)));
  policy_spec.add("validations", Value::array(std::move(checks)));
  policy_spec.add("failurePolicy", str(policy));
  policy_spec.add("variables", Value::array(std::move(vars)));
  out.policy = object_head(options, "ValidatingAdmissionPolicy", "gatekeeper-" + name, policy_spec.build());
  return out;
}

std::vector<std::string> binding_actions(const Value& constraint) {
  std::vector<LoadError> errors;
  ObjectOrigin origin;
  ParseContext ctx(origin, errors);
  std::optional<EnforcementAction> action = EnforcementAction::parse(constraint, ctx);
  if (!action || !errors.empty()) {
    // Not readable: Gatekeeper's own error comes from ConstraintToBinding.
    std::string_view given = constraint["spec"]["enforcementAction"].string_or("deny");
    return {std::string(given.empty() ? "deny" : given)};
  }
  if (!action->recognized()) return {action->action()};
  return action->actions_at(kVapPoint);
}

ExportedBinding export_binding(const Value& constraint, const ExportOptions& options) {
  std::vector<std::string> actions = binding_actions(constraint);
  if (actions.empty()) {
    ExportedBinding out;
    out.skipped = "constraint " + std::string(constraint["metadata"]["name"].string_or("")) +
                  ": no binding: its scopedEnforcementActions name no action for the vap.k8s.io (or \"*\") "
                  "enforcement point";
    return out;
  }
  return export_binding_with_actions(constraint, actions, options);
}

ExportedBinding export_binding_with_actions(const Value& constraint, const std::vector<std::string>& actions,
                                           const ExportOptions& options) {
  ExportedBinding out;
  const std::string name(constraint["metadata"]["name"].string_or(""));
  auto fail = [&](const std::string& why) {
    out.binding = Value::null();
    out.error = "constraint " + (name.empty() ? std::string("(unnamed)") : name) + ": " + why;
    return out;
  };
  if (actions.empty()) return fail("invalid enforcement action: enforcement actions must be provided");
  std::vector<Value> validation_actions;
  for (const std::string& a : actions) {
    if (a == "deny") {
      validation_actions.push_back(str("Deny"));
    } else if (a == "warn") {
      validation_actions.push_back(str("Warn"));
    } else {
      return fail("invalid enforcement action: unrecognized enforcement action " + a + ", must be `warn` or `deny`");
    }
  }
  if (name.empty()) return fail("metadata.name is required");

  value::ObjectBuilder param_ref;
  param_ref.add("name", str(name));
  param_ref.add("parameterNotFoundAction", str("Allow"));

  value::ObjectBuilder match_resources;
  const Value& match = constraint["spec"]["match"];
  if (const Value* s = match.is_object() ? match.find("labelSelector") : nullptr; s != nullptr && s->is_object()) {
    match_resources.add("objectSelector", label_selector(*s));
  }
  if (const Value* s = match.is_object() ? match.find("namespaceSelector") : nullptr; s != nullptr && s->is_object()) {
    match_resources.add("namespaceSelector", label_selector(*s));
  }

  value::ObjectBuilder spec;
  spec.add("policyName", str("gatekeeper-" + lower(constraint["kind"].string_or(""))));
  spec.add("paramRef", param_ref.build());
  spec.add("matchResources", match_resources.build());
  spec.add("validationActions", Value::array(std::move(validation_actions)));
  out.binding = object_head(options, "ValidatingAdmissionPolicyBinding", "gatekeeper-" + name, spec.build());
  return out;
}

}  // namespace tollgate::policies::vap
