// A CEL result as JSON that keeps its CEL type: what `tollgate eval --cel`
// prints and what the cel-differential corpus records for cel-go's answers.
//
//   {"type": "double", "value": 1.0}
//   {"type": "optional_type", "value": {"optional": null}}
//   {"type": "google.protobuf.Duration", "value": "1.5s"}
//
// Doubles always print as doubles (1.0, never 1; NaN and infinities as the
// strings "NaN", "Infinity", "-Infinity"), uints as unsigned numbers, bytes
// in base64, durations, timestamps and the Kubernetes types (Quantity, IP,
// CIDR, URL, Semver) as their string form, optionals as {"optional": v|null},
// map keys as text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "rules/value/value.h"

namespace tollgate::cel {

// The value part.
nlohmann::json typed_json_value(const value::Value& v);

// {"type": <runtime type name>, "value": <typed_json_value>}.
nlohmann::json typed_json(const value::Value& v);

// Compares a recorded JSON value with one from typed_json_value: numbers by
// value and kind (a JSON float only matches a double, a JSON integer only an
// int or uint), "NaN" matches "NaN" (and a recorded null, which is how JSON
// writers without NaN record it), objects by key set, lists in order.
bool typed_json_equal(const nlohmann::json& expected, const nlohmann::json& actual);

}  // namespace tollgate::cel
