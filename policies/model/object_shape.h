// The shape the API server gives every object it admits: a JSON object whose
// metadata, when present, is an object with string name/namespace and
// string-to-string labels and annotations. The API server refuses to decode
// anything else ("cannot unmarshal string into Go struct field
// .metadata of type v1.ObjectMeta"), so no real request carries it; one that
// does is refused rather than reviewed (matching and mutation read metadata
// and would see no labels, no name, nothing to match).
#pragma once

#include <string>

#include "rules/value/value.h"

namespace tollgate::policies {

// "" when `object` has that shape (or is null: no object), else why not
// ("metadata must be an object, got string").
std::string malformed_object_reason(const value::Value& object);

}  // namespace tollgate::policies
