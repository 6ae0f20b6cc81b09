#include "policies/mutation_review.h"

#include <exception>
#include <string_view>

namespace tollgate::policies {
namespace {

using value::Value;

// Gatekeeper does not mutate its own resources.
bool is_gatekeeper_group(std::string_view group) {
  for (std::string_view own : {"templates", "constraints", "mutations", "config", "externaldata", "expansion", "status"}) {
    if (group.size() == own.size() + 14 && group.substr(0, own.size()) == own &&
        group.substr(own.size()) == ".gatekeeper.sh") {
      return true;
    }
  }
  return false;
}

MutationReview skipped(const Value& object, std::string message) {
  MutationReview review;
  review.outcome = MutationOutcome::Skipped;
  review.message = std::move(message);
  review.result.object = object;
  return review;
}

MutationReview failed(const Value& object, std::string message) {
  MutationReview review;
  review.outcome = MutationOutcome::Failed;
  review.message = message;
  review.result.object = object;
  review.result.failed = true;
  review.result.error = std::move(message);
  return review;
}

}  // namespace

MutationReview mutate_admission_request(const PolicySet& policies, const Value& request, Value namespace_object) {
  const Value& object = request["object"];
  std::string_view operation = request["operation"].string_or("");
  if (operation != "CREATE" && operation != "UPDATE") return skipped(object, "Mutating only on create or update");
  const Value& kind = request["kind"];
  std::string_view group = kind["group"].string_or("");
  if (is_gatekeeper_group(group)) return skipped(object, "Not mutating gatekeeper resources");

  mutation::MutationRequest input;
  input.object = object;
  input.request = request;
  input.namespace_object = std::move(namespace_object);
  // (The mutation system lends an object without a namespace the request's
  // for matching and takes it back before answering.)
  if (group.empty() && kind["kind"].string_or("") == "Namespace") {
    // A Namespace is its own namespace, whatever the request says.
    input.request = value::without_entry(request, "namespace");
    if (input.namespace_object.is_null()) input.namespace_object = object;
  }

  MutationReview review;
  try {
    review.result = policies.mutation().mutate(input);
  } catch (const std::exception& e) {
    return failed(object, std::string("internal error mutating the object: ") + e.what());
  }
  if (review.result.failed) {
    review.outcome = MutationOutcome::Failed;
    review.message = review.result.error;
    review.result.object = object;
  } else if (!review.result.mutated) {
    review.outcome = MutationOutcome::Unchanged;
    review.message = kNotMutatedMessage;
    review.result.object = object;
  } else {
    review.outcome = MutationOutcome::Mutated;
  }
  return review;
}

Value as_create_when_unspecified(const Value& request) {
  if (!request["operation"].string_or("").empty()) return request;
  return value::with_entry(request, "operation", Value::string("CREATE"));
}

}  // namespace tollgate::policies
