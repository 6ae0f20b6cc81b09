// gator expand (gatekeeper-expansion.md §6.2): every input object is a
// candidate generator. The ExpansionTemplates, mutators and Namespaces
// among the inputs make the expander; each object, with the Namespace gator
// gives it (namespace_context.h), is first mutated by the mutators for
// Original objects, then expanded. The resultants of all objects come out
// sorted by name + apiVersion + kind, descending, as gator prints them.
#pragma once

#include <string>
#include <vector>

#include "policies/gator/object_reader.h"

namespace tollgate::policies::gator {

struct ExpandRunReport {
  std::vector<Value> resultants;
  std::string error;  // gator's text; nothing was expanded then
};

ExpandRunReport run_gator_expand(const std::vector<SourcedObject>& inputs);

}  // namespace tollgate::policies::gator
