// OPA's rewriting of negated expressions (compiler stages RewriteExprTerms
// and RewriteDynamicTerms): the dynamic operands of a negated expression —
// refs and calls passed as arguments, calls and refs used as keys inside a
// ref, a call a ref starts from — are evaluated as separate literals before
// the `not`, and only the outermost operation is negated. So
//
//   not accept(rule, value, params.ranges)
//
// is `__local_n0__ = params.ranges; not accept(rule, value, __local_n0__)`:
// when params.ranges is undefined the body fails instead of the `not`
// succeeding. gatekeeper-library templates depend on this (psp users).
#pragma once

#include "rules/rego/ast.h"

namespace tollgate::rego::compiler {

// Rewrites every negated expression of every body in the module, including
// else bodies and comprehension / every bodies.
void hoist_negated_operands(Module& module);
// The same for a query.
void hoist_negated_operands(Query& query);

}  // namespace tollgate::rego::compiler
