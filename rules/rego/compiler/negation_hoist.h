// OPA's rewriting of negated expressions: its compiler stages
// RewriteExprTerms (expandExpr: nested calls become generated expressions
// placed before the expression), RewriteEquals (a `==` expression of a
// module becomes unification `=`) and RewriteDynamicTerms (rewriteDynamics:
// the operands of a call expression that are refs, and refs nested in
// composites or in the keys of a ref, are bound in generated expressions
// placed before it). topdown then evaluates only the negated expression
// itself inside the `not`, so whether an undefined operand makes the `not`
// succeed or the whole body fail depends on where it ended up:
//
//   not input.nope == false      `==` is unification in a module: the ref
//                                stays inside, the `not` succeeds
//   not input.nope <= false      a call: input.nope is bound before the `not`,
//                                the body fails
//   not startswith(input.x, "a") likewise (a call operand)
//   not count(input.nope) == 1   the nested call is bound before: fails
//   not z0 != 1                  z0, a rule of the package, is the ref
//                                data.t.z0: bound before, fails
//   not input.a.b, not r1        a term expression: the ref stays inside
//
// Queries are compiled without RewriteEquals, so there `==` is a call like
// any other. gatekeeper-library templates depend on both halves
// (`not accept(rule, value, params.ranges)` fails when params.ranges is
// undefined; `not c.securityContext.allowPrivilegeEscalation == false`
// succeeds when the field is missing).
#pragma once

#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego::compiler {

// Rewrites every negated expression of every body of the modules, including
// else bodies and comprehension / every bodies. Bare names of rules of a
// module's package (and import aliases) count as the refs OPA resolves them
// to, unless a local of the rule has the name.
void hoist_negated_operands(std::vector<Module>& modules);
// The same for a query.
void hoist_negated_operands(Query& query);

}  // namespace tollgate::rego::compiler
