// Go's fmt.Sprintf over Rego values, as OPA's sprintf builtin runs it
// (rego-notes.md §7). Each argument is converted first, then printed with
// Go's verbs, flags, width and precision, byte for byte:
//   - a string stays a Go string (%s and %v print it raw, %q quotes it);
//   - an integral number becomes a Go int, or a *big.Int when it does not
//     fit 64 bits (all digits printed); any other number a float64, or its
//     literal text when too large for one;
//   - anything else (booleans, null, composites) its Rego text (value_text.h),
//     as a string.
// Mismatches print Go's way and never fail: %!d(string=foo), %!v(MISSING),
// %!(EXTRA int=1).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::rego {

std::string go_sprintf(std::string_view format, std::span<const value::Value> args);

// Go's strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G b x X;
// prec < 0 means the shortest digits that round-trip.
std::string go_format_float(double v, char fmt, int prec);

}  // namespace tollgate::rego
