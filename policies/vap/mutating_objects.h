// MutatingAdmissionPolicy and MutatingAdmissionPolicyBinding
// (admissionregistration.k8s.io v1alpha1, v1beta1, v1) as vap-semantics.md
// §1.4–1.6 describe them: defaults applied (failurePolicy Fail, matchPolicy
// Equivalent, selectors {}, scope *, parameterNotFoundAction Deny in
// v1alpha1 only) and the API validation reported with the API server's
// messages at the offending field. The shared parts (MatchResources,
// ParamKind, ParamRef, matchConditions, variables) are the
// ValidatingAdmissionPolicy ones (policies/vap/vap_objects.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policies/vap/vap_objects.h"

namespace tollgate::policies::vap {

struct Mutation {
  std::string patch_type;  // "ApplyConfiguration" | "JSONPatch"
  std::string expression;  // of the member patch_type names
  std::string pointer;     // where the expression sits
};

struct MutatingAdmissionPolicy {
  std::string name;
  std::optional<ParamKind> param_kind;
  std::optional<MatchResources> match_constraints;
  std::vector<NamedExpression> variables;
  std::vector<Mutation> mutations;
  std::string failure_policy = "Fail";
  std::vector<NamedExpression> match_conditions;
  std::string reinvocation_policy;  // "Never" | "IfNeeded"
};

struct MutatingAdmissionPolicyBinding {
  std::string name;
  std::string policy_name;
  std::optional<ParamRef> param_ref;
  std::optional<MatchResources> match_resources;
};

bool is_mutating_policy(const value::Value& object);
bool is_mutating_policy_binding(const value::Value& object);

// Parses with defaults applied; API-validation errors go into ctx (the
// object is still returned, as for ValidatingAdmissionPolicy).
std::optional<MutatingAdmissionPolicy> parse_mutating_policy(const value::Value& object, ParseContext& ctx);
std::optional<MutatingAdmissionPolicyBinding> parse_mutating_policy_binding(const value::Value& object,
                                                                            ParseContext& ctx);

}  // namespace tollgate::policies::vap
