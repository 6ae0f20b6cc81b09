// The ValidatingAdmissionPolicy and bindings Gatekeeper 3.19.3 generates from
// a ConstraintTemplate's K8sNativeValidation code and its constraints
// (vap-semantics.md §7.2–§7.4; Gatekeeper's transform.TemplateToPolicyDefinition
// and transform.ConstraintToBinding): same names, paramKind, the four
// gatekeeper_internal_* matchConditions, the anyObject/params variables,
// validations copied, failurePolicy, and a binding per constraint whose
// paramRef is the constraint itself.
//
// Objects are built as plain values (kubectl-ready), in
// admissionregistration.k8s.io/v1 (what Gatekeeper writes when the cluster
// serves it) or v1beta1.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::vap {

struct ExportOptions {
  // "admissionregistration.k8s.io/v1" or "admissionregistration.k8s.io/v1beta1".
  std::string api_version = "admissionregistration.k8s.io/v1";
};

struct ExportedPolicy {
  value::Value policy;              // the ValidatingAdmissionPolicy; null on error
  std::string constraint_kind;      // spec.crd.spec.names.kind
  // source.generateVAP when the template sets it: false means Gatekeeper
  // would not generate this policy in a cluster (it is exported anyway).
  std::optional<bool> generate_vap;
  std::string error;                // "template <name>: ..." with Gatekeeper's wording
  bool ok() const { return error.empty(); }
};

// TemplateToPolicyDefinition. A template Gatekeeper cannot export (more than
// one target, no K8sNativeValidation code such as a Rego-only template, a
// reserved name, an unknown failurePolicy) gives an error naming the
// template and why.
ExportedPolicy export_policy(const value::Value& constraint_template, const ExportOptions& options = {});

struct ExportedBinding {
  value::Value binding;  // null when no binding (see `skipped`) or on error
  // Why Gatekeeper makes no binding for this constraint although it is valid
  // (a scoped constraint without a vap.k8s.io or "*" enforcement point, an
  // unrecognized enforcementAction); empty otherwise.
  std::string skipped;
  std::string error;  // "constraint <name>: invalid enforcement action: ..."
  bool ok() const { return error.empty(); }
};

// The actions Gatekeeper binds a constraint with (§7.2), as if binding
// generation were on for every constraint
// (--default-create-vap-binding-for-constraints): [spec.enforcementAction]
// (deny by default), or for `scoped` the scopedEnforcementActions in force at
// vap.k8s.io.
std::vector<std::string> binding_actions(const value::Value& constraint);

// ConstraintToBinding with binding_actions(constraint).
ExportedBinding export_binding(const value::Value& constraint, const ExportOptions& options = {});
// ConstraintToBinding with the given actions (Gatekeeper's unit-level entry point).
ExportedBinding export_binding_with_actions(const value::Value& constraint, const std::vector<std::string>& actions,
                                           const ExportOptions& options = {});

// Whether `object` is a constraint (group constraints.gatekeeper.sh) of `kind`.
bool is_constraint_of_kind(const value::Value& object, std::string_view kind);

}  // namespace tollgate::policies::vap
