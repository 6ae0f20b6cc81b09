// AssignMetadata (gatekeeper-semantics.md §5.6): adds one label or annotation
// (`metadata.labels.<key>` / `metadata.annotations.<key>`) with a string value
// or the object's name/namespace. Add only: a key that is already set is left
// alone. It has no applyTo, no pathTests and no schema.
#pragma once

#include <memory>

#include "policies/model/parse_context.h"
#include "policies/mutation/mutator.h"

namespace tollgate::policies::mutation {

std::unique_ptr<const Mutator> parse_assign_metadata(const value::Value& object, ParseContext& ctx);

}  // namespace tollgate::policies::mutation
