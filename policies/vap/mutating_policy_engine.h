// MutatingAdmissionPolicy evaluation for one admission request
// (vap-semantics.md §5): policies matched with their bindings and params as
// for ValidatingAdmissionPolicy, matchConditions, each mutation
// (ApplyConfiguration or JSONPatch) applied in order to the current object,
// reinvocation of IfNeeded invocations, failurePolicy, and the generic
// policy dispatcher's error response.
//
// Deterministic where the API server is not (§4.1): policies and bindings in
// name order, params in (namespace, name) order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/vap/match.h"
#include "policies/vap/mutating_objects.h"
#include "policies/vap/policy_check.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

class LiveParams;

struct MapOutcome {
  bool allowed = true;
  int code = 200;
  std::string reason;               // the first error's reason, else Forbidden
  std::string message;              // the first error: "policy 'm' with binding 'mb' denied request: ..."
  std::vector<std::string> causes;  // every error kept
  value::Value object;              // the object after the mutations (the request's when nothing applied)
  bool mutated = false;             // the object differs from the request's
};

class MutatingPolicyEngine {
 public:
  static std::shared_ptr<const MutatingPolicyEngine> build(std::vector<MutatingAdmissionPolicy> policies,
                                                           std::vector<MutatingAdmissionPolicyBinding> bindings,
                                                           std::vector<value::Value> param_objects,
                                                           std::shared_ptr<const LiveParams> live_params = nullptr);
  ~MutatingPolicyEngine();

  // Whether any policy has a binding (nothing to evaluate otherwise).
  bool empty() const;

  // `request` is an AdmissionRequest (admission/v1 JSON shape).
  // `checks`, when not null, is told of each mutation as the API server's
  // metrics count them (policy_check.h).
  MapOutcome evaluate(const value::Value& request, const NamespaceLookup& namespaces,
                      PolicyCheckObserver* checks = nullptr) const;

  struct Compiled;

 private:
  MutatingPolicyEngine();
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace tollgate::policies::vap
