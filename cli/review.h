// `tollgate review`: one admission request replayed offline, answered as
// `serve`'s /validate would answer it (Gatekeeper constraints with their
// ExpansionTemplates, and ValidatingAdmissionPolicies). Shared with the
// vap-differential conformance runner.
#pragma once

#include <string>

#include "policies/policy_set.h"
#include "rules/value/value.h"

namespace tollgate::cli {

// An AdmissionReview (admission.k8s.io v1 or v1beta1) or a bare
// AdmissionRequest, as the AdmissionReview /validate receives. False with
// *error when it is neither.
bool admission_review_body(const value::Value& document, std::string* body, std::string* error);

// The response AdmissionReview /validate sends for `body` (JSON text).
std::string replay_admission_review(const policies::PolicySet& policies, const std::string& body, std::string* error);

// The response AdmissionReview /mutate sends for `body` (JSON text): the
// base64 JSONPatch and patchType when the object changed.
std::string replay_mutation_review(const policies::PolicySet& policies, const std::string& body, std::string* error);

}  // namespace tollgate::cli
