#include "policies/gator/expand_run.h"

#include <algorithm>

#include "policies/expansion/expansion_system.h"
#include "policies/gator/engine.h"
#include "policies/gator/namespace_context.h"
#include "policies/gator/review_builder.h"
#include "policies/mutation/mutation_system.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"

namespace tollgate::policies::gator {
namespace {

bool is_expander_object(const Value& object) {
  GroupVersionKind gvk = gvk_of(object);
  return gvk.group == "mutations.gatekeeper.sh" ||
         (gvk.group == "expansion.gatekeeper.sh" && gvk.kind == "ExpansionTemplate");
}

std::string sort_key(const Value& object) {
  return std::string(object["metadata"]["name"].string_or("")) + std::string(object["apiVersion"].string_or("")) +
         std::string(object["kind"].string_or(""));
}

}  // namespace

ExpandRunReport run_gator_expand(const std::vector<SourcedObject>& inputs) {
  ExpandRunReport report;
  std::vector<Value> expander_objects;
  std::vector<Value> all;
  for (const SourcedObject& s : inputs) {
    all.push_back(s.object);
    if (is_expander_object(s.object)) expander_objects.push_back(s.object);
  }
  LoadResult loaded = PolicySet::from_objects(expander_objects);
  if (!loaded.errors.empty() || !loaded.policies) {
    report.error = "error expanding resources: " + describe_errors(loaded.errors);
    return report;
  }
  const PolicySet& expander = *loaded.policies;
  NamespaceContext namespaces(all);

  for (const SourcedObject& s : inputs) {
    std::string name(s.object["metadata"]["name"].string_or(""));
    Value ns = namespaces.for_object(s.object);
    // gator mutates the generator in place before expanding it.
    mutation::MutationRequest base;
    base.object = s.object;
    base.request = admission_request_for_object(s.object);
    base.namespace_object = ns;
    base.source = "Original";
    mutation::MutationResult mutated = expander.mutation().mutate(base);
    if (mutated.failed) {
      report.error = "error expanding resources: error mutating base resource " + name + ": " + mutated.error;
      report.resultants.clear();
      return report;
    }
    expansion::ExpandRequest request;
    request.generator = mutated.object;
    request.namespace_object = ns;
    std::vector<expansion::Resultant> resultants;
    std::string error;
    if (!expander.expansion().expand(request, &expander.mutation(), &resultants, &error)) {
      report.error = "error expanding resources: error expanding resource " + name + ": " + error;
      report.resultants.clear();
      return report;
    }
    for (expansion::Resultant& r : resultants) report.resultants.push_back(std::move(r.object));
  }
  std::stable_sort(report.resultants.begin(), report.resultants.end(),
                   [](const Value& a, const Value& b) { return sort_key(a) > sort_key(b); });
  return report;
}

}  // namespace tollgate::policies::gator
