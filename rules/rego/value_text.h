// A value as Rego literal text, the way OPA prints terms: sprintf's %v of
// composites, error messages, --explain traces.
//
//   ["there", 5, 3.14]   {"a": 1, "b": [2]}   {"a", "b"}   set()   {}
//
// Strings are double-quoted with Go's escapes (strconv.Quote); numbers print
// as their Rego text (number.h); object keys and set members in sorted order.
#pragma once

#include <string>

#include "rules/value/value.h"

namespace tollgate::rego {

std::string rego_text(const value::Value& v);
void append_rego_text(const value::Value& v, std::string& out);

}  // namespace tollgate::rego
