// Rego numbers on the shared value model (rego-notes.md §3).
//
// Canonical representation, so that every producer (parser, JSON input,
// to_number, arithmetic) agrees and printing matches OPA:
//   - an integral value that fits int64            -> Kind::Int
//   - a non-integral value whose shortest double text denotes it exactly
//     (3.14, 0.5, 1e-7)                            -> Kind::Double
//   - anything else (10^21, 28857836529306024611913, 0.1000000000000000000001)
//                                                  -> Kind::BigNum with canonical decimal text
// Equality and ordering across these kinds are exact (value::compare).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::rego {

// Number from Rego/JSON number text (also accepts a leading '+', as Go's
// ParseFloat does for to_number); nullopt when the text is not a number.
// Text that prints differently from the value's canonical form ("1.0",
// "2.50", "1e2", "1e-7") is kept as written (Value::number_with_text), as
// OPA keeps a json.Number's text.
std::optional<value::Value> number_from_text(std::string_view text);

// Whether OPA reads the number as an integer (json.Number.Int64 succeeds:
// text without '.', 'e' or 'E'); 1.0 and 1e2 are not, 1 is. Int and Uint
// always are; a Double when it is integral and within int64 (as Go's
// FormatFloat prints a float64 input value).
bool integer_text(const value::Value& v);

// The canonical form of any numeric Value (Uint, integral Double, BigNum that
// fits int64, ...); non-numbers are returned unchanged.
value::Value canonical_number(const value::Value& v);

// OPA's text for a number: integers in full, other values in Go's shortest
// 'g' form of the double, big decimals as their text.
std::string number_text(const value::Value& v);

// OPA finds a number among set members and object keys by hash, and there
// an integer (2) finds only an integer (2, not 2.0), while any other number
// finds every number equal to it (2.0 finds 2): `2 in {2.0}` and
// `{2.0: "x"}[2]` are undefined. Other values are found by value.
bool opa_key_finds(const value::Value& probe, const value::Value& stored);
// Set membership and object lookup under that rule (nullptr: no such key).
bool opa_set_contains(const value::Value& set, const value::Value& x);
const value::Value* opa_object_get(const value::Value& object, const value::Value& key);

}  // namespace tollgate::rego
