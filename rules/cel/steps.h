// Constructors for the step kinds the planner builds (rules/cel/step.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rules/cel/function_registry.h"
#include "rules/cel/step.h"

namespace tollgate::cel {

StepPtr make_const_step(Value v);
StepPtr make_error_step(std::string message);
// `name` only words the error when the activation binds no value at `index`.
StepPtr make_ident_step(size_t index, std::string name);
StepPtr make_local_step(size_t slot);
StepPtr make_lazy_variable_step(size_t index);

StepPtr make_select_step(StepPtr operand, std::string field);
StepPtr make_optional_select_step(StepPtr operand, std::string field);
StepPtr make_has_step(StepPtr operand, std::string field);
StepPtr make_index_step(StepPtr operand, StepPtr index, bool optional);

// A call whose overload was resolved at plan time.
StepPtr make_call_step(const Overload* overload, std::vector<StepPtr> args);
// A call resolved on the runtime kinds of its arguments among `candidates`.
StepPtr make_dispatch_step(std::string function, std::vector<const Overload*> candidates, std::vector<StepPtr> args);

StepPtr make_and_step(StepPtr left, StepPtr right);
StepPtr make_or_step(StepPtr left, StepPtr right);
StepPtr make_not_step(StepPtr operand);
StepPtr make_not_strictly_false_step(StepPtr operand);
StepPtr make_ternary_step(StepPtr condition, StepPtr when_true, StepPtr when_false);

enum class Relation { Less, LessEqual, Greater, GreaterEqual };
StepPtr make_equals_step(StepPtr left, StepPtr right, bool negate);
StepPtr make_relation_step(StepPtr left, StepPtr right, Relation relation);
StepPtr make_in_step(StepPtr element, StepPtr container);

StepPtr make_list_step(std::vector<StepPtr> elements, std::vector<bool> optional);
StepPtr make_map_step(std::vector<std::pair<StepPtr, StepPtr>> entries, std::vector<bool> optional);

StepPtr make_type_of_step(StepPtr operand);
StepPtr make_optional_or_step(StepPtr left, StepPtr right, bool or_value);
StepPtr make_map_insert_step(std::vector<StepPtr> args);
// `subject.matches(pattern)` with a pattern compiled once at plan time.
StepPtr make_matches_step(StepPtr subject, const std::string& pattern, std::string* error);

struct ComprehensionPlan {
  // How the loop step uses the accumulator: generic, or a list being built
  // by `@result + [value]` (map) guarded by a condition (filter).
  enum class Shape { Generic, Append, ConditionalAppend };

  StepPtr range;
  size_t iter_slot = 0;
  bool two_variables = false;
  size_t iter2_slot = 0;  // the value variable of two-variable forms
  size_t accu_slot = 0;
  StepPtr init;
  StepPtr condition;
  StepPtr loop_step;
  StepPtr result;
  Shape shape = Shape::Generic;
  StepPtr append_value;      // Append, ConditionalAppend
  StepPtr append_condition;  // ConditionalAppend
};
StepPtr make_comprehension_step(ComprehensionPlan plan);

}  // namespace tollgate::cel
