#include "policies/expansion/expanded_review.h"

#include "policies/decision.h"
#include "policies/expansion/expansion_system.h"
#include "policies/review_request.h"

namespace tollgate::policies::expansion {

value::Value generator_of_request(const value::Value& request) {
  using value::Value;
  const Value* object = request.find(request["operation"].string_or("") == "DELETE" ? "oldObject" : "object");
  if (object == nullptr || !object->is_object()) return Value::null();
  const Value& meta = (*object)["metadata"];
  Value metadata = meta.is_object() ? meta : Value::empty_object();
  std::string_view ns = request["namespace"].string_or("");
  metadata = ns.empty() ? value::without_entry(metadata, "namespace")
                        : value::with_entry(metadata, "namespace", Value::string(ns));
  const Value& kind = request["kind"];
  GroupVersionKind gvk{std::string(kind["group"].string_or("")), std::string(kind["version"].string_or("")),
                       std::string(kind["kind"].string_or(""))};
  Value generator = value::with_entry(*object, "metadata", std::move(metadata));
  generator = value::with_entry(generator, "apiVersion", Value::string(gvk.api_version()));
  return value::with_entry(generator, "kind", Value::string(gvk.kind));
}

ExpandedReview review_with_expansion(const PolicySet& policies, const ReviewInput& parent,
                                     const ExpansionContext& context, ReviewObserver* observer) {
  ExpandedReview out;
  out.decision = policies.validate(parent, observer);
  const ExpansionSystem& expansion = policies.expansion();
  if (expansion.empty() || context.generator.is_null()) return out;
  // Not reviewed (excluded by Config) or not reviewable: nothing to add to.
  if (out.decision.code == 500 || (out.decision.results.empty() && !out.decision.message.empty())) return out;

  ExpandRequest request;
  request.generator = context.generator;
  request.namespace_object = context.expansion_namespace;
  request.username = context.username;
  std::vector<Resultant> resultants;
  if (!expansion.expand(request, &policies.mutation(), &resultants, &out.expand_error)) return out;
  if (resultants.empty()) return out;

  std::vector<Result> results = std::move(out.decision.results);
  std::vector<std::string> disagreements = std::move(out.decision.engine_disagreements);
  for (const Resultant& r : resultants) {
    ReviewInput child;
    child.request = admission_request_for_object(r.object);
    child.namespace_object = context.review_namespace;
    child.enforcement_point = parent.enforcement_point;
    child.inventory = parent.inventory;
    child.inventory_data = parent.inventory_data;
    child.source = "Generated";
    Decision d = policies.validate(child, observer);
    if (d.code == 500 && d.results.empty()) {
      out.review_error = "error reviewing resultant resource: " + d.message;
      return out;
    }
    for (Result& result : d.results) {
      if (!r.enforcement_action.empty()) result.enforcement_action = r.enforcement_action;
      result.message = "[Implied by " + r.template_name + "] " + result.message;
      results.push_back(std::move(result));
    }
    for (std::string& disagreement : d.engine_disagreements) {
      disagreements.push_back("[Implied by " + r.template_name + "] " + disagreement);
    }
  }
  out.decision = decide(std::move(results));
  out.decision.engine_disagreements = std::move(disagreements);
  return out;
}

}  // namespace tollgate::policies::expansion
