#include "policies/gator/test_run.h"

#include <algorithm>
#include <chrono>

#include "policies/expansion/expanded_review.h"
#include "policies/gator/namespace_context.h"
#include "policies/gator/review_builder.h"
#include "policies/mutation_review.h"
#include "policies/vap/vap_report.h"

namespace tollgate::policies::gator {
namespace {

std::string name_of(const Value& object) { return std::string(object["metadata"]["name"].string_or("")); }

}  // namespace

// Templates, constraints, mutators, ExpansionTemplates and the admission
// policies with their bindings make the policy set.
bool is_policy_object(const Value& object) {
  GroupVersionKind gvk = gvk_of(object);
  return (gvk.group == "templates.gatekeeper.sh" && gvk.kind == "ConstraintTemplate") ||
         gvk.group == "constraints.gatekeeper.sh" || gvk.group == "mutations.gatekeeper.sh" ||
         (gvk.group == "expansion.gatekeeper.sh" && gvk.kind == "ExpansionTemplate") ||
         is_admission_policy_object(object);
}

bool is_admission_policy_object(const Value& object) {
  GroupVersionKind gvk = gvk_of(object);
  return gvk.group == "admissionregistration.k8s.io" &&
         (gvk.kind == "ValidatingAdmissionPolicy" || gvk.kind == "ValidatingAdmissionPolicyBinding" ||
          gvk.kind == "MutatingAdmissionPolicy" || gvk.kind == "MutatingAdmissionPolicyBinding");
}

// Points an error about "object[<i>]" at the file and document it came from.
void locate_load_error(LoadError& error, const std::vector<const SourcedObject*>& sources) {
  constexpr std::string_view kPrefix = "object[";
  if (error.file.rfind(kPrefix, 0) != 0 || error.file.back() != ']') return;
  size_t index = 0;
  for (size_t i = kPrefix.size(); i + 1 < error.file.size(); ++i) {
    char c = error.file[i];
    if (c < '0' || c > '9') return;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  if (index >= sources.size()) return;
  error.file = sources[index]->file;
  if (error.line == 0) {
    error.line = sources[index]->line;
    error.column = 1;
  }
}

bool is_enforced_denial(const Result& result) {
  if (result.enforcement_action == "deny") return true;
  return std::find(result.scoped_actions.begin(), result.scoped_actions.end(), "deny") != result.scoped_actions.end();
}

TestRunReport run_gator_test(const std::vector<SourcedObject>& inputs, const std::vector<SourcedObject>& policy_inputs,
                             const EngineFactory& factory, const TestRunOptions& options) {
  TestRunReport report;
  std::vector<Value> policies;
  std::vector<const SourcedObject*> policy_sources;  // parallel to `policies`
  std::vector<Value> constraints;
  std::vector<Value> inventory;
  for (const auto* group : {&policy_inputs, &inputs}) {
    for (const SourcedObject& s : *group) {
      if (!is_policy_object(s.object)) continue;
      policies.push_back(s.object);
      policy_sources.push_back(&s);
      if (gvk_of(s.object).group == "constraints.gatekeeper.sh") constraints.push_back(s.object);
    }
  }
  for (const SourcedObject& s : inputs) inventory.push_back(s.object);
  NamespaceContext namespaces(inventory);
  // Admission policies read their params among every object given.
  std::vector<Value> params;
  for (const auto* group : {&policy_inputs, &inputs}) {
    for (const SourcedObject& s : *group) {
      if (!is_policy_object(s.object)) params.push_back(s.object);
    }
  }

  EngineBuild engine = factory(policies, params);
  if (!engine.errors.empty() || !engine.policies) {
    for (LoadError& e : engine.errors) locate_load_error(e, policy_sources);
    report.error = "reading policies: " + describe_errors(engine.errors);
    return report;
  }
  report.warnings = engine.unsupported;
  for (LoadError& w : engine.warnings) {
    locate_load_error(w, policy_sources);
    report.load_warnings.push_back(w.to_string());
  }

  auto find_constraint = [&](const Result& r) {
    for (const Value& c : constraints) {
      if (c["kind"].string_or("") == r.constraint_kind && name_of(c) == r.constraint_name) return c;
    }
    return Value::null();
  };
  for (const SourcedObject& s : inputs) {
    auto start = std::chrono::steady_clock::now();
    bool admission_review = is_admission_review(s.object);
    // An AdmissionReview carries its own request and namespace.
    Value namespace_object = admission_review ? Value::null() : namespaces.for_object(s.object);
    BuiltReview review = build_gator_review(s.object, namespace_object, inventory);
    if (!review.ok()) {
      report.error = "auditing objects: " + s.file + ": " + review.error;
      return report;
    }
    // The API server runs mutating admission before validating admission:
    // the object is reviewed as the mutators leave it.
    Value create = admission_review ? as_create_when_unspecified(review.input.request)
                                    : create_request_for_manifest(s.object, options.namespace_name);
    std::string_view create_namespace = create["namespace"].string_or("");
    MutationReview mutation = mutate_admission_request(
        *engine.policies, create, create_namespace.empty() ? Value::null() : namespaces.named(create_namespace));
    if (mutation.outcome == MutationOutcome::Failed) {
      report.error = "mutating objects: " + s.file + ": " + mutation.message;
      return report;
    }
    Value reviewed_object = s.object;
    if (mutation.outcome == MutationOutcome::Mutated) {
      review.input.request = value::with_entry(review.input.request, "object", mutation.result.object);
      if (!is_admission_review(s.object)) reviewed_object = mutation.result.object;
    }
    // Then what it implies: its resultants are reviewed with the same Namespace (gatekeeper-expansion.md §5.1).
    expansion::ExpansionContext implied;
    if (!admission_review) implied.generator = reviewed_object;
    implied.expansion_namespace = namespace_object;
    implied.review_namespace = namespace_object;
    expansion::ExpandedReview expanded = expansion::review_with_expansion(*engine.policies, review.input, implied);
    if (!expanded.expand_error.empty()) {
      std::string name = name_of(reviewed_object);
      report.error = "auditing objects: " + s.file + ": expanding resource " + name + ": error expanding resource " +
                     name + ": " + expanded.expand_error;
      return report;
    }
    if (!expanded.review_error.empty()) {
      report.error = "auditing objects: " + s.file + ": " + expanded.review_error;
      return report;
    }
    Decision& decision = expanded.decision;
    if (decision.code == 500 && decision.results.empty()) {
      report.error = "auditing objects: " + s.file + ": " + decision.message;
      return report;
    }
    // The ValidatingAdmissionPolicies judge the CREATE the mutators left,
    // every failure reported (vap/vap_report.h).
    if (engine.policies->has_admission_policies()) {
      ReviewInput admission;
      admission.request = vap::offline_admission_request(
          mutation.outcome == MutationOutcome::Mutated ? value::with_entry(create, "object", mutation.result.object)
                                                       : create);
      // Matching reads only the request's Namespace: no copy of the inventory per object.
      admission.namespace_object = create_namespace.empty() ? Value::null() : namespaces.named(create_namespace);
      std::vector<Result> vap_results = engine.policies->admission_policy_results(admission);
      decision.results.insert(decision.results.end(), std::make_move_iterator(vap_results.begin()),
                              std::make_move_iterator(vap_results.end()));
    }
    for (const std::string& d : decision.engine_disagreements) report.engine_disagreements.push_back(s.file + ": " + d);
    ReviewedObject reviewed{s, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                            decision.results};
    // The constraint as the engine saw it: with its schema's defaults, as gator prints it.
    for (const Result& r : decision.results) {
      report.violations.push_back({r, r.constraint.is_null() ? find_constraint(r) : r.constraint, reviewed_object});
    }
    report.reviewed.push_back(std::move(reviewed));
  }
  std::stable_sort(report.violations.begin(), report.violations.end(),
                   [](const ViolationReport& a, const ViolationReport& b) {
                     if (a.result.enforcement_action != b.result.enforcement_action) {
                       return a.result.enforcement_action < b.result.enforcement_action;
                     }
                     return a.result.message < b.result.message;
                   });
  return report;
}

}  // namespace tollgate::policies::gator
