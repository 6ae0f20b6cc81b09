// The K8sNativeValidation engine (gatekeeper-semantics.md §4, cel-notes.md
// §10 "Gatekeeper K8sNativeValidation"): a template's CEL compiled once at
// load time and evaluated per (review, constraint) the way Gatekeeper's
// k8scel driver runs a ValidatingAdmissionPolicy validator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/model/constraint.h"
#include "policies/model/constraint_template.h"
#include "policies/model/parse_context.h"
#include "rules/cel/cel.h"
#include "rules/value/value.h"

namespace tollgate::policies {

// The CEL view of one review, built once per review and shared by every
// CEL constraint it is evaluated against.
struct CelReviewInput {
  value::Value object;            // null on DELETE (mirrors VAP)
  value::Value old_object;        // null when absent
  value::Value request;           // the VAP request view (no object / oldObject)
  value::Value namespace_object;  // the Namespace of a namespaced request, else null
  bool is_delete = false;

  // Builds the view from an AdmissionRequest and the resolved Namespace
  // (nullptr when unknown or not namespaced).
  static CelReviewInput from_request(const value::Value& request, const value::Value* namespace_object);
};

class CelTemplateProgram {
 public:
  // Per-expression cost limit (Kubernetes PerCallLimit) and per-evaluation
  // budget shared by the validations (RuntimeCELCostBudget).
  static constexpr uint64_t kPerCallCostLimit = 1'000'000;
  static constexpr uint64_t kEvaluationCostBudget = 10'000'000;

  // Compiles every expression of `source`. With defer_compile_errors false a
  // compile error is a load error reported into ctx (file:line:col of the
  // expression + the CEL error) and nullptr is returned; with it true (verify
  // / test, as Gatekeeper) the error is kept and surfaces at evaluation as
  // "compilation error: ...".
  static std::shared_ptr<const CelTemplateProgram> compile(const CelSource& source, const std::string& template_name,
                                                           bool defer_compile_errors, ParseContext& ctx);

  // Evaluates the template for one constraint, appending one message per
  // failing validation (and per error under failurePolicy Fail).
  void evaluate(const CelReviewInput& input, const Constraint& constraint, std::vector<std::string>& messages) const;

 private:
  struct Expression {
    std::shared_ptr<const cel::Program> program;  // null when it did not compile
    std::string text;
    std::string compile_error;  // "compilation error: ..." when program is null
  };
  struct Validation {
    Expression expression;
    std::string message;  // trimmed
    bool has_message_expression = false;
    Expression message_expression;
  };

  class Variables;

  cel::EvalResult run(const Expression& e, const cel::Activation& activation) const;
  // Applies the failure policy to an error; returns true if a message was added.
  void fail(std::string error, std::vector<std::string>& messages) const;
  // A run stopped by its memory or time budget: reported whatever the
  // failure policy; true when evaluation must stop.
  static bool stopped(const Expression& e, const cel::EvalResult& r, std::vector<std::string>& messages);

  std::vector<Validation> validations_;
  std::vector<Expression> variables_;  // the template's variables, in order
  std::vector<std::string> variable_names_;
  std::vector<Expression> match_conditions_;
  FailurePolicy failure_policy_ = FailurePolicy::Fail;
};

}  // namespace tollgate::policies
