// JSON in and out of the value model.
//
// parse_json() is the request hot path: simdjson parses straight into Values,
// once. JSON integers that fit int64 become Int, other numbers Double (what
// Kubernetes' unstructured decoding does); integers beyond int64 become
// BigNum so that Rego keeps their precision.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::value {

struct JsonError {
  std::string message;  // e.g. "unclosed string"
  size_t offset = 0;    // byte offset, when known
};

// Parses one JSON document. On failure returns false and fills *error.
bool parse_json(std::string_view text, Value* out, JsonError* error);
// Throws std::runtime_error on failure (for tests and tools).
Value parse_json_or_throw(std::string_view text);
// Like parse_json, but a number whose text differs from how its value prints
// keeps that text (1.0, 2.50, 1e2: Value::number_with_text), as OPA reads
// JSON with UseNumber (`opa eval` input and data, json.unmarshal). Not the
// hot path: Gatekeeper decodes admission requests into float64, which is
// what parse_json gives.
bool parse_json_keeping_number_text(std::string_view text, Value* out, JsonError* error);

// Compact JSON, object keys in sorted order (as Go's encoder writes maps).
// Doubles print in the shortest form that round-trips; integral doubles
// print without a fraction ("3", "1e+21"). Sets print as arrays; opaque
// values print as their debug_string() in a JSON string.
std::string to_json(const Value& v);
void append_json(const Value& v, std::string& out);
// Indented JSON (2 spaces) for human output.
std::string to_json_pretty(const Value& v);
// Writes a JSON string literal (with quotes) for s into out.
void append_json_string(std::string_view s, std::string& out);

// Conversions to and from nlohmann::json, for code off the hot path.
Value from_nlohmann(const nlohmann::json& j);
nlohmann::json to_nlohmann(const Value& v);

}  // namespace tollgate::value
