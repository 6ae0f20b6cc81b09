// The recursion check: a rule that depends on itself, directly or through
// other rules and functions, is rego_recursion_error (rego-notes.md §5).
#pragma once

#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/compiled_policy.h"

namespace tollgate::rego::compiler {

void check_recursion(const CompiledPolicy& policy, std::vector<Error>& errors);

}  // namespace tollgate::rego::compiler
