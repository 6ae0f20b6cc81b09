// `'<fmt>'.format(list)` as cel-go v0.22's ext.Strings runs it for Kubernetes
// 1.32 (ext/formatting.go, the "v1" formatter), quirks included:
//   %s  lists and maps print as CEL literals ("[1.000000, \"x\"]",
//       {"a":1}), scalars as string() would;
//   %f  en_US grouping: 1234.5 with %.2f is "1,234.50";
//   %e  x/text's localized form, always 6 digits (the precision is passed as
//       a width): 1234.5678 is "1.234568×10⁰³";
//   %d %b %o %x %X  integers (%b bools, %x strings and bytes too).
// Environment::standard() keeps the cel-spec formatter (stdlib_strings.cpp).
#pragma once

#include <span>

#include "rules/cel/cel_types.h"

namespace tollgate::cel {

Result format_v1(std::span<const Value> args);

}  // namespace tollgate::cel
