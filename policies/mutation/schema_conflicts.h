// Schema conflicts between mutators (gatekeeper-semantics.md §5.8). Every
// location implies part of the schema of the kinds a mutator binds to:
// `spec.containers[name: x].image` says spec is an object, containers a
// list keyed by name. Per (GVK, operation) binding the implied schemas of all
// Assign, ModifySet and AssignImage mutators are merged into one tree; a
// field implied as two different known types (object vs list vs set vs
// string; Assign's terminal is unknown and agrees with anything), or a list
// keyed by two different fields, puts every mutator that implies it in
// conflict. Conflicting mutators are not applied.
#pragma once

#include <string>
#include <vector>

#include "policies/mutation/mutator.h"

namespace tollgate::policies::mutation {

// For each mutator (same order): "" when it has no conflict, else why
// ("conflicting schemas at spec.containers for v1 Pod CREATE with ...").
std::vector<std::string> find_schema_conflicts(const std::vector<const Mutator*>& mutators);

}  // namespace tollgate::policies::mutation
