#include "policies/vap/validating_policy_engine.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "policies/gator/go_marshal.h"
#include "policies/vap/live_params.h"
#include "policies/vap/param_index.h"
#include "policies/model/parse_context.h"

namespace tollgate::policies::vap {

using value::Value;

namespace {

constexpr size_t kMaxMessageLength = 5 * 1024;
constexpr size_t kMaxAuditAnnotationValue = 10 * 1024;
constexpr size_t kMaxValidationFailures = 50;
constexpr const char* kValidationFailureKey = "validation.policy.admission.k8s.io/validation_failure";

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string runtime_type_name(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return "null_type";
    case value::Kind::Bool: return "bool";
    case value::Kind::Int: return "int";
    case value::Kind::Uint: return "uint";
    case value::Kind::Double: return "double";
    case value::Kind::String: return "string";
    case value::Kind::Bytes: return "bytes";
    case value::Kind::Array: return "list";
    case value::Kind::Object: return "map";
    default: return std::string(value::kind_name(v.kind()));
  }
}

}  // namespace

int reason_to_code(std::string_view reason) {
  if (reason == "Forbidden") return 403;
  if (reason == "Unauthorized") return 401;
  if (reason == "RequestEntityTooLarge") return 413;
  return 422;
}

struct CompiledValidation {
  CompiledExpression expression;
  bool has_message_expression = false;
  CompiledExpression message_expression;
  std::string message;  // trimmed
  std::string reason;
};

struct CompiledPolicy {
  ValidatingAdmissionPolicy definition;
  std::unique_ptr<PolicyEnvironment> env;
  std::vector<CompiledExpression> match_conditions;
  std::vector<CompiledValidation> validations;
  std::vector<CompiledExpression> audit_annotations;
  ParamIndex::KindInfo param_kind;  // resolved against the engine's own params
  std::vector<const ValidatingAdmissionPolicyBinding*> bindings;  // by name
};

struct ValidatingPolicyEngine::Compiled {
  std::vector<ValidatingAdmissionPolicyBinding> bindings;
  std::vector<CompiledPolicy> policies;  // by name
  std::unique_ptr<ParamIndex> params;
  std::shared_ptr<const LiveParams> live_params;
  size_t bound_policies = 0;
  EnvironmentVersion environment = EnvironmentVersion::Kubernetes132;
  std::shared_ptr<const cel::Authorizer> authorizer;
};

ValidatingPolicyEngine::ValidatingPolicyEngine() : compiled_(std::make_unique<Compiled>()) {}
ValidatingPolicyEngine::~ValidatingPolicyEngine() = default;

bool ValidatingPolicyEngine::empty() const { return compiled_->bound_policies == 0; }
size_t ValidatingPolicyEngine::policy_count() const { return compiled_->policies.size(); }
size_t ValidatingPolicyEngine::binding_count() const { return compiled_->bindings.size(); }

std::shared_ptr<const ValidatingPolicyEngine> ValidatingPolicyEngine::build(
    std::vector<ValidatingAdmissionPolicy> policies, std::vector<ValidatingAdmissionPolicyBinding> bindings,
    std::vector<Value> param_objects, const Options& options) {
  std::shared_ptr<ValidatingPolicyEngine> engine(new ValidatingPolicyEngine());
  Compiled& c = *engine->compiled_;
  c.environment = options.environment;
  c.authorizer = options.authorizer;
  c.live_params = options.live_params;

  c.params = std::make_unique<ParamIndex>(param_objects);

  c.bindings = std::move(bindings);
  std::stable_sort(c.bindings.begin(), c.bindings.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  std::stable_sort(policies.begin(), policies.end(), [](const auto& a, const auto& b) { return a.name < b.name; });

  auto env = cel::Environment::kubernetes();
  for (ValidatingAdmissionPolicy& p : policies) {
    CompiledPolicy cp;
    cp.env = std::make_unique<PolicyEnvironment>(env, p.param_kind.has_value(), p.variables);
    for (const NamedExpression& m : p.match_conditions) cp.match_conditions.push_back(cp.env->compile(m.expression, OutputType::Bool));
    for (const Validation& v : p.validations) {
      CompiledValidation out;
      out.expression = cp.env->compile(v.expression, OutputType::Bool);
      out.has_message_expression = v.has_message_expression;
      if (v.has_message_expression) {
        out.message_expression = cp.env->compile_without_authorizer(v.message_expression, OutputType::String);
      }
      out.message = std::string(trim(v.message));
      out.reason = v.reason;
      cp.validations.push_back(std::move(out));
    }
    for (const AuditAnnotation& a : p.audit_annotations) {
      cp.audit_annotations.push_back(cp.env->compile(a.value_expression, OutputType::StringOrNull));
    }
    if (p.param_kind) cp.param_kind = c.params->resolve(*p.param_kind);
    cp.definition = std::move(p);
    c.policies.push_back(std::move(cp));
  }
  for (CompiledPolicy& cp : c.policies) {
    for (const ValidatingAdmissionPolicyBinding& b : c.bindings) {
      if (b.policy_name == cp.definition.name) cp.bindings.push_back(&b);
    }
    if (!cp.bindings.empty()) c.bound_policies++;
  }
  return engine;
}

namespace {

struct Denial {
  std::string policy;
  std::string binding;  // empty for policy-level configuration errors
  std::string message;
  std::string reason;
};

struct Failure {
  std::string message;
  std::string policy;
  std::string binding;
  size_t expression_index = 0;
  std::vector<std::string> actions;
};

// One decision of one invocation (§4.4).
struct PolicyDecision {
  enum class Action { Admit, Deny };
  Action action = Action::Admit;
  std::string message;
  std::string reason;
  size_t index = 0;
};

struct InvocationResult {
  std::vector<PolicyDecision> decisions;
  std::vector<std::pair<std::string, std::string>> annotations;  // key, value
  std::vector<std::string> annotation_errors;
};

// The `request` variable by the (kind, resource) a policy matched the request
// as: nearly always the request's own for every policy, so built once.
class RequestViews {
 public:
  Value get(const Value& request, const GroupVersionKind& kind, const GroupVersionResource& resource) {
    for (const Entry& e : entries_) {
      if (e.kind.kind == kind.kind && e.kind.group == kind.group && e.kind.version == kind.version &&
          e.resource.resource == resource.resource && e.resource.group == resource.group &&
          e.resource.version == resource.version) {
        return e.view;
      }
    }
    entries_.push_back({kind, resource, request_view(request, kind, resource)});
    return entries_.back().view;
  }

 private:
  struct Entry {
    GroupVersionKind kind;
    GroupVersionResource resource;
    Value view;
  };
  std::vector<Entry> entries_;
};

struct RequestContext {
  const Value& request;
  const RequestAttributes& attributes;
  const NamespaceLookup& namespaces;
  Value object;
  Value old_object;
  Value namespace_object;
  std::optional<AuthorizerBinding> authorizer;  // bound once, for the policies that use it
  mutable RequestViews views;
};

bool fail_closed(const CompiledPolicy& p) { return p.definition.failure_policy != "Ignore"; }

// §4.4 for one (policy, binding, param).
InvocationResult invoke(const CompiledPolicy& p, const RequestContext& rc, const MatchOutcome& matched,
                        const Value& params) {
  InvocationResult out;
  bool fail = fail_closed(p);
  // An error denies under failurePolicy Fail; under Ignore it admits, a
  // decision kept only for the metrics (the API server observes it as `allow`).
  auto error_decision = [&](std::string message, size_t index = 0) {
    out.decisions.push_back(
        {fail ? PolicyDecision::Action::Deny : PolicyDecision::Action::Admit, std::move(message), "", index});
  };

  cel::Activation activation;
  Value request = rc.views.get(rc.request, matched.matched_kind, matched.matched_resource);
  activation.identifiers = {rc.object, rc.old_object, request, rc.namespace_object, params};
  if (rc.authorizer) {
    activation.identifiers.push_back(rc.authorizer->authorizer);
    activation.identifiers.push_back(rc.authorizer->request_resource);
  }

  // matchConditions: namespaceObject null, request.resource the original one.
  if (!p.match_conditions.empty()) {
    cel::Activation mc_activation;
    Value mc_request = rc.views.get(rc.request, matched.matched_kind, rc.attributes.resource);
    mc_activation.identifiers = activation.identifiers;
    mc_activation.identifiers[kRequestSlot] = std::move(mc_request);
    mc_activation.identifiers[kNamespaceObjectSlot] = Value();
    VariableScope scope(*p.env, mc_activation);
    mc_activation.variables = &scope;
    std::vector<std::string> errors;
    uint64_t spent = 0;
    bool over = false;
    for (const CompiledExpression& m : p.match_conditions) {
      cel::EvalResult r = run_expression(m, mc_activation);
      spent += r.cost;
      if (!r.ok()) {
        errors.push_back(expression_error(m, *r.error));
      } else if (r.value.is_bool() && !r.value.as_bool()) {
        return out;  // not matched: no decisions, no annotations
      }
      if (spent + scope.cost() > kMatchConditionBudget) {
        over = true;
        break;
      }
    }
    if (over) {
      error_decision(kOutOfBudget);
      return out;
    }
    if (!errors.empty()) {
      if (errors.size() == 1) {
        error_decision(errors.front());
      } else {
        std::string joined = "[";
        for (size_t i = 0; i < errors.size(); ++i) joined += (i ? ", " : "") + errors[i];
        error_decision(joined + "]");
      }
      return out;
    }
  }

  // Validations, in order, sharing one budget.
  struct Evaluated {
    bool error = false;
    std::string error_message;
    bool passed = false;
  };
  std::vector<Evaluated> evaluated(p.validations.size());
  uint64_t spent = 0;
  {
    VariableScope scope(*p.env, activation);
    activation.variables = &scope;
    for (size_t i = 0; i < p.validations.size(); ++i) {
      const CompiledValidation& v = p.validations[i];
      cel::EvalResult r = run_expression(v.expression, activation);
      spent += r.cost;
      if (spent + scope.cost() > kValidationBudget) {
        error_decision(kOutOfBudget);
        return out;
      }
      if (!r.ok()) {
        evaluated[i].error = true;
        evaluated[i].error_message = expression_error(v.expression, *r.error);
      } else {
        evaluated[i].passed = r.value.is_bool() && r.value.as_bool();
      }
    }
    spent += scope.cost();
  }

  // Message expressions: one pass after the validations, on what is left,
  // without `authorizer` (§2.1).
  std::vector<std::optional<std::string>> messages(p.validations.size());
  std::string message_pass_error;
  {
    if (activation.identifiers.size() > kSlotsWithoutAuthorizer) activation.identifiers.resize(kSlotsWithoutAuthorizer);
    VariableScope scope(*p.env, activation);
    activation.variables = &scope;
    uint64_t message_spent = 0;
    for (size_t i = 0; i < p.validations.size(); ++i) {
      const CompiledValidation& v = p.validations[i];
      if (!v.has_message_expression || evaluated[i].error || evaluated[i].passed) continue;
      cel::EvalResult r = run_expression(v.message_expression, activation);
      message_spent += r.cost;
      if (spent + message_spent + scope.cost() > kValidationBudget) {
        message_pass_error = kOutOfBudget;
        break;
      }
      if (!r.ok() || !r.value.is_string()) continue;
      std::string_view text = trim(r.value.as_string());
      if (text.empty() || text.size() > kMaxMessageLength || text.find('\n') != std::string_view::npos) continue;
      messages[i] = std::string(text);
    }
  }

  for (size_t i = 0; i < p.validations.size(); ++i) {
    const CompiledValidation& v = p.validations[i];
    if (evaluated[i].error) {
      error_decision(evaluated[i].error_message, i);
    } else if (!message_pass_error.empty()) {
      error_decision("failed messageExpression: " + message_pass_error, i);
    } else if (!evaluated[i].passed) {
      PolicyDecision d;
      d.action = PolicyDecision::Action::Deny;
      d.reason = v.reason.empty() ? "Invalid" : v.reason;
      d.index = i;
      if (messages[i]) {
        d.message = *messages[i];
      } else if (!v.message.empty()) {
        d.message = v.message;
      } else {
        d.message = "failed expression: " + std::string(trim(v.expression.text));
      }
      out.decisions.push_back(std::move(d));
    }
  }

  // Audit annotations: a fresh budget.
  if (!p.audit_annotations.empty()) {
    Value full_request = request;
    cel::Activation aa_activation;
    aa_activation.identifiers = {rc.object, rc.old_object, request, rc.namespace_object, params};
    VariableScope scope(*p.env, aa_activation);
    aa_activation.variables = &scope;
    uint64_t aa_spent = 0;
    for (size_t i = 0; i < p.audit_annotations.size(); ++i) {
      const CompiledExpression& e = p.audit_annotations[i];
      cel::EvalResult r = run_expression(e, aa_activation);
      aa_spent += r.cost;
      if (aa_spent + scope.cost() > kValidationBudget) {
        out.decisions.clear();
        out.annotations.clear();
        out.annotation_errors.clear();
        error_decision(kOutOfBudget);
        return out;
      }
      if (!r.ok()) {
        if (fail) out.annotation_errors.push_back(expression_error(e, *r.error));
        continue;
      }
      if (r.value.is_null()) continue;
      if (!r.value.is_string()) {
        if (fail) {
          out.annotation_errors.push_back("valueExpression '" + e.text + "' resulted in unsupported return type: " +
                                          runtime_type_name(r.value) + ". Return type must be either string or null.");
        }
        continue;
      }
      std::string_view text = trim(r.value.as_string());
      if (text.empty()) continue;
      out.annotations.emplace_back(p.definition.audit_annotations[i].key, std::string(text));
    }
  }
  return out;
}

std::string go_quote(std::string_view s) {
  std::string out;
  gator::append_go_json_string(s, out);  // names are plain: Go's %q and JSON agree on them
  return out;
}

}  // namespace

VapOutcome ValidatingPolicyEngine::evaluate(const Value& request, const NamespaceLookup& namespaces,
                                            PolicyCheckObserver* checks, std::vector<VapViolation>* all) const {
  VapOutcome outcome;
  const Compiled& c = *compiled_;
  if (c.bound_policies == 0) return outcome;
  RequestAttributes attributes = RequestAttributes::from_request(request);
  if (attributes.is_admission_policy_resource()) return outcome;

  RequestContext rc{request, attributes, namespaces, Value(), Value(), Value(), std::nullopt, {}};
  if (attributes.object != nullptr) rc.object = *attributes.object;
  if (attributes.old_object != nullptr) rc.old_object = *attributes.old_object;
  bool namespace_fetched = false;
  ParamScope params(c.live_params.get());

  std::vector<Denial> denied;
  std::vector<Failure> failures;
  std::vector<std::pair<std::string, std::string>> annotations;  // "<policy>/<key>", joined values

  for (const CompiledPolicy& p : c.policies) {
    if (p.bindings.empty()) continue;
    bool fail = fail_closed(p);
    auto config_error = [&](const std::string& binding, const std::string& err) {
      if (p.definition.failure_policy == "Ignore") return;
      if (p.definition.failure_policy != "Fail" && !p.definition.failure_policy.empty()) {
        denied.push_back({p.definition.name, binding,
                          "unrecognized failure policy: '" + p.definition.failure_policy + "'", ""});
      } else {
        denied.push_back({p.definition.name, binding,
                          (binding.empty() ? "failed to configure policy: " : "failed to configure binding: ") + err, ""});
      }
      if (all != nullptr) all->push_back({p.definition.name, binding, denied.back().message, "", {"Deny"}});
    };
    (void)fail;
    if (!p.definition.match_constraints) {
      config_error("", "policy contained no match constraints, a required field");
      continue;
    }
    MatchOutcome m = match_resources(attributes, *p.definition.match_constraints, namespaces);
    if (!m.error.empty()) {
      config_error("", m.error);
      continue;
    }
    if (!m.matched) continue;
    const ParamIndex::KindInfo& param_kind =
        p.definition.param_kind ? params.resolve(*p.definition.param_kind, p.param_kind) : p.param_kind;
    if (!param_kind.error.empty()) {
      config_error("", param_kind.error);
      continue;
    }
    if (!namespace_fetched) {
      namespace_fetched = true;
      if (!attributes.namespace_name.empty() && !attributes.is_core_namespace()) {
        if (const Value* ns = namespaces.find_namespace(attributes.namespace_name)) rc.namespace_object = *ns;
      }
    }
    // Audit annotation values of this policy: key -> distinct values in order.
    std::vector<std::pair<std::string, std::vector<std::string>>> collected;
    for (const ValidatingAdmissionPolicyBinding* b : p.bindings) {
      if (b->match_resources) {
        MatchOutcome bm = match_resources(attributes, *b->match_resources, namespaces);
        if (!bm.error.empty()) {
          config_error(b->name, bm.error);
          continue;
        }
        if (!bm.matched) continue;
      }
      std::vector<Value> invocations;
      std::string error;
      if (!ParamIndex::collect(p.definition.param_kind, param_kind, b->param_ref, attributes, invocations, &error)) {
        config_error(b->name, error);
        continue;
      }
      for (const Value& param : invocations) {
        std::chrono::steady_clock::time_point started;
        if (checks != nullptr) started = std::chrono::steady_clock::now();
        if (!rc.authorizer && p.env->uses_authorizer()) rc.authorizer = bind_authorizer(request, c.authorizer);
        InvocationResult r = invoke(p, rc, m, param);
        std::chrono::nanoseconds elapsed{0};
        if (checks != nullptr) elapsed = std::chrono::steady_clock::now() - started;
        auto observe = [&](const std::string& message, CheckAction action) {
          if (checks != nullptr) {
            checks->validating_policy_checked(
                {p.definition.name, b->name, check_error_type(message), action, elapsed});
          }
        };
        for (const PolicyDecision& d : r.decisions) {
          if (d.action != PolicyDecision::Action::Deny) {
            observe(d.message, CheckAction::Allow);  // an error failurePolicy Ignore let through
            continue;
          }
          if (all != nullptr) all->push_back({p.definition.name, b->name, d.message, d.reason, b->validation_actions});
          for (const std::string& action : b->validation_actions) {
            if (action == "Deny") {
              denied.push_back({p.definition.name, b->name, d.message, d.reason});
              observe(d.message, CheckAction::Deny);
            } else if (action == "Warn") {
              outcome.warnings.push_back("Validation failed for ValidatingAdmissionPolicy '" + p.definition.name +
                                         "' with binding '" + b->name + "': " + d.message);
              observe(d.message, CheckAction::Warn);
            } else if (action == "Audit") {
              failures.push_back({d.message, b->policy_name, b->name, d.index, b->validation_actions});
              observe(d.message, CheckAction::Audit);
            }
          }
        }
        for (const std::string& e : r.annotation_errors) {
          denied.push_back({p.definition.name, b->name, e, ""});
          observe(e, CheckAction::Deny);
          if (all != nullptr) all->push_back({p.definition.name, b->name, e, "", {"Deny"}});
        }
        for (auto& annotation : r.annotations) {
          // Not a structured binding: clang 14 (the CI sanitizer build) cannot capture one in a lambda.
          const auto& key = annotation.first;
          auto& value = annotation.second;
          auto it = std::find_if(collected.begin(), collected.end(), [&](const auto& e) { return e.first == key; });
          if (it == collected.end()) {
            collected.push_back({key, {value}});
          } else if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
            it->second.push_back(value);
          }
        }
      }
    }
    for (auto& [key, values] : collected) {
      std::string joined;
      for (size_t i = 0; i < values.size(); ++i) {
        std::string v = values[i].substr(0, kMaxAuditAnnotationValue);
        joined += (i ? ", " : "") + v;
      }
      annotations.emplace_back(p.definition.name + "/" + key, std::move(joined));
    }
  }

  if (!failures.empty()) {
    // Kubernetes 1.32 records each failure as its own one-entry annotation,
    // and an annotation key once set keeps its first value.
    if (c.environment == EnvironmentVersion::Kubernetes132) failures.resize(1);
    std::string json = "[";
    for (size_t i = 0; i < failures.size() && i < kMaxValidationFailures; ++i) {
      const Failure& f = failures[i];
      if (i) json += ',';
      json += "{\"message\":";
      gator::append_go_json_string(f.message, json);
      json += ",\"policy\":";
      gator::append_go_json_string(f.policy, json);
      json += ",\"binding\":";
      gator::append_go_json_string(f.binding, json);
      json += ",\"expressionIndex\":" + std::to_string(f.expression_index) + ",\"validationActions\":[";
      for (size_t j = 0; j < f.actions.size(); ++j) {
        if (j) json += ',';
        gator::append_go_json_string(f.actions[j], json);
      }
      json += "]}";
    }
    json += "]";
    annotations.emplace_back(kValidationFailureKey, std::move(json));
  }
  std::sort(annotations.begin(), annotations.end());
  outcome.audit_annotations = std::move(annotations);

  if (!denied.empty()) {
    const Denial& d = denied.front();
    outcome.allowed = false;
    outcome.reason = d.reason.empty() ? "Invalid" : d.reason;
    outcome.code = reason_to_code(outcome.reason);
    outcome.message = d.binding.empty()
                          ? "ValidatingAdmissionPolicy '" + d.policy + "' denied request: " + d.message
                          : "ValidatingAdmissionPolicy '" + d.policy + "' with binding '" + d.binding +
                                "' denied request: " + d.message;
    std::string name = attributes.name;
    if (name.empty()) {
      const Value* object = attributes.object;
      std::string_view n = object != nullptr ? (*object)["metadata"]["name"].string_or("") : "";
      std::string_view g = object != nullptr ? (*object)["metadata"]["generateName"].string_or("") : "";
      name = !n.empty() ? std::string(n) : !g.empty() ? std::string(g) : "Unknown";
    }
    std::string resource = attributes.resource.resource;
    if (!attributes.resource.group.empty()) resource += "." + attributes.resource.group;
    outcome.status_message = resource.empty() ? "forbidden: " + outcome.message
                                              : resource + " " + go_quote(name) + " is forbidden: " + outcome.message;
  }
  return outcome;
}

}  // namespace tollgate::policies::vap
