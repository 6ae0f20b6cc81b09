// The planner: checks a parsed CEL expression (lightweight static type
// inference, as cel-go's checker does for Kubernetes) and turns it into a
// tree of steps with names resolved to slots and overloads to functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/cel/ast.h"
#include "rules/cel/cel.h"
#include "rules/cel/function_registry.h"
#include "rules/cel/step.h"

namespace tollgate::cel {

struct PlanOptions {
  std::vector<std::string> identifiers;
  std::vector<CelType> identifier_types;  // parallel to identifiers; dyn where absent
  std::vector<std::string> lazy_variables;
  std::vector<CelType> lazy_variable_types;  // parallel to lazy_variables; dyn where absent
  std::string container;
  bool check_types = true;            // false: only names are resolved (conformance disableCheck)
  bool homogeneous_literals = false;  // Kubernetes: list/map literal elements must share one static type
  // ext.Strings' validator: a literal format string on a list literal is
  // checked against the arguments' static types (`'%d'.format([1.0])` is refused).
  bool validate_format = false;
  const StructTypeProvider* struct_types = nullptr;  // see CompileOptions::struct_types
};

struct Plan {
  StepPtr root;
  size_t slot_count = 0;
  CelType type;
};

std::optional<Plan> plan_expression(const Expr& expr, const FunctionRegistry& registry, const PlanOptions& options,
                                    CompileError* error);

// Binds type parameters while matching declared parameter types against
// argument types; exposed for the checker's tests.
bool is_assignable(const CelType& param, const CelType& arg);

}  // namespace tollgate::cel
