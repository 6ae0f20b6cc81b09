// OPA's rule index, as far as it changes answers. Before topdown evaluates
// the rules of a ref or function it looks them up in an index built from
// their bodies (ast/index.go): every non-negated expression without `with`
// that, after the compiler's rewriting, is an equality between a ground
// input ref and a scalar, a variable or an array (or between a function
// argument and a value) is a condition checked first. A clause whose
// condition fails -- the ref is undefined, or holds another scalar -- is
// never evaluated.
//
// Such a clause could never have succeeded, so the index changes no value;
// what it changes is that nothing the clause would have evaluated first can
// raise an error: `r { v := f(1); x := input.nope }` never calls f, so f's
// conflicting definitions go unnoticed, and the rule is just undefined.
//
// The equalities come from the rewriting OPA does before indexing: refs that
// are operands of calls, nested in composites, in keys of other refs, in the
// head's value or keys, or the domain of `every`, are bound to generated
// variables (`__local0__ = input.x`), so each ground input ref in those
// places must be defined; `input.x == "a"` / `input.x = "a"` must hold.
#pragma once

#include <vector>

#include "rules/rego/compiler/ir.h"

namespace tollgate::rego::compiler {

// The index conditions of one clause. args: the definition's argument
// patterns (function arguments that are plain variables can be tested);
// keys: the rule's key terms (partial sets and objects), checked with the
// main clause only.
std::vector<ir::IndexGuard> index_guards(const ir::Clause& clause, const std::vector<ir::Term>& args,
                                         const std::vector<ir::Term>* keys);

// The order OPA evaluates a group's definitions in: the order its index trie
// returns them. Refs are sorted, the most used by the group's clauses first,
// then by where each is first written; at each, definitions that do not
// test it come first, then those that need it defined, then those that need
// a scalar; definitions that test nothing come before all. Ties keep source
// order. Which definition comes second decides where a conflict is
// reported. Sets group.order and group.position (call after
// build_rule_index: the first-argument lists are re-sorted too).
void order_like_rule_index(ir::RuleGroup& group);

}  // namespace tollgate::rego::compiler
