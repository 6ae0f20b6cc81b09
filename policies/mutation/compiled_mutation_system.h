// Building a MutationSystem from already-parsed mutators (the loader does the
// parsing; tests can build systems directly).
#pragma once

#include <memory>
#include <vector>

#include "policies/mutation/mutation_system.h"
#include "policies/mutation/mutator.h"

namespace tollgate::policies::mutation {

// Orders the mutators as Gatekeeper does, finds schema conflicts once, and
// keeps the Namespaces used for namespaceSelector when a request brings none.
std::shared_ptr<const MutationSystem> build_mutation_system(std::vector<std::unique_ptr<const Mutator>> mutators,
                                                            std::vector<value::Value> namespaces);

}  // namespace tollgate::policies::mutation
