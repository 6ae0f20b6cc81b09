// How gator turns what it reads into a review: a plain object becomes the
// AdmissionRequest that audit and gator synthesise (gatekeeper-semantics.md
// §3.2, audit/gator column); an AdmissionReview (admission.k8s.io) file is
// reviewed with its own `request`, decoded strictly as gator does.
#pragma once

#include <string>
#include <vector>

#include "policies/policy_set.h"

namespace tollgate::policies::gator {

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
};

// Splits the object's apiVersion ("apps/v1" -> apps, v1; "v1" -> "", v1).
GroupVersionKind gvk_of(const Value& object);

// True for kind AdmissionReview in group admission.k8s.io (any version).
bool is_admission_review(const Value& object);

// The request of an AdmissionReview, checked the way gator checks it:
// no unknown fields, a request present, object or oldObject present, and
// oldObject present on DELETE. On failure returns false with gator's error
// text in *error.
bool request_from_admission_review(const Value& review, Value* request, std::string* error);

struct BuiltReview {
  ReviewInput input;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
};

// The review of `object` at gator.gatekeeper.sh: an AdmissionReview's own
// request, or for a plain object the request audit and gator synthesise
// (policies/review_request.h). DELETE's oldObject-as-object is the
// PolicySet's business, as in the webhook.
BuiltReview build_gator_review(const Value& object, Value namespace_object, std::vector<Value> inventory);

}  // namespace tollgate::policies::gator
