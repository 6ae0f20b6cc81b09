// One check of a ValidatingAdmissionPolicy or MutatingAdmissionPolicy
// binding, reported as kube-apiserver's admission plugins report it to their
// metrics (k8s.io/apiserver/pkg/admission/plugin/policy/{validating,mutating}/
// metrics): apiserver_validating_admission_policy_check_{total,duration_seconds}
// {policy, policy_binding, error_type, enforcement_action} and
// apiserver_mutating_admission_policy_check_{total,duration_seconds}
// {policy, policy_binding, error_type}.
//
// When the API server observes (validating/dispatcher.go, mutating/dispatcher.go):
// - VAP: each decision of a (policy, binding, param) invocation that is not a
//   plain admit: a denial once per validationAction of the binding (deny,
//   warn, audit), an error under failurePolicy Ignore as `allow`, an audit
//   annotation error as `deny`. Configuration errors (no match constraints,
//   a paramRef that does not resolve) are not observed.
// - MAP: each mutation of an invocation, `no_error` when it applied, else its
//   error type, whatever the failurePolicy.
// error_type comes from the decision's message as the API server derives it
// (validating/errors.go): "compilation..." compile_error, "validation failed
// due to running out of cost budget..." out_of_budget, anything else,
// a plain denial included, invalid_error.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tollgate::policies::vap {

// The error_type label.
enum class CheckErrorType : uint8_t { NoError, CompileError, InvalidError, OutOfBudget };
inline constexpr size_t kCheckErrorTypes = 4;
// The enforcement_action label (validating only).
enum class CheckAction : uint8_t { Allow, Deny, Warn, Audit };
inline constexpr size_t kCheckActions = 4;

inline const char* to_string(CheckErrorType t) {
  switch (t) {
    case CheckErrorType::NoError: return "no_error";
    case CheckErrorType::CompileError: return "compile_error";
    case CheckErrorType::OutOfBudget: return "out_of_budget";
    case CheckErrorType::InvalidError: break;
  }
  return "invalid_error";
}

inline const char* to_string(CheckAction a) {
  switch (a) {
    case CheckAction::Allow: return "allow";
    case CheckAction::Deny: return "deny";
    case CheckAction::Warn: return "warn";
    case CheckAction::Audit: return "audit";
  }
  return "allow";
}

// The API server's ErrorType(decision) for a decision that is not a plain admit.
inline CheckErrorType check_error_type(std::string_view message) {
  if (message.substr(0, 11) == "compilation") return CheckErrorType::CompileError;
  constexpr std::string_view budget = "validation failed due to running out of cost budget";
  if (message.substr(0, budget.size()) == budget) return CheckErrorType::OutOfBudget;
  return CheckErrorType::InvalidError;
}

struct PolicyCheck {
  const std::string& policy;
  const std::string& binding;
  CheckErrorType error_type;
  CheckAction action;  // Allow for mutating checks (no such label)
  // The (policy, binding, param) invocation's evaluation (VAP) or the one
  // mutation's (MAP). The API server's current VAP dispatcher observes the
  // decision's Elapsed, which its validator leaves at 0; this is the time spent.
  std::chrono::nanoseconds elapsed;
};

// Told of each check while a request is evaluated; called from the
// evaluating thread. The defaults ignore them.
class PolicyCheckObserver {
 public:
  virtual ~PolicyCheckObserver() = default;
  virtual void validating_policy_checked(const PolicyCheck&) {}
  virtual void mutating_policy_checked(const PolicyCheck&) {}
};

}  // namespace tollgate::policies::vap
