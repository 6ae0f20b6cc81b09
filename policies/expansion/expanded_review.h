// Reviewing a generator together with what it implies, as Gatekeeper's
// webhook, gator test and gator verify do (gatekeeper-expansion.md §4):
// the parent is reviewed, then every resultant of its expansion is reviewed
// on its own (source Generated, no operation, no user), and each resultant
// result joins the parent's with its message prefixed
// `[Implied by <template>] ` and, when the template sets one, the
// template's enforcement action.
#pragma once

#include <string>

#include "policies/policy_set.h"

namespace tollgate::policies::expansion {

struct ExpansionContext {
  // The object to expand; null for none (e.g. an AdmissionReview case).
  value::Value generator;
  // The Namespace beside the generator while expanding (null = absent).
  value::Value expansion_namespace;
  // The Namespace each resultant is reviewed with (null = absent: the
  // policy set's Namespaces and the inventory are consulted by name).
  value::Value review_namespace;
  std::string username;
};

struct ExpandedReview {
  Decision decision;        // the parent's and every resultant's results, decided together
  std::string expand_error;  // expansion failed: nothing was decided
  std::string review_error;  // a resultant could not be reviewed
  bool ok() const { return expand_error.empty() && review_error.empty(); }
};

// What Gatekeeper's webhook expands for an AdmissionRequest: the object
// (oldObject on DELETE) with the request's namespace (none when the request
// has none) and the request's kind; null when the request carries neither.
value::Value generator_of_request(const value::Value& request);

// Reviews `parent` with `policies`, then the resultants of
// `context.generator` by the policy set's ExpansionTemplates and mutators.
// A parent decision that is not a review (a Config exclusion, an internal
// error) is returned as it is, without expanding.
ExpandedReview review_with_expansion(const PolicySet& policies, const ReviewInput& parent,
                                     const ExpansionContext& context, ReviewObserver* observer = nullptr);

}  // namespace tollgate::policies::expansion
