// Marks which IR terms may iterate (Term::may_iterate), once bodies are in
// their final order, so that the evaluator can skip looking for unbound
// variables in terms that have none to look for.
#pragma once

#include "rules/rego/compiler/ir.h"

namespace tollgate::rego::compiler {

void mark_iteration(ir::Term& t);
void mark_iteration(ir::Body& body);
void mark_iteration(ir::RuleGroup& group);

}  // namespace tollgate::rego::compiler
