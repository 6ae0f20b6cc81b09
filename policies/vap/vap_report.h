// ValidatingAdmissionPolicy failures as the offline commands report them
// (tollgate test, verify and audit): every failed validation of every
// (policy, binding, param), not only the API server's first denial, each
// turned into a Result beside the Gatekeeper constraints' results.
//
//   constraint_kind     "ValidatingAdmissionPolicy"
//   constraint_name     the policy's name
//   message             the API server's text for the binding's strongest
//                       action: Deny "ValidatingAdmissionPolicy 'p' with
//                       binding 'b' denied request: msg"; Warn or Audit (the
//                       warning the API server sends) "Validation failed for
//                       ValidatingAdmissionPolicy 'p' with binding 'b': msg"
//   enforcement_action  "deny" when validationActions has Deny, else "warn"
//                       when it has Warn, else "audit": deny fails a test run
//                       (as a Gatekeeper deny), warn and audit are reported
//   details             {binding, validationActions, reason}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policies/policy_set.h"

namespace tollgate::policies::vap {

inline constexpr const char* kValidatingPolicyKind = "ValidatingAdmissionPolicy";

// One failed validation (or a configuration error, which denies) of one
// policy under one binding.
struct VapViolation {
  std::string policy;
  std::string binding;  // empty for an error of the policy itself
  std::string message;  // the validation's message
  std::string reason;   // Invalid, Forbidden, ... ("" for errors: Invalid)
  std::vector<std::string> actions;  // the binding's validationActions; Deny for errors
};

// "deny" | "warn" | "audit" for validationActions (see above).
std::string_view strongest_action(const std::vector<std::string>& actions);

Result admission_policy_result(const VapViolation& violation);

// The admission request offline commands evaluate admission policies on: an
// operation (CREATE when it names none, as an object is being created) and
// the resource apimachinery guesses from the kind when it names none.
value::Value offline_admission_request(const value::Value& request);

}  // namespace tollgate::policies::vap
