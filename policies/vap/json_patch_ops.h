// JSON Patch (RFC 6902) as MutatingAdmissionPolicy applies it
// (vap-semantics.md §5.3): the operations a `list(JSONPatch)` CEL value
// yields, applied to the object with gopkg.in/evanphx/json-patch.v4's
// semantics and error texts (a failed `test` discards the whole patch;
// `add` replaces an existing member; `replace` of a missing object member
// adds it; `-` is the end of an array for add, copy and move only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::vap {

struct JsonPatchOperation {
  std::string op;
  std::string path;
  std::string from;  // "" = not given
  bool has_value = false;
  value::Value value;
};

struct JsonPatchResult {
  value::Value object;              // the patched object (the input when a test failed)
  bool test_failed = false;         // a `test` failed: the patch was discarded
  std::optional<std::string> error; // the library's error, e.g. "replace operation does not apply: ..."
  bool ok() const { return !error.has_value(); }
};

JsonPatchResult apply_json_patch(const value::Value& document, const std::vector<JsonPatchOperation>& operations);

// RFC 6901 reference token decoding as the library does it: one pass,
// "~1" -> "/", "~0" -> "~".
std::string decode_pointer_token(std::string_view token);

}  // namespace tollgate::policies::vap
