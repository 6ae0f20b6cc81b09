// JSON paths and JSON Patch (RFC 6902) on Rego values, as OPA's json.*
// builtins see them: a path is "a/b/0" (JSON pointer, leading '/' optional,
// ~1 and ~0 escapes) or an array of segments of any type.
#pragma once

#include <optional>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego {

// The segments of a path given as a string or an array; nullopt for other types.
std::optional<std::vector<value::Value>> json_path_segments(const value::Value& path);

// Applies a JSON Patch (an array of operation objects: add, remove, replace,
// move, copy, test) to any value. nullopt when an operation fails: a missing
// or malformed member, a path that does not exist, a failed test — OPA's
// json.patch is then undefined. Sets take part too: a set element is its own
// key, and adding to a set needs the key and the value to be equal.
std::optional<value::Value> apply_json_patch(const value::Value& target, const value::Value& operations);

}  // namespace tollgate::rego
