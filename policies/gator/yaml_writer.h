// Values written as block-style YAML, the way tollgate's commands print
// objects (gator test -o yaml, tollgate mutate). Strings are written as JSON
// double-quoted scalars, which YAML reads back unchanged, so that "yes",
// "1.0" or "null" stay strings, and multi-line strings (CEL, Rego, messages)
// as literal block scalars where those read back unchanged; keys are plain
// when that is unambiguous.
#pragma once

#include <string>

#include "rules/value/value.h"

namespace tollgate::policies::gator {

using value::Value;

// True for what is written as an indented block (a non-empty object or
// array) rather than on the line of its key.
bool is_yaml_block(const Value& v);
// A value that is not a block, in flow style: JSON scalars, {} and [].
std::string yaml_flow_scalar(const Value& v);
// Appends a block (non-empty object or array), every line indented by
// `indent` spaces.
void append_yaml_block(const Value& v, int indent, std::string& out);
// One YAML document (without a `---` marker), ending in a newline.
std::string to_yaml(const Value& v);

}  // namespace tollgate::policies::gator
