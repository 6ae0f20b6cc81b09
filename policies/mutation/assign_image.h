// AssignImage (gatekeeper-semantics.md §5.6, v1alpha1): rewrites parts of an
// image reference string — domain, path and/or tag — keeping the others.
#pragma once

#include <memory>

#include "policies/model/parse_context.h"
#include "policies/mutation/mutator.h"

namespace tollgate::policies::mutation {

std::unique_ptr<const Mutator> parse_assign_image(const value::Value& object, ParseContext& ctx);

}  // namespace tollgate::policies::mutation
