// Assign (gatekeeper-semantics.md §5.6): writes a value, or the object's
// name/namespace, at a location outside metadata, creating what is missing on
// the way; a location ending in `[key: value]` replaces or appends a whole
// list element.
#pragma once

#include <memory>

#include "policies/model/parse_context.h"
#include "policies/mutation/mutator.h"

namespace tollgate::policies::mutation {

std::unique_ptr<const Mutator> parse_assign(const value::Value& object, ParseContext& ctx);

}  // namespace tollgate::policies::mutation
