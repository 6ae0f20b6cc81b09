// Walking a location through an object and changing what is there
// (gatekeeper-semantics.md §5.4), shared by every mutator kind; what is
// written at the end of the path is the Setter's business.
//
// Values are immutable: only the nodes along the changed path are rebuilt,
// everything else is shared with the input. A setter that writes what is
// already there still counts as a mutation (as in Gatekeeper) but leaves the
// object identical, so "did the object change" stays a pointer comparison.
#pragma once

#include <optional>
#include <string>

#include "policies/mutation/path.h"
#include "policies/mutation/path_tester.h"
#include "rules/value/value.h"

namespace tollgate::policies::mutation {

class Setter {
 public:
  virtual ~Setter() = default;
  // The new value of the field at the end of the location; `existing` is its
  // current value, nullptr when the field is absent. Leaving *out empty keeps
  // an absent field absent (still a mutation, as in Gatekeeper). False with
  // *error when the existing value cannot be mutated.
  virtual bool set_value(const value::Value* existing, std::optional<value::Value>* out, std::string* error) const = 0;
  // Whether the location may end in a keyed list (`x[name: a]`), i.e. the
  // setter provides whole list elements.
  virtual bool keyed_list_okay() const { return false; }
  // The element that replaces the selected one or is appended.
  virtual bool keyed_list_value(value::Value* out, std::string* error) const;
};

struct PathMutation {
  bool mutated = false;  // the setter ran somewhere
  bool failed = false;   // a type mismatch on the path, or the setter failed
  std::string error;
  value::Value object;  // the result (the input when not mutated)
};

// Applies `setter` at every place `location` selects in `object`, creating
// missing maps, lists and keyed elements on the way, unless `tester` says no.
PathMutation mutate_path(const Location& location, const PathTester& tester, const Setter& setter,
                         const value::Value& object);

// Go's %T of the JSON value a Kubernetes object would hold ("string",
// "[]interface {}", ...), for errors worded like Gatekeeper's.
std::string go_type_name(const value::Value& v);

}  // namespace tollgate::policies::mutation
