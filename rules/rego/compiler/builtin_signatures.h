// OPA's declared types of its builtin functions (ast/builtins.go, OPA v1.5),
// as the type checker uses them: argument types, result type and the names
// OPA prints in `want:` lines. A table in OPA's own printed type notation,
// parsed once.
#pragma once

#include <string_view>

#include "rules/rego/compiler/types.h"

namespace tollgate::rego::types {

// The function type of a builtin (null when OPA declares none, e.g. print,
// or Tollgate has a builtin OPA does not type).
const TypeRef* builtin_signature(std::string_view name);

}  // namespace tollgate::rego::types
