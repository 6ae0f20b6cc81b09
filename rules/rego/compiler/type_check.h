// OPA's type checker (ast/check.go) over the compiled policy: every rule
// body is checked in evaluation order with the types of its variables
// inferred as OPA infers them (unification, builtin outputs, reference
// keys), rules and functions get the types of their heads, and calls,
// unifications and references that cannot succeed for any value are
// refused as OPA refuses them:
//   lower: invalid argument(s)        (with have:/want: lines)
//   match error                       (`[1] = "a"`, `some x, y in 2.0`)
//   undefined ref: x[_]               (a reference into a scalar)
// all with the code rego_type_error.
#pragma once

#include <string_view>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/compiled_policy.h"

namespace tollgate::rego::compiler {

void check_types(const CompiledPolicy& policy, std::vector<Error>& errors);
// The same checks over a query's compiled body (frame_size slots), its
// errors located in `file`.
void check_query_types(const CompiledPolicy& policy, const ir::Body& body, uint32_t frame_size, std::string_view file,
                       std::vector<Error>& errors);

}  // namespace tollgate::rego::compiler
