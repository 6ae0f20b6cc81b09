// The AdmissionReview wire format: decoding a request body (admission.k8s.io
// v1 or v1beta1) into the request Value the policies read, and encoding the
// response AdmissionReview in the same apiVersion.
#pragma once

#include <string>
#include <string_view>

#include "policies/policy_set.h"
#include "rules/value/value.h"

namespace tollgate::webhook {

inline constexpr std::string_view kAdmissionV1 = "admission.k8s.io/v1";
inline constexpr std::string_view kAdmissionV1beta1 = "admission.k8s.io/v1beta1";

struct AdmissionReviewRequest {
  std::string api_version;  // echoed in the response
  std::string uid;          // echoed in the response
  value::Value request;     // the `request` object, as sent
  bool dry_run = false;     // request.dryRun
};

// Parses the body once (simdjson, straight into Values). On failure returns
// false and sets *error to a reason fit for a 400 response body.
bool decode_admission_review(std::string_view body, AdmissionReviewRequest* out, std::string* error);

// The response AdmissionReview for a validation decision (gatekeeper-semantics
// §2.3): uid echoed, allowed, status {code, reason?, message?}, warnings,
// and the ValidatingAdmissionPolicies' auditAnnotations.
std::string encode_validation_response(const AdmissionReviewRequest& review, const policies::Decision& decision);

// The response AdmissionReview for /mutate: allowed, status {code 200,
// message when given}, and a base64 JSONPatch when `json_patch` is
// non-empty. (A mutation error is answered like a validation error, with
// encode_validation_response.)
std::string encode_mutation_response(const AdmissionReviewRequest& review, std::string_view json_patch = {},
                                     std::string_view message = {});

}  // namespace tollgate::webhook
