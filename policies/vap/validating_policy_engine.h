// ValidatingAdmissionPolicy evaluation for one admission request
// (vap-semantics.md §3–§4): policies matched with their bindings, params
// collected, matchConditions, validations with message/messageExpression/
// reason, auditAnnotations, validationActions, failurePolicy, cost budgets,
// and the response the API server would send, with its exact strings.
//
// Deterministic where the API server is not (§4.1): policies and bindings in
// name order, params in (namespace, name) order.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "policies/vap/cel_env.h"
#include "policies/vap/match.h"
#include "policies/vap/policy_check.h"
#include "policies/vap/vap_objects.h"
#include "policies/vap/vap_report.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

class LiveParams;

// What the ValidatingAdmissionPolicy plugin decided for one request.
struct VapOutcome {
  bool allowed = true;
  int code = 200;            // reasonToCode of the first denial's reason
  std::string reason;        // Forbidden | Invalid | RequestEntityTooLarge | Unauthorized
  std::string message;       // the first denial: "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: ..."
  std::string status_message;  // "<resource>[.<group>] \"<name>\" is forbidden: " + message
  std::vector<std::string> warnings;
  // Audit annotations by key, in key order.
  std::vector<std::pair<std::string, std::string>> audit_annotations;
};

// The kinds params may be (paramKind resolution): every kind of the loaded
// param objects, namespaced iff one of them has a namespace, and the built-in
// Kubernetes kinds.
class ValidatingPolicyEngine {
 public:
  struct Options {
    EnvironmentVersion environment = EnvironmentVersion::Kubernetes132;
    // Answers `authorizer` checks (§2.5); null: "no opinion" to every check.
    std::shared_ptr<const cel::Authorizer> authorizer;
    // serve's params from the cluster (live_params.h): once published, read
    // instead of `param_objects` (which it includes).
    std::shared_ptr<const LiveParams> live_params;
  };

  static std::shared_ptr<const ValidatingPolicyEngine> build(std::vector<ValidatingAdmissionPolicy> policies,
                                                             std::vector<ValidatingAdmissionPolicyBinding> bindings,
                                                             std::vector<value::Value> param_objects,
                                                             const Options& options);
  ~ValidatingPolicyEngine();

  // Whether any policy has a binding (nothing to evaluate otherwise).
  bool empty() const;
  size_t policy_count() const;
  size_t binding_count() const;

  // `request` is an AdmissionRequest (admission/v1 JSON shape). `checks`, when
  // not null, is told of each binding's checks as the API server's metrics
  // count them (policy_check.h).
  // With `all`, every failed validation and configuration error is appended
  // to it too (the offline commands report each; the outcome keeps the first
  // denial, as the API server answers).
  VapOutcome evaluate(const value::Value& request, const NamespaceLookup& namespaces,
                      PolicyCheckObserver* checks = nullptr, std::vector<VapViolation>* all = nullptr) const;

  struct Compiled;

 private:
  ValidatingPolicyEngine();
  std::unique_ptr<Compiled> compiled_;
};

// reasonToCode (§2.11).
int reason_to_code(std::string_view reason);

}  // namespace tollgate::policies::vap
