// OPA's check of declared variables (ast/compile.go, rewriteLocalVars):
// a variable declared with `some x` and never used afterwards, or the key or
// value variable of `every k, v in xs { ... }` that its body never uses, is a
// compile error: `rego_compile_error: declared var x unused`.
#pragma once

#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego::compiler {

void check_unused_declared_vars(const Module& module, std::vector<Error>& errors);

}  // namespace tollgate::rego::compiler
