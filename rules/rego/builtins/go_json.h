// Rego values to and from JSON the way OPA's json.* builtins do it with Go's
// encoding/json: ast.JSON first (sets become sorted arrays, non-string
// object keys their JSON text), then json.Marshal (keys sorted bytewise,
// <, > and & escaped as \u003c..., invalid UTF-8 as \ufffd, U+2028/2029
// escaped). Parsing keeps each number's exact value (Go's UseNumber) and
// reports Go's error messages.
#pragma once

#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::rego {

// json.Marshal, or json.MarshalIndent(v, prefix, indent) when pretty (the
// first line carries no prefix, as in Go).
std::string go_json_marshal(const value::Value& v, bool pretty = false, std::string_view prefix = {},
                            std::string_view indent = {});

// One JSON document (surrounded by optional whitespace). On failure returns
// false and sets *error to Go's message ("invalid character 'x' looking for
// beginning of value", "unexpected EOF", ...).
bool go_json_parse(std::string_view text, value::Value* out, std::string* error);

}  // namespace tollgate::rego
