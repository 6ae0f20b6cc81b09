// Values written as gator expand writes them (gatekeeper-expansion.md §6.2,
// §6.4). YAML: the object goes through JSON (numbers become doubles) into go-yaml
// v2's emitter: block style, two-space indent, sequence items at their
// key's indentation, keys in go-yaml's "natural" order, strings plain
// unless YAML 1.1 would read them as something else (then double-quoted)
// or they cannot be plain (then single-quoted), multi-line strings as
// literal blocks, numbers in Go's shortest %g form (1e+06).
#pragma once

#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::policies::gator {

using value::Value;

// A string as Go's encoding/json writes it, quotes included: <, >, & and
// control characters as \u00XX, U+2028/U+2029 escaped (test_report.cpp).
void append_go_json_string(std::string_view s, std::string& out);

// One document, ending in a newline, without `---`.
std::string to_go_yaml(const Value& v);

// Go's json.MarshalIndent(v, "", "    "): keys sorted byte-wise, four-space
// indent, <, > and & escaped as \u003c, \u003e, \u0026, no final newline.
std::string to_go_json(const Value& v);

// gopkg.in/yaml.v3's Marshal (what gator test -o yaml uses): four-space
// indentation aligned to multiples of four, except that what a sequence item
// holds starts two columns after its "- "; sequences indented under their
// key; the same key order, quoting rules and numbers as to_go_yaml; plain
// and quoted strings folded at a space once past column 80.
std::string to_go_yaml_v3(const Value& v);
// The value of a yaml.v3 mapping entry whose key is written at column
// `key_indent` and is followed by ":": " <scalar>\n", or "\n" and the block.
// Lets a caller write Go structs (fields in declaration order) around maps.
// Numbers are float64s (%g: 1e+06) unless `int64s`, when one written as an
// integer stays one, as in an Unstructured decoded from JSON.
void append_go_yaml_v3_value(const Value& v, int key_indent, std::string& out, bool int64s = false);

// go-yaml v2's key order: true when `a` sorts before `b`.
bool go_yaml_key_less(const std::string& a, const std::string& b);

}  // namespace tollgate::policies::gator
