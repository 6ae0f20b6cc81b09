// MutatingAdmissionPolicy's ApplyConfiguration (vap-semantics.md §5.2): the
// `Object{...}` value a mutation's CEL expression returns, checked (every
// nested Object's type name must follow its field path), converted to JSON
// and merged into the object the way structured-merge-diff merges an apply
// configuration (no ownership, nothing removed): objects field by field,
// keyed lists by key, sets by union; a configuration that sets an atomic
// list, map or struct is refused. Which fields are keyed or atomic comes
// from policies/vap/merge_schema.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::vap {

struct MutationOutcome {
  value::Value object;              // the mutated object (the input on error)
  std::optional<std::string> error; // the API server's text, e.g. "error applying patch: ..."
  bool ok() const { return !error.has_value(); }
};

// `configuration` is the CEL result (an `Object` struct value).
MutationOutcome apply_configuration(const value::Value& object, const value::Value& configuration);

// Shared with JSONPatch values: the type-name check of Object values
// ("unexpected type name ..." lines, empty when they all match) and the
// conversion of a CEL value to JSON (Object values become objects).
std::vector<std::string> object_type_name_errors(const value::Value& cel_value);
std::optional<std::string> cel_value_to_json(const value::Value& cel_value, value::Value* out);

}  // namespace tollgate::policies::vap
