#include "policies/vap/mutating_policy_engine.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <tuple>

#include "policies/vap/apply_configuration.h"
#include "policies/vap/cel_env.h"
#include "policies/vap/json_patch_ops.h"
#include "policies/vap/live_params.h"
#include "policies/vap/param_index.h"
#include "rules/cel/k8s/mutation_library.h"
#include "rules/cel/struct_value.h"

namespace tollgate::policies::vap {

namespace {

using value::Value;

struct CompiledMutation {
  bool apply_configuration = true;
  CompiledExpression expression;
};

struct CompiledPolicy {
  MutatingAdmissionPolicy definition;
  std::unique_ptr<PolicyEnvironment> env;
  std::vector<CompiledExpression> match_conditions;
  std::vector<CompiledMutation> mutations;
  ParamIndex::KindInfo param_kind;  // resolved against the engine's own params
  std::vector<const MutatingAdmissionPolicyBinding*> bindings;  // by name
};

// A mutation's compile result: the required type is checked here (§2.8).
CompiledMutation compile_mutation(const PolicyEnvironment& env, const Mutation& m) {
  CompiledMutation out;
  out.apply_configuration = m.patch_type != "JSONPatch";
  out.expression = env.compile(m.expression, OutputType::Any);
  if (out.expression.ok()) {
    const cel::CelType want = out.apply_configuration ? cel::object_struct_type() : cel::json_patch_list_type();
    if (out.expression.type != want) {
      out.expression.error = "must evaluate to " + want.to_string() + " but got " + out.expression.type.to_string();
      out.expression.program = nullptr;
    }
  }
  return out;
}

}  // namespace

struct MutatingPolicyEngine::Compiled {
  std::vector<MutatingAdmissionPolicyBinding> bindings;
  std::vector<CompiledPolicy> policies;  // by name
  std::unique_ptr<ParamIndex> params;
  std::shared_ptr<const LiveParams> live_params;
  size_t bound_policies = 0;
};

MutatingPolicyEngine::MutatingPolicyEngine() : compiled_(std::make_unique<Compiled>()) {}
MutatingPolicyEngine::~MutatingPolicyEngine() = default;
bool MutatingPolicyEngine::empty() const { return compiled_->bound_policies == 0; }

std::shared_ptr<const MutatingPolicyEngine> MutatingPolicyEngine::build(
    std::vector<MutatingAdmissionPolicy> policies, std::vector<MutatingAdmissionPolicyBinding> bindings,
    std::vector<Value> param_objects, std::shared_ptr<const LiveParams> live_params) {
  std::shared_ptr<MutatingPolicyEngine> engine(new MutatingPolicyEngine());
  Compiled& c = *engine->compiled_;
  c.params = std::make_unique<ParamIndex>(param_objects);
  c.live_params = std::move(live_params);
  c.bindings = std::move(bindings);
  std::stable_sort(c.bindings.begin(), c.bindings.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::stable_sort(policies.begin(), policies.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  const auto env = cel::Environment::kubernetes_mutating();
  for (MutatingAdmissionPolicy& p : policies) {
    CompiledPolicy cp;
    // Object{...} and JSONPatch{...} next to the admission types.
    cp.env = std::make_unique<PolicyEnvironment>(env, p.param_kind.has_value(), p.variables,
                                                 &cel::mutation_struct_types());
    for (const NamedExpression& m : p.match_conditions)
      cp.match_conditions.push_back(cp.env->compile(m.expression, OutputType::Bool));
    for (const Mutation& m : p.mutations) cp.mutations.push_back(compile_mutation(*cp.env, m));
    if (p.param_kind) cp.param_kind = c.params->resolve(*p.param_kind);
    cp.definition = std::move(p);
    c.policies.push_back(std::move(cp));
  }
  for (CompiledPolicy& cp : c.policies) {
    for (const MutatingAdmissionPolicyBinding& b : c.bindings)
      if (b.policy_name == cp.definition.name) cp.bindings.push_back(&b);
    if (!cp.bindings.empty()) c.bound_policies++;
  }
  return engine;
}

namespace {

struct PolicyError {
  std::string message;
  std::string reason;  // "" = unset (Forbidden in the response)
};

// One (policy, binding, param) invocation, kept for a reinvocation pass.
struct Invocation {
  const CompiledPolicy* policy;
  const MutatingAdmissionPolicyBinding* binding;
  Value param;
  MatchOutcome matched;
  std::string key;  // policy/binding/param namespace/name
};

struct RequestState {
  const Value& request;
  const RequestAttributes& attributes;
  Value object;  // current, mutated as invocations run
  Value old_object;
  Value namespace_object;
  std::vector<PolicyError> errors;
  PolicyCheckObserver* checks = nullptr;
  std::optional<AuthorizerBinding> authorizer;  // bound once, for the policies that use it

  // `authorizer` and `authorizer.requestResource` after the five fixed slots.
  void bind_authorizer_for(const CompiledPolicy& p, std::vector<Value>& identifiers) {
    if (!p.env->uses_authorizer()) return;
    if (!authorizer) authorizer = bind_authorizer(request, nullptr);
    identifiers.push_back(authorizer->authorizer);
    identifiers.push_back(authorizer->request_resource);
  }
};

std::string joined_errors(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors.front();
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) out += (i ? ", " : "") + errors[i];
  return out + "]";
}

// The patch a JSONPatch expression's value describes, or an error.
std::optional<std::string> to_operations(const Value& list, std::vector<JsonPatchOperation>& ops) {
  if (!list.is_array()) return "type mismatch: JSONPatchType.expression should evaluate to array";
  for (const Value& item : list.items()) {
    const auto* patch = cel::as_struct(item);
    if (patch == nullptr || patch->type_name() != cel::kJSONPatchTypeName)
      return "type mismatch: JSONPatchType.expression should evaluate to array of JSONPatch";
    JsonPatchOperation op;
    op.op = patch->field("op")->as_string();
    op.path = patch->field("path")->as_string();
    op.from = patch->field("from")->as_string();
    if (const Value* v = patch->fields().find("value")) {
      if (cel::as_struct(*v) != nullptr) {
        auto errors = object_type_name_errors(*v);
        if (!errors.empty()) {
          std::string text = "type mismatch: ";
          for (size_t i = 0; i < errors.size(); ++i) text += (i ? "\n" : "") + errors[i];
          return text;
        }
      }
      if (auto e = cel_value_to_json(*v, &op.value))
        return "JSONPath valueExpression evaluated to a type that could not marshal to JSON: " + *e;
      op.has_value = true;
    }
    ops.push_back(std::move(op));
  }
  return std::nullopt;
}

// Applies one mutation to state.object; its error otherwise.
std::optional<std::string> apply_mutation(const CompiledMutation& m, const CompiledPolicy& p, const Invocation& inv,
                                          const Value& request, RequestState& state) {
  if (!m.expression.ok()) return m.expression.error;
  cel::Activation act;
  act.identifiers = {state.object, state.old_object, request, state.namespace_object, inv.param};
  state.bind_authorizer_for(p, act.identifiers);
  VariableScope scope(*p.env, act);
  act.variables = &scope;
  cel::EvalResult r = run_expression(m.expression, act);
  if (!r.ok()) return expression_error(m.expression, *r.error);
  if (m.apply_configuration) {
    MutationOutcome applied = apply_configuration(state.object, r.value);
    if (!applied.ok()) return *applied.error;
    state.object = std::move(applied.object);
    return std::nullopt;
  }
  std::vector<JsonPatchOperation> ops;
  if (auto e = to_operations(r.value, ops)) return e;
  JsonPatchResult patched = apply_json_patch(state.object, ops);
  if (!patched.ok()) return "JSON Patch: " + *patched.error;
  state.object = std::move(patched.object);
  return std::nullopt;
}

// Runs one invocation on state.object; true when it changed the object.
bool invoke(const Invocation& inv, RequestState& state) {
  const CompiledPolicy& p = *inv.policy;
  const bool fail = p.definition.failure_policy != "Ignore";
  auto policy_error = [&](const std::string& err) {
    if (!fail) return;
    state.errors.push_back({"policy '" + p.definition.name + "' with binding '" + inv.binding->name +
                                "' denied request: " + err,
                            "Invalid"});
  };
  if (!p.match_conditions.empty()) {
    cel::Activation mc;
    mc.identifiers = {state.object, state.old_object,
                      request_view(state.request, inv.matched.matched_kind, state.attributes.resource), Value(),
                      inv.param};
    state.bind_authorizer_for(p, mc.identifiers);
    VariableScope scope(*p.env, mc);
    mc.variables = &scope;
    std::vector<std::string> errors;
    uint64_t spent = 0;
    for (const CompiledExpression& m : p.match_conditions) {
      cel::EvalResult r = run_expression(m, mc);
      spent += r.cost;
      if (!r.ok()) errors.push_back(expression_error(m, *r.error));
      else if (r.value.is_bool() && !r.value.as_bool()) return false;
      if (spent + scope.cost() > kMatchConditionBudget) {
        policy_error(kOutOfBudget);
        return false;
      }
    }
    if (!errors.empty()) {
      policy_error(joined_errors(errors));
      return false;
    }
  }
  if (state.object.is_null()) return false;
  const Value before = state.object;
  const Value request = request_view(state.request, inv.matched.matched_kind, inv.matched.matched_resource);
  for (const CompiledMutation& m : p.mutations) {
    std::chrono::steady_clock::time_point started;
    if (state.checks != nullptr) started = std::chrono::steady_clock::now();
    std::optional<std::string> error = apply_mutation(m, p, inv, request, state);
    if (state.checks != nullptr) {
      // As the API server's dispatcher: every mutation, whatever the failurePolicy.
      CheckErrorType type = CheckErrorType::NoError;
      if (error) {
        type = error->find("actual cost limit exceeded") != std::string::npos ? CheckErrorType::OutOfBudget
                                                                               : check_error_type(*error);
      }
      state.checks->mutating_policy_checked({p.definition.name, inv.binding->name, type, CheckAction::Allow,
                                             std::chrono::steady_clock::now() - started});
    }
    if (error) policy_error(*error);
  }
  return !(state.object == before);
}

std::string param_key(const Value& param) {
  return std::string(param["metadata"]["namespace"].string_or("")) + "/" +
         std::string(param["metadata"]["name"].string_or(""));
}

}  // namespace

MapOutcome MutatingPolicyEngine::evaluate(const Value& request, const NamespaceLookup& namespaces,
                                          PolicyCheckObserver* checks) const {
  MapOutcome outcome;
  const Compiled& c = *compiled_;
  RequestAttributes attributes = RequestAttributes::from_request(request);
  if (attributes.object != nullptr) outcome.object = *attributes.object;
  if (c.bound_policies == 0 || attributes.is_admission_policy_resource()) return outcome;
  if (attributes.operation != "CREATE" && attributes.operation != "UPDATE" && attributes.operation != "CONNECT")
    return outcome;

  RequestState state{request, attributes, outcome.object, Value(), Value(), {}, checks, std::nullopt};
  if (attributes.old_object != nullptr) state.old_object = *attributes.old_object;
  // The request's Namespace for namespaceObject (null for a Namespace's own
  // request). One that is not loaded binds null, as for
  // ValidatingAdmissionPolicy: the API server would fail the request with a
  // 404, which offline, without the cluster's Namespaces, would refuse every
  // namespaced request.
  if (!attributes.namespace_name.empty() && !attributes.is_core_namespace()) {
    if (const Value* ns = namespaces.find_namespace(attributes.namespace_name)) state.namespace_object = *ns;
  }

  auto config_error = [&](const CompiledPolicy& p, const MutatingAdmissionPolicyBinding* b, const std::string& err) {
    if (p.definition.failure_policy == "Ignore") return;
    if (b == nullptr) {
      state.errors.push_back({"policy \"" + p.definition.name + "\" denied request: failed to configure policy: " + err, ""});
    } else {
      state.errors.push_back({"policy '" + p.definition.name + "' with binding '" + b->name +
                                  "' denied request: failed to configure binding: " + err,
                              ""});
    }
  };

  ParamScope params(c.live_params.get());
  // Pass 1, in order; invocations that may need reinvocation are remembered.
  std::vector<Invocation> invoked;             // IfNeeded invocations run so far
  std::vector<bool> marked;                    // parallel to invoked
  for (const CompiledPolicy& p : c.policies) {
    if (p.bindings.empty()) continue;
    if (!p.definition.match_constraints) {
      config_error(p, nullptr, "policy contained no match constraints, a required field");
      continue;
    }
    MatchOutcome m = match_resources(attributes, *p.definition.match_constraints, namespaces);
    if (!m.error.empty()) {
      config_error(p, nullptr, m.error);
      continue;
    }
    if (!m.matched) continue;
    const ParamIndex::KindInfo& param_kind =
        p.definition.param_kind ? params.resolve(*p.definition.param_kind, p.param_kind) : p.param_kind;
    if (!param_kind.error.empty()) {
      config_error(p, nullptr, param_kind.error);
      continue;
    }
    for (const MutatingAdmissionPolicyBinding* b : p.bindings) {
      if (b->match_resources) {
        MatchOutcome bm = match_resources(attributes, *b->match_resources, namespaces);
        if (!bm.error.empty()) {
          config_error(p, b, bm.error);
          continue;
        }
        if (!bm.matched) continue;
      }
      std::vector<Value> invocations;
      std::string error;
      if (!ParamIndex::collect(p.definition.param_kind, param_kind, b->param_ref, attributes, invocations, &error)) {
        config_error(p, b, error);
        continue;
      }
      for (Value& param : invocations) {
        Invocation inv{&p, b, std::move(param), m, ""};
        inv.key = p.definition.name + "/" + b->name + "/" + param_key(inv.param);
        if (invoke(inv, state)) {
          // A change: every earlier IfNeeded invocation must see it.
          std::fill(marked.begin(), marked.end(), true);
        }
        if (p.definition.reinvocation_policy == "IfNeeded") {
          invoked.push_back(std::move(inv));
          marked.push_back(false);
        }
      }
    }
  }
  // Pass 2 (§5.6): only the marked invocations, once more.
  for (size_t i = 0; i < invoked.size(); ++i) {
    if (marked[i]) invoke(invoked[i], state);
  }

  outcome.object = state.object;
  outcome.mutated = attributes.object != nullptr && !(state.object == *attributes.object);
  if (!state.errors.empty()) {
    outcome.allowed = false;
    outcome.code = 403;
    outcome.message = state.errors.front().message;
    outcome.reason = state.errors.front().reason.empty() ? "Forbidden" : state.errors.front().reason;
    for (const PolicyError& e : state.errors) outcome.causes.push_back(e.message);
  }
  return outcome;
}

}  // namespace tollgate::policies::vap
