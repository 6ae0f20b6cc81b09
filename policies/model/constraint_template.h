// A ConstraintTemplate (templates.gatekeeper.sh v1/v1beta1/v1alpha1),
// validated per gatekeeper-semantics.md §1.1, with its K8sNativeValidation
// source (§4.1) and Rego (§3.4) decoded. Engine choice (§4.4, and
// LoadOptions::engine) decides which of the two is kept; a template left
// without code for the chosen engine is an error, or — when unsupported
// templates are allowed (verify/test) — recorded as unsupported with the
// reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policies/model/parse_context.h"
#include "policies/policy_set.h"
#include "rules/value/value.h"

namespace tollgate::policies {

inline constexpr const char* kAdmissionTarget = "admission.k8s.gatekeeper.sh";
inline constexpr const char* kCelEngine = "K8sNativeValidation";
inline constexpr const char* kRegoEngine = "Rego";

enum class FailurePolicy { Fail, Ignore };

// One CEL expression and where it sits in its template (for errors).
struct CelExpressionSource {
  std::string text;
  std::string pointer;
};

struct CelSource {
  struct Validation {
    CelExpressionSource expression;
    std::string message;
    std::optional<CelExpressionSource> message_expression;
  };
  struct Variable {
    std::string name;
    CelExpressionSource expression;
  };
  struct MatchCondition {
    std::string name;
    CelExpressionSource expression;
  };
  std::vector<Validation> validations;
  std::vector<Variable> variables;
  std::vector<MatchCondition> match_conditions;  // the singular `matchCondition` key
  FailurePolicy failure_policy = FailurePolicy::Fail;
};

// A template's Rego (gatekeeper-semantics.md §3.4–3.5): the entry module and
// its libs, and where each sits in the template (for file:line:col errors).
struct RegoSource {
  struct Module {
    std::string text;
    std::string pointer;
  };
  Module entry;
  std::vector<Module> libs;
  bool v1 = false;  // code[].source.version "v1"; the legacy `rego` field is always v0
};

struct ConstraintTemplate {
  std::string name;  // metadata.name, the lowercase kind
  std::string kind;  // spec.crd.spec.names.kind: the constraint kind it defines
  // targets[0].operations; empty (or "*") = every operation.
  std::vector<std::string> operations;
  // spec.crd.spec.validation.openAPIV3Schema: the schema of the constraints'
  // spec.parameters, whose `default:`s they are loaded with; null when absent.
  value::Value parameters_schema;
  bool has_rego = false;
  std::optional<RegoSource> rego;
  std::optional<CelSource> cel;
  // Why the template cannot be evaluated (no CEL code and Rego is not
  // available); empty when it can.
  std::string unsupported_reason;

  bool supported() const { return unsupported_reason.empty(); }
  // Whether the template applies to a request with this operation at the
  // validation webhook point.
  bool applies_to_operation(std::string_view operation) const;
};

// Reserved CEL names in Gatekeeper templates.
inline constexpr const char* kReservedPrefix = "gatekeeper_internal_";

std::optional<ConstraintTemplate> parse_constraint_template(const value::Value& object, ParseContext& ctx,
                                                            const LoadOptions& options);

}  // namespace tollgate::policies
