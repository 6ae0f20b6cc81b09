// The CEL environment of admission policies (vap-semantics.md §2): which
// names each kind of expression sees, the required output types and their
// error strings, variables compiled in order and evaluated lazily once per
// pass, the typed `request` view, and the cost limits. Shared by
// ValidatingAdmissionPolicy and MutatingAdmissionPolicy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/vap/match.h"
#include "policies/vap/vap_objects.h"
#include "rules/cel/cel.h"
#include "rules/cel/k8s/authz_library.h"
#include "rules/cel/struct_value.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

// Which Kubernetes release's CEL environment policies are compiled in.
// 1.32 is what Gatekeeper 3.19 vendors and what the vap-differential corpus
// was answered by; "current" follows the spec (≈1.37). Tollgate's CEL engine
// implements the 1.32 libraries; the libraries added later (ext.Lists v3 in
// 1.34, Lists v1 `includes` in 1.37) are not available in either setting yet.
enum class EnvironmentVersion { Kubernetes132, Current };
// "1.32" | "current"
std::optional<EnvironmentVersion> parse_environment_version(std::string_view text);

// Per-expression cost limit and the per-pass budgets (§2.9).
inline constexpr uint64_t kPerCallCostLimit = 1'000'000;
inline constexpr uint64_t kValidationBudget = 10'000'000;
inline constexpr uint64_t kMatchConditionBudget = 2'500'000;
inline constexpr const char* kOutOfBudget =
    "validation failed due to running out of cost budget, no further validation rules will be run";

// The output type an expression must have (exact type identity, §2.8).
enum class OutputType { Any, Bool, String, StringOrNull };

// Slots of cel::Activation::identifiers. The authorizer slots are bound only
// where the expression kind has an authorizer (§2.1): an activation of the
// first five leaves `authorizer` declared but unbound ("no such attribute(s)").
enum Slot : size_t {
  kObjectSlot = 0,
  kOldObjectSlot,
  kRequestSlot,
  kNamespaceObjectSlot,
  kParamsSlot,
  kAuthorizerSlot,
  kRequestResourceAuthorizerSlot,
};
inline constexpr size_t kSlotsWithoutAuthorizer = kAuthorizerSlot;

struct CompiledExpression {
  std::shared_ptr<const cel::Program> program;  // null when it did not compile
  std::string text;
  // Why it did not compile: "compilation failed: ERROR: <input>:l:c: ..."
  // (with the source line and caret) or "must evaluate to bool but got int".
  std::string error;
  cel::CelType type;
  bool ok() const { return program != nullptr; }
};

// cel-go's rendering of a compile error: "ERROR: <input>:l:c: msg" followed
// by the expression's line and a caret under the column.
std::string render_compile_error(std::string_view expression, const cel::CompileError& error);

// One policy's compile environment: `params` declared iff the policy has a
// paramKind, `request` and `namespaceObject` typed as Kubernetes declares them
// (kubernetes.AdmissionRequest, kubernetes.Namespace), `authorizer` and
// `authorizer.requestResource` declared, its variables compiled in order
// (each sees the earlier ones and is typed by its expression).
class PolicyEnvironment {
 public:
  // `struct_types`: the environment's own struct types (MutatingAdmissionPolicy's
  // Object{...} and JSONPatch{...}), declared next to the admission types.
  PolicyEnvironment(std::shared_ptr<const cel::Environment> env, bool has_params,
                    const std::vector<NamedExpression>& variables,
                    const cel::StructTypeProvider* struct_types = nullptr);

  CompiledExpression compile(std::string_view text, OutputType output) const;
  // For messageExpression, which has no `authorizer` (§2.1).
  CompiledExpression compile_without_authorizer(std::string_view text, OutputType output) const;

  // Whether an expression compiled so far (variables included) may use
  // `authorizer`: the engines bind it only then.
  bool uses_authorizer() const { return uses_authorizer_; }

  bool has_params() const { return has_params_; }
  const std::vector<CompiledExpression>& variables() const { return variables_; }
  const std::vector<std::string>& variable_names() const { return variable_names_; }

 private:
  CompiledExpression compile_with(std::string_view text, OutputType output, const cel::CompileOptions& options) const;

  std::shared_ptr<const cel::Environment> env_;
  bool has_params_ = false;
  std::unique_ptr<const cel::StructTypeProvider> types_;
  cel::CompileOptions options_;  // every variable declared
  cel::CompileOptions no_authorizer_options_;
  mutable bool uses_authorizer_ = false;
  std::vector<CompiledExpression> variables_;
  std::vector<std::string> variable_names_;
};

// The variables of one evaluation pass: each evaluated on first use and
// memoised with its error; the cost of evaluating them is added to cost().
class VariableScope final : public cel::LazyVariables {
 public:
  VariableScope(const PolicyEnvironment& env, const cel::Activation& activation)
      : env_(env), activation_(activation), memo_(env.variables().size()) {}
  const cel::EvalResult& get(size_t index) override;
  uint64_t cost() const { return cost_; }

 private:
  const PolicyEnvironment& env_;
  const cel::Activation& activation_;
  std::vector<std::optional<cel::EvalResult>> memo_;
  uint64_t cost_ = 0;
};

// Evaluates one expression under the per-call limit. A compile failure is the
// error "compilation error: <why>"; a run-time error is the bare CEL error.
cel::EvalResult run_expression(const CompiledExpression& e, const cel::Activation& activation);

// "expression '<text>' resulted in error: <err>" for a run-time error, the
// error itself for a compile failure.
std::string expression_error(const CompiledExpression& e, const std::string& error);

// The `request` variable (§2.2): the AdmissionRequest without uid, object
// and oldObject, kind/resource as matched, requestKind/requestResource the
// original ones, and the omitempty fields absent when empty.
value::Value request_view(const value::Value& request, const GroupVersionKind& matched_kind,
                          const GroupVersionResource& matched_resource);

// `authorizer` for the request's user and `authorizer.requestResource` for
// the request's own (not the matched) group, resource, subresource,
// namespace and name, answered by `authorizer` (no opinion when null).
struct AuthorizerBinding {
  value::Value authorizer;
  value::Value request_resource;
};
AuthorizerBinding bind_authorizer(const value::Value& request, std::shared_ptr<const cel::Authorizer> authorizer);

}  // namespace tollgate::policies::vap
