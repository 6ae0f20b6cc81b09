#include "policies/policy_set.h"

#include <atomic>
#include <algorithm>
#include <iterator>
#include <unordered_map>

#include "policies/cel_driver.h"
#include "policies/decision.h"
#include "policies/expansion/expansion_system.h"
#include "policies/match/constraint_index.h"
#include "policies/match/match_criteria.h"
#include "policies/model/config.h"
#include "policies/model/constraint.h"
#include "policies/model/constraint_template.h"
#include "policies/model/loader.h"
#include "policies/model/parse_context.h"
#include "policies/model/parameter_defaults.h"
#include "policies/mutation/load_mutation_system.h"
#include "policies/mutation/mutation_system.h"
#include "policies/parallel_for.h"
#include "policies/rego_driver.h"
#include "policies/vap/mutating_policy_engine.h"
#include "policies/vap/validating_policy_engine.h"
#include "policies/vap/vap_report.h"
#include "rules/rego/eval/shared_memo.h"

namespace tollgate::policies {

namespace {

// The paramKind of each policy some binding names, once (SyncKind: group, version, kind).
template <class Policy, class Binding>
void add_param_kinds(const std::vector<Policy>& policies, const std::vector<Binding>& bindings,
                     std::vector<SyncKind>& out) {
  for (const Policy& p : policies) {
    if (!p.param_kind) continue;
    bool bound = std::any_of(bindings.begin(), bindings.end(), [&](const Binding& b) { return b.policy_name == p.name; });
    if (!bound) continue;
    SyncKind kind{std::string(api_group_of(p.param_kind->api_version)),
                  std::string(api_version_of(p.param_kind->api_version)), p.param_kind->kind};
    if (std::find(out.begin(), out.end(), kind) == out.end()) out.push_back(std::move(kind));
  }
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

const Value* find_namespace(const std::vector<Value>& objects, std::string_view name) {
  for (const Value& o : objects) {
    if (o["kind"].string_or("") != "Namespace" || o["apiVersion"].string_or("") != "v1") continue;
    if (o["metadata"]["name"].string_or("") == name) return &o;
  }
  return nullptr;
}

class CompiledPolicySet final : public PolicySet {
 public:
  static LoadResult build(const std::vector<LoadedObject>& objects, std::vector<LoadError> errors,
                          const LoadOptions& options);

  Decision validate(const ReviewInput& input, ReviewObserver* observer) const override;
  // The Gatekeeper constraints' decision (validate() adds the VAPs').
  Decision validate_constraints(const ReviewInput& input, ReviewObserver* observer) const;
  PolicyStats stats() const override { return stats_; }
  bool template_supported(std::string_view constraint_kind, std::string* reason) const override;
  std::vector<std::string> unsupported_templates() const override;
  const mutation::MutationSystem& mutation() const override { return *mutation_; }
  const expansion::ExpansionSystem& expansion() const override { return expansion_; }
  bool config_excludes(std::string_view process, std::string_view namespace_name) const override {
    return !config_.empty() && config_.excludes(process, namespace_name);
  }
  std::vector<SyncKind> sync_only() const override { return config_.sync_only(); }
  std::vector<Value> constraint_objects() const override {
    std::vector<Value> out;
    out.reserve(constraints_.size());
    for (const Entry& e : constraints_) out.push_back(e.constraint.object);
    return out;
  }
  MutatingPolicyResult mutate_with_policies(const Value& request, const Value& namespace_object,
                                            vap::PolicyCheckObserver* checks) const override;
  bool has_admission_policies() const override { return !vap_->empty(); }
  std::vector<Result> admission_policy_results(const ReviewInput& input) const override;
  std::vector<Value> admission_policy_objects() const override { return admission_policy_objects_; }
  std::vector<SyncKind> admission_policy_param_kinds() const override { return admission_policy_param_kinds_; }
  int64_t mutator_generation(std::string_view kind_and_name) const override {
    auto it = mutator_generations_.find(kind_and_name);
    return it == mutator_generations_.end() ? 0 : it->second;
  }

 private:
  struct Template {
    ConstraintTemplate definition;
    std::shared_ptr<const CelTemplateProgram> cel;
    std::shared_ptr<const RegoTemplateProgram> rego;
    // More than one constraint: their Rego queries of one review share a
    // memo (one constraint alone would pay for it and gain nothing).
    bool shares_review = false;
  };
  struct Entry {
    Constraint constraint;
    const Template* tmpl;
  };

  // What one review shares between its constraints; the CEL view is built
  // on first use.
  struct ReviewContext {
    const ReviewInput& input;
    MatchTarget target;
    std::string_view namespace_name;
    std::optional<CelReviewInput> cel_input;
    std::optional<Value> rego_input_review;
    std::optional<Value> rego_inventory;
    // What the Rego queries of this review's constraints share (comprehensions over input.review alone).
    rego::SharedInputMemo rego_memo;

    const CelReviewInput& cel();
    const Value& rego_review();
    const Value& rego_data(const CompiledPolicySet& set);
  };
  // The results of one constraint's code in one engine.
  std::vector<RegoTemplateProgram::Violation> run_rego(const Entry& entry, ReviewContext& review) const;
  std::vector<std::string> run_cel(const Entry& entry, ReviewContext& review) const;

  void review_constraint(const Entry& entry, const std::vector<std::string>& actions, ReviewContext& review,
                         std::vector<Result>& results, std::vector<std::string>& disagreements,
                         ReviewObserver* observer) const;

  std::vector<std::unique_ptr<Template>> templates_;
  StringMap<const Template*> template_by_kind_;
  std::vector<Entry> constraints_;
  // ConstraintSlot::set: unique to this set in the process.
  const uint64_t id_ = [] {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }();
  ConstraintIndex index_;
  GatekeeperConfig config_;
  StringMap<Value> namespaces_;
  // LoadOptions::inventory, and the Rego data document built from it alone.
  std::vector<Value> inventory_objects_;
  Value inventory_data_;
  bool compare_engines_ = false;
  std::shared_ptr<const mutation::MutationSystem> mutation_;
  expansion::ExpansionSystem expansion_;
  StringMap<int64_t> mutator_generations_;  // "<Kind>/<name>" -> metadata.generation
  std::shared_ptr<const vap::ValidatingPolicyEngine> vap_;
  std::vector<Value> admission_policy_objects_;  // the VAPs and bindings loaded, as given
  std::vector<SyncKind> admission_policy_param_kinds_;
  std::shared_ptr<const vap::MutatingPolicyEngine> map_;
  PolicyStats stats_;
};

LoadResult CompiledPolicySet::build(const std::vector<LoadedObject>& objects, std::vector<LoadError> errors,
                                    const LoadOptions& options) {
  auto set = std::make_shared<CompiledPolicySet>();
  ClassifiedObjects classified = classify_objects(objects, errors);

  // Kinds of templates that failed to load: their constraints are not
  // reported again as having no template.
  StringMap<bool> failed_kinds;
  // Templates are parsed in order, compiled in parallel (each with its own
  // error list), then taken in order: errors and the first-defined-wins rule
  // for a kind come out as a sequential load gives them.
  struct PendingTemplate {
    const LoadedObject* object;
    std::vector<LoadError> parse_errors;
    std::vector<LoadError> compile_errors;
    std::optional<ConstraintTemplate> definition;
    std::unique_ptr<Template> compiled;  // null when compiling failed
  };
  std::vector<PendingTemplate> pending(classified.templates.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    PendingTemplate& p = pending[i];
    p.object = classified.templates[i];
    ParseContext ctx(p.object->origin, p.parse_errors);
    std::string_view declared_kind = p.object->value["spec"]["crd"]["spec"]["names"]["kind"].string_or("");
    if (!declared_kind.empty()) failed_kinds.emplace(std::string(declared_kind), true);
    p.definition = parse_constraint_template(p.object->value, ctx, options);
  }
  parallel_for(pending.size(), default_parallelism(), [&](size_t i) {
    PendingTemplate& p = pending[i];
    if (!p.definition) return;
    ParseContext ctx(p.object->origin, p.compile_errors);
    auto t = std::make_unique<Template>();
    if (p.definition->cel) {
      t->cel = CelTemplateProgram::compile(*p.definition->cel, p.definition->name, options.allow_unsupported_templates, ctx);
      if (!t->cel) return;
    }
    if (p.definition->rego) {
      t->rego = RegoTemplateProgram::compile(*p.definition->rego, p.definition->name, ctx);
      if (!t->rego) return;
    }
    p.compiled = std::move(t);
  });
  for (PendingTemplate& p : pending) {
    std::move(p.parse_errors.begin(), p.parse_errors.end(), std::back_inserter(errors));
    if (!p.definition) continue;
    const ConstraintTemplate& def = *p.definition;
    if (set->template_by_kind_.count(def.kind) != 0) {
      // A sequential load never compiles it: its compile errors are not reported.
      ParseContext(p.object->origin, errors)
          .error("/spec/crd/spec/names/kind", "template " + def.name + ": another template already defines kind " + def.kind);
      continue;
    }
    std::move(p.compile_errors.begin(), p.compile_errors.end(), std::back_inserter(errors));
    if (!p.compiled) continue;
    failed_kinds.erase(def.kind);
    p.compiled->definition = std::move(*p.definition);
    set->template_by_kind_.emplace(p.compiled->definition.kind, p.compiled.get());
    set->templates_.push_back(std::move(p.compiled));
  }

  StringMap<bool> constraint_ids;
  std::vector<LoadError> warnings;
  for (const LoadedObject* o : classified.constraints) {
    ParseContext ctx(o->origin, errors, &warnings);
    std::string_view kind = o->value["kind"].string_or("");
    auto t = set->template_by_kind_.find(kind);
    if (t == set->template_by_kind_.end()) {
      if (failed_kinds.count(kind) != 0) continue;
      ctx.error("/kind", "constraint kind " + std::string(kind) + " is not defined by any loaded ConstraintTemplate");
      continue;
    }
    // As gator and the API server do, the constraint is seen with its schema's defaults.
    std::optional<Constraint> c =
        parse_constraint(default_constraint(o->value, t->second->definition.parameters_schema), ctx);
    if (!c) continue;
    std::string id = c->kind + "/" + c->name;
    if (!constraint_ids.emplace(id, true).second) {
      ctx.error("/metadata/name", "duplicate constraint " + id);
      continue;
    }
    set->constraints_.push_back({std::move(*c), t->second});
  }

  for (const LoadedObject* o : classified.configs) {
    ParseContext ctx(o->origin, errors);
    set->config_.add(o->value, ctx);
  }
  for (const LoadedObject* o : classified.namespaces) {
    std::string_view name = o->value["metadata"]["name"].string_or("");
    if (name.empty()) {
      errors.push_back(o->origin.error_at("/metadata", "Namespace has no metadata.name"));
      continue;
    }
    set->namespaces_[std::string(name)] = o->value;
  }
  // Namespaces given as inventory (serve --inventory) answer namespaceSelectors too.
  for (const Value& o : options.inventory) {
    if (o["kind"].string_or("") != "Namespace" || o["apiVersion"].string_or("") != "v1") continue;
    std::string name(o["metadata"]["name"].string_or(""));
    if (!name.empty() && set->namespaces_.count(name) == 0) set->namespaces_[name] = o;
  }
  set->inventory_objects_ = options.inventory;
  set->inventory_data_ = inventory_data(options.inventory);
  set->compare_engines_ = options.engine == EnginePreference::All;

  std::vector<Value> mutation_namespaces;
  for (const auto& [name, ns] : set->namespaces_) mutation_namespaces.push_back(ns);
  set->mutation_ = mutation::load_mutation_system(classified.mutators, std::move(mutation_namespaces), errors);
  for (const LoadedObject* o : classified.mutators) {
    const Value& generation = o->value["metadata"]["generation"];
    if (!generation.is_int()) continue;
    set->mutator_generations_[std::string(o->value["kind"].string_or("")) + "/" +
                              std::string(o->value["metadata"]["name"].string_or(""))] = generation.as_int();
  }

  // As gator does, a template that cannot be stored (invalid, or on a cycle
  // with others) is an error.
  for (const LoadedObject* o : classified.expansion_templates) {
    ParseContext ctx(o->origin, errors);
    std::optional<expansion::ExpansionTemplate> t = expansion::parse_expansion_template(o->value, ctx);
    if (!t) continue;
    std::string name = t->name;
    std::string error = set->expansion_.upsert(std::move(*t));
    if (!error.empty()) ctx.error("/spec", "error upserting template " + name + ": " + error);
  }

  // ValidatingAdmissionPolicies and their bindings; their params are the
  // non-Namespace inventory objects.
  {
    std::vector<vap::ValidatingAdmissionPolicy> policies;
    std::vector<vap::ValidatingAdmissionPolicyBinding> bindings;
    StringMap<bool> names;
    std::vector<LoadError> unchecked;  // API validation errors when it is off
    std::vector<LoadError>& vap_errors = options.vap_api_validation ? errors : unchecked;
    for (const LoadedObject* o : classified.validating_policies) {
      ParseContext ctx(o->origin, vap_errors);
      size_t before = ctx.error_count();
      std::optional<vap::ValidatingAdmissionPolicy> p = vap::parse_validating_policy(o->value, ctx);
      if (!p || (options.vap_api_validation && ctx.error_count() != before)) continue;
      if (!names.emplace("p/" + p->name, true).second) {
        ParseContext(o->origin, errors).error("/metadata/name", "duplicate ValidatingAdmissionPolicy " + p->name);
        continue;
      }
      policies.push_back(std::move(*p));
      set->admission_policy_objects_.push_back(o->value);
    }
    for (const LoadedObject* o : classified.validating_policy_bindings) {
      ParseContext ctx(o->origin, vap_errors);
      size_t before = ctx.error_count();
      std::optional<vap::ValidatingAdmissionPolicyBinding> b = vap::parse_validating_policy_binding(o->value, ctx);
      if (!b || (options.vap_api_validation && ctx.error_count() != before)) continue;
      if (!names.emplace("b/" + b->name, true).second) {
        ParseContext(o->origin, errors).error("/metadata/name", "duplicate ValidatingAdmissionPolicyBinding " + b->name);
        continue;
      }
      bindings.push_back(std::move(*b));
      set->admission_policy_objects_.push_back(o->value);
    }
    std::vector<Value> params;
    for (const auto* objects : {&options.inventory, &options.admission_policy_params}) {
      for (const Value& o : *objects) {
        if (o["kind"].string_or("") == "Namespace" && o["apiVersion"].string_or("") == "v1") continue;
        params.push_back(o);
      }
    }
    vap::ValidatingPolicyEngine::Options vap_options;
    vap_options.authorizer = options.vap_authorizer;
    vap_options.live_params = options.admission_policy_live_params;
    add_param_kinds(policies, bindings, set->admission_policy_param_kinds_);
    if (auto version = vap::parse_environment_version(options.vap_environment)) {
      vap_options.environment = *version;
    } else {
      errors.push_back({"", 0, 0, "unknown ValidatingAdmissionPolicy environment " + options.vap_environment +
                                      " (1.32, current)"});
    }
    set->stats_.validating_policies = policies.size();
    set->stats_.validating_policy_bindings = bindings.size();
    set->vap_ = vap::ValidatingPolicyEngine::build(std::move(policies), std::move(bindings), params, vap_options);

    // MutatingAdmissionPolicies and their bindings, with the same params.
    std::vector<vap::MutatingAdmissionPolicy> mutating;
    std::vector<vap::MutatingAdmissionPolicyBinding> mutating_bindings;
    auto parse_each = [&](const std::vector<const LoadedObject*>& objects, const char* kind, auto parse, auto& out) {
      for (const LoadedObject* o : objects) {
        ParseContext ctx(o->origin, vap_errors);
        size_t before = ctx.error_count();
        auto parsed = parse(o->value, ctx);
        if (!parsed || (options.vap_api_validation && ctx.error_count() != before)) continue;
        if (!names.emplace(std::string(kind) + "/" + parsed->name, true).second) {
          ParseContext(o->origin, errors).error("/metadata/name", std::string("duplicate ") + kind + " " + parsed->name);
          continue;
        }
        out.push_back(std::move(*parsed));
      }
    };
    parse_each(classified.mutating_policies, "MutatingAdmissionPolicy", vap::parse_mutating_policy, mutating);
    parse_each(classified.mutating_policy_bindings, "MutatingAdmissionPolicyBinding",
               vap::parse_mutating_policy_binding, mutating_bindings);
    add_param_kinds(mutating, mutating_bindings, set->admission_policy_param_kinds_);
    set->map_ = vap::MutatingPolicyEngine::build(std::move(mutating), std::move(mutating_bindings), std::move(params),
                                                 options.admission_policy_live_params);
  }

  LoadResult result;
  result.warnings = std::move(warnings);
  if (!errors.empty()) {
    result.errors = std::move(errors);
    return result;
  }

  for (uint32_t i = 0; i < set->constraints_.size(); ++i) set->index_.add(i, set->constraints_[i].constraint.match);
  {
    std::unordered_map<const Template*, size_t> per_template;
    for (const Entry& e : set->constraints_) ++per_template[e.tmpl];
    for (auto& t : set->templates_) t->shares_review = per_template[t.get()] > 1;
  }

  set->stats_.templates = set->templates_.size();
  for (const auto& t : set->templates_) set->stats_.templates_with_cel += t->definition.cel ? 1 : 0;
  set->stats_.constraints = set->constraints_.size();
  for (const Entry& e : set->constraints_) {
    if (!e.constraint.enforcement.recognized()) continue;  // not enforced by Gatekeeper: in no slot
    const std::string& a = e.constraint.enforcement.action();
    size_t slot = a == "deny" ? 0 : a == "dryrun" ? 1 : a == "warn" ? 2 : 3;
    set->stats_.constraints_by_action[slot]++;
  }
  set->stats_.mutators = set->mutation_->stats().mutators;
  set->stats_.mutators_conflicting = set->mutation_->stats().conflicting;
  set->stats_.expansion_templates = set->expansion_.size();
  set->stats_.validating_policies = set->vap_->policy_count();
  set->stats_.validating_policy_bindings = set->vap_->binding_count();
  result.policies = std::move(set);
  return result;
}

bool CompiledPolicySet::template_supported(std::string_view constraint_kind, std::string* reason) const {
  auto it = template_by_kind_.find(constraint_kind);
  if (it == template_by_kind_.end()) {
    if (reason) *reason = "no ConstraintTemplate defines kind " + std::string(constraint_kind);
    return false;
  }
  if (!it->second->definition.supported()) {
    if (reason) *reason = "template " + it->second->definition.name + ": " + it->second->definition.unsupported_reason;
    return false;
  }
  return true;
}

std::vector<std::string> CompiledPolicySet::unsupported_templates() const {
  std::vector<std::string> out;
  for (const auto& t : templates_) {
    if (!t->definition.supported()) out.push_back(t->definition.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const CelReviewInput& CompiledPolicySet::ReviewContext::cel() {
  if (!cel_input) {
    if (target.namespace_object == nullptr && !namespace_name.empty()) {
      // Namespace unknown: Gatekeeper's CEL driver still binds a Namespace
      // carrying the name.
      Value minimal = Value::object({{Value::string("apiVersion"), Value::string("v1")},
                                     {Value::string("kind"), Value::string("Namespace")},
                                     {Value::string("metadata"),
                                      Value::object({{Value::string("name"), Value::string(namespace_name)}})}});
      cel_input = CelReviewInput::from_request(input.request, &minimal);
    } else {
      cel_input = CelReviewInput::from_request(input.request, target.namespace_object);
    }
  }
  return *cel_input;
}

const Value& CompiledPolicySet::ReviewContext::rego_review() {
  if (!rego_input_review) rego_input_review = policies::rego_review(input.request, target.namespace_object);
  return *rego_input_review;
}

const Value& CompiledPolicySet::ReviewContext::rego_data(const CompiledPolicySet& set) {
  if (input.inventory.empty()) return input.inventory_data.is_null() ? set.inventory_data_ : input.inventory_data;
  if (!rego_inventory) {
    std::vector<Value> objects = set.inventory_objects_;
    objects.insert(objects.end(), input.inventory.begin(), input.inventory.end());
    rego_inventory = inventory_data(objects);
  }
  return *rego_inventory;
}

std::vector<RegoTemplateProgram::Violation> CompiledPolicySet::run_rego(const Entry& entry, ReviewContext& review) const {
  std::vector<RegoTemplateProgram::Violation> violations;
  entry.tmpl->rego->evaluate(review.rego_review(), entry.constraint.parameters, review.rego_data(*this), violations,
                             entry.tmpl->shares_review ? &review.rego_memo : nullptr);
  return violations;
}

std::vector<std::string> CompiledPolicySet::run_cel(const Entry& entry, ReviewContext& review) const {
  std::vector<std::string> messages;
  entry.tmpl->cel->evaluate(review.cel(), entry.constraint, messages);
  return messages;
}

namespace {

std::string quoted_list(std::vector<std::string> messages) {
  std::sort(messages.begin(), messages.end());
  std::string out = "[";
  for (size_t i = 0; i < messages.size(); ++i) out += (i ? ", \"" : "\"") + messages[i] + "\"";
  return out + "]";
}

}  // namespace

void CompiledPolicySet::review_constraint(const Entry& entry, const std::vector<std::string>& actions,
                                          ReviewContext& review, std::vector<Result>& results,
                                          std::vector<std::string>& disagreements, ReviewObserver* observer) const {
  const Constraint& c = entry.constraint;
  auto started = observer ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  size_t results_before = results.size();
  auto add_result = [&](std::string message, Value details = Value::empty_object()) {
    Result r;
    r.constraint_kind = c.kind;
    r.constraint_name = c.name;
    r.message = std::move(message);
    r.details = std::move(details);
    r.enforcement_action = c.enforcement.action();
    if (c.enforcement.scoped()) r.scoped_actions = actions;
    r.constraint = c.object;
    results.push_back(std::move(r));
  };

  MatchResult m = c.match.matches(review.target);
  if (m.outcome == MatchResult::Outcome::NoMatch) return;
  if (m.failed()) {
    add_result("unable to match constraints: " + m.constraint_error());
  } else if (entry.tmpl->cel) {
    // CEL has priority when a template has both (EnginePreference::All keeps both to compare).
    std::vector<std::string> messages = run_cel(entry, review);
    if (compare_engines_ && entry.tmpl->rego) {
      std::vector<std::string> rego_messages;
      for (auto& v : run_rego(entry, review)) rego_messages.push_back(std::move(v.message));
      std::string cel_text = quoted_list(messages);
      std::string rego_text = quoted_list(rego_messages);
      // The two codes word their messages differently; they disagree when one denies and the other does not.
      if (rego_messages.empty() != messages.empty()) {
        disagreements.push_back(c.kind + "/" + c.name + ": rego: " + rego_text + "; cel: " + cel_text);
      }
    }
    for (std::string& msg : messages) add_result(std::move(msg));
  } else if (entry.tmpl->rego) {
    for (auto& v : run_rego(entry, review)) add_result(std::move(v.message), std::move(v.details));
  }
  if (observer) {
    ConstraintSlot slot{id_, static_cast<uint32_t>(&entry - constraints_.data()),
                        static_cast<uint32_t>(constraints_.size())};
    observer->constraint_evaluated_at(slot, c.kind, c.name, c.enforcement.action(),
                                   std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started),
                                   results.size() - results_before);
  }
}

namespace {

// Namespaces for ValidatingAdmissionPolicy selectors and namespaceObject:
// the review's own, its inventory, then the set's.
class ReviewNamespaces final : public vap::NamespaceLookup {
 public:
  ReviewNamespaces(const ReviewInput& input, const StringMap<Value>& loaded) : input_(input), loaded_(loaded) {}
  const Value* find_namespace(std::string_view name) const override {
    const Value& own = input_.namespace_object;
    if (!own.is_null() && own["metadata"]["name"].string_or("") == name) return &own;
    if (const Value* ns = find_namespace_in(input_.inventory, name)) return ns;
    auto it = loaded_.find(name);
    return it == loaded_.end() ? nullptr : &it->second;
  }

 private:
  static const Value* find_namespace_in(const std::vector<Value>& objects, std::string_view name) {
    return policies::find_namespace(objects, name);
  }
  const ReviewInput& input_;
  const StringMap<Value>& loaded_;
};

}  // namespace

MutatingPolicyResult CompiledPolicySet::mutate_with_policies(const Value& request, const Value& namespace_object,
                                                             vap::PolicyCheckObserver* checks) const {
  MutatingPolicyResult r;
  r.object = request["object"];
  if (map_ == nullptr || map_->empty()) return r;
  ReviewInput input;
  input.namespace_object = namespace_object;
  vap::MapOutcome o = map_->evaluate(request, ReviewNamespaces(input, namespaces_), checks);
  r.allowed = o.allowed;
  r.code = o.code;
  r.reason = std::move(o.reason);
  r.message = std::move(o.message);
  r.object = std::move(o.object);
  r.mutated = o.mutated;
  return r;
}

std::vector<Result> CompiledPolicySet::admission_policy_results(const ReviewInput& input) const {
  std::vector<Result> out;
  if (vap_->empty()) return out;
  std::vector<vap::VapViolation> all;
  vap_->evaluate(input.request, ReviewNamespaces(input, namespaces_), nullptr, &all);
  out.reserve(all.size());
  for (const vap::VapViolation& v : all) out.push_back(vap::admission_policy_result(v));
  return out;
}

// The ValidatingAdmissionPolicy plugin runs before the validating webhooks:
// its denial is the answer; otherwise its warnings and audit annotations join
// the constraints' decision.
Decision CompiledPolicySet::validate(const ReviewInput& input, ReviewObserver* observer) const {
  // Admission requests only: not what an ExpansionTemplate implies, nor an
  // object reviewed without an operation (gator, audit).
  if (vap_->empty() || input.source == "Generated" || input.request["operation"].string_or("").empty()) {
    return validate_constraints(input, observer);
  }
  vap::VapOutcome v = vap_->evaluate(input.request, ReviewNamespaces(input, namespaces_), observer);
  if (!v.allowed) {
    Decision d;
    d.allowed = false;
    d.code = v.code;
    d.reason = v.reason;
    d.message = v.status_message;
    d.causes.push_back(v.message);
    d.warnings = std::move(v.warnings);
    d.audit_annotations = std::move(v.audit_annotations);
    return d;
  }
  Decision d = validate_constraints(input, observer);
  d.warnings.insert(d.warnings.begin(), v.warnings.begin(), v.warnings.end());
  d.audit_annotations = std::move(v.audit_annotations);
  return d;
}

Decision CompiledPolicySet::validate_constraints(const ReviewInput& input, ReviewObserver* observer) const {
  const Value& request = input.request;
  std::string_view operation = request["operation"].string_or("");
  const Value* object = request.find("object");
  const Value* old_object = request.find("oldObject");
  if (operation == "DELETE") {
    // Gatekeeper reviews the deleted object: oldObject stands in for object.
    if (old_object == nullptr || old_object->is_null()) {
      return internal_error("oldObject cannot be nil for DELETE operations");
    }
    object = old_object;
  }

  ReviewContext review{input, {}, {}, std::nullopt, std::nullopt, std::nullopt, {}};
  MatchTarget& target = review.target;
  target.object = MatchObject::of(object);
  target.old_object = MatchObject::of(old_object);
  target.source = input.source;
  const MatchObject& primary = target.object.present() ? target.object : target.old_object;

  // The request namespace; blank for a Namespace, which is its own namespace.
  std::string_view namespace_name = request["namespace"].string_or("");
  if (namespace_name.empty()) namespace_name = primary.namespace_name;
  if (primary.is_namespace) namespace_name = {};

  std::string_view process = config_process_for(input.enforcement_point);
  if (!process.empty() && !config_.empty() &&
      config_.excludes(process, primary.is_namespace ? primary.name : namespace_name)) {
    return allowed_with_message("Namespace is set to be ignored by Gatekeeper config");
  }

  const Value* namespace_object = nullptr;
  if (!input.namespace_object.is_null()) {
    // The caller's Namespace, even a nameless one: gator gives an object
    // without a namespace an empty Namespace (gatekeeper-expansion.md §5.3).
    namespace_object = &input.namespace_object;
  } else if (!namespace_name.empty()) {
    if (const Value* ns = find_namespace(input.inventory, namespace_name)) {
      namespace_object = ns;
    } else if (auto it = namespaces_.find(namespace_name); it != namespaces_.end()) {
      namespace_object = &it->second;
    }
  }
  target.namespace_object = namespace_object;
  review.namespace_name = namespace_name;

  std::vector<uint32_t> candidates;
  if (!target.object.present() && !target.old_object.present()) {
    index_.all(candidates);
  } else {
    if (target.object.present()) index_.candidates(target.object.group, target.object.kind, candidates);
    if (target.old_object.present() &&
        (!target.object.present() || target.old_object.group != target.object.group ||
         target.old_object.kind != target.object.kind)) {
      index_.candidates(target.old_object.group, target.old_object.kind, candidates);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }

  bool at_webhook = input.enforcement_point == kValidationPoint;
  std::vector<Result> results;
  std::vector<std::string> disagreements;
  for (uint32_t id : candidates) {
    const Entry& entry = constraints_[id];
    if (!entry.tmpl->definition.supported()) continue;
    const std::vector<std::string>& actions = entry.constraint.enforcement.actions_at(input.enforcement_point);
    if (actions.empty()) continue;  // scoped, with nothing in force at this point
    // A resultant review has no operation: the template's operations do not filter it.
    if (at_webhook && !operation.empty() && !entry.tmpl->definition.applies_to_operation(operation)) continue;
    review_constraint(entry, actions, review, results, disagreements, observer);
  }
  Decision decision = decide(std::move(results));
  decision.engine_disagreements = std::move(disagreements);
  return decision;
}

}  // namespace

const expansion::ExpansionSystem& PolicySet::expansion() const {
  static const expansion::ExpansionSystem none;
  return none;
}

bool PolicySet::config_excludes(std::string_view, std::string_view) const { return false; }

int64_t PolicySet::mutator_generation(std::string_view) const { return 0; }

MutatingPolicyResult PolicySet::mutate_with_policies(const Value& request, const Value&,
                                                     vap::PolicyCheckObserver*) const {
  MutatingPolicyResult r;
  r.object = request["object"];
  return r;
}

LoadResult PolicySet::load(const std::vector<std::string>& paths, const LoadOptions& options) {
  std::vector<LoadedObject> objects;
  std::vector<LoadError> errors;
  read_policy_files(paths, objects, errors);
  return CompiledPolicySet::build(objects, std::move(errors), options);
}

LoadResult PolicySet::load_text(std::string_view text, const std::string& name, const LoadOptions& options) {
  std::vector<LoadedObject> objects;
  std::vector<LoadError> errors;
  read_policy_text(text, name, objects, errors);
  return CompiledPolicySet::build(objects, std::move(errors), options);
}

LoadResult PolicySet::from_objects(const std::vector<Value>& objects, const LoadOptions& options) {
  return CompiledPolicySet::build(objects_without_source(objects), {}, options);
}

}  // namespace tollgate::policies
