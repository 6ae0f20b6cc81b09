// Loading the mutators of a policy set: each object of group
// mutations.gatekeeper.sh parsed and validated, with errors located at
// file:line:col like every other policy object; duplicates are errors.
#pragma once

#include <memory>
#include <vector>

#include "policies/model/loader.h"
#include "policies/mutation/mutation_system.h"

namespace tollgate::policies::mutation {

// Returns the system even when some mutators failed (the caller discards the
// whole policy set on any error).
std::shared_ptr<const MutationSystem> load_mutation_system(const std::vector<const LoadedObject*>& objects,
                                                           std::vector<value::Value> namespaces,
                                                           std::vector<LoadError>& errors);

}  // namespace tollgate::policies::mutation
