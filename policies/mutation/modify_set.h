// ModifySet (gatekeeper-semantics.md §5.6): treats the list at a location as
// a set. `merge` (the default) appends the listed values that are not there
// yet (deep equality) and creates the list when missing; `prune` removes
// every element equal to a listed value.
#pragma once

#include <memory>

#include "policies/model/parse_context.h"
#include "policies/mutation/mutator.h"

namespace tollgate::policies::mutation {

std::unique_ptr<const Mutator> parse_modify_set(const value::Value& object, ParseContext& ctx);

}  // namespace tollgate::policies::mutation
