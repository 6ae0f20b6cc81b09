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
std::optional<value::Value> number_from_text(std::string_view text);

// The canonical form of any numeric Value (Uint, integral Double, BigNum that
// fits int64, ...); non-numbers are returned unchanged.
value::Value canonical_number(const value::Value& v);

// OPA's text for a number: integers in full, other values in Go's shortest
// 'g' form of the double, big decimals as their text.
std::string number_text(const value::Value& v);

}  // namespace tollgate::rego
