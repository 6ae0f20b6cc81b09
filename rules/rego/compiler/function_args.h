// OPA's compiler stage RewriteRefsInHead for function arguments: an argument
// that needs evaluation (it holds a reference, a call, a template string or a
// comprehension) is not a pattern. It becomes a generated variable and the
// expression `<variable> = <argument>` is appended to the rule's body (and to
// the body of each of its else clauses), so the argument is evaluated after
// the body has bound its variables:
//
//   f($"{x} {input.y}") := 42 if { x = "foo" }
//     ->  f(__local_arg0__) := 42 if { x = "foo"; __local_arg0__ = $"{x} {input.y}" }
//
// A call f("foo bar") then succeeds when the body's bindings make the
// template "foo bar".
#pragma once

#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego::compiler {

void move_evaluated_args_into_bodies(std::vector<Module>& modules);

}  // namespace tollgate::rego::compiler
