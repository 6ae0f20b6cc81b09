// Rule indexing: what lets evaluation skip definitions that cannot match.
//   - functions: definitions by the constant value of their first argument
//     (mem_multiple("Ki") = ..., one of many), so a call tries only the
//     definitions with that constant plus those with a variable there;
//   - every rule: the constant value a definition always gives, so a
//     complete rule or function stops at its first solution and skips
//     definitions that could only repeat the value already found.
#pragma once

#include <cstdint>
#include <vector>

#include "rules/rego/compiler/ir.h"

namespace tollgate::rego::compiler {

void build_rule_index(ir::RuleGroup& group);

// The definitions of a function worth trying for a first argument, in
// definition order (all of them when the group is not indexed).
void index_candidates(const ir::RuleGroup& group, const value::Value& first_arg, std::vector<uint32_t>& out);

}  // namespace tollgate::rego::compiler
