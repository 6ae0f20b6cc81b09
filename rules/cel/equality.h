// CEL runtime equality and ordering (cel-go semantics): heterogeneous
// equality that never fails, exact cross-kind numeric comparison, NaN unequal
// to everything and unordered.
#pragma once

#include <optional>

#include "rules/value/value.h"

namespace tollgate::cel {

using value::Value;

// `a == b` at run time. Different kinds are unequal, except numbers, which
// compare by value across int, uint and double.
bool cel_equals(const Value& a, const Value& b);

// Ordering for `<` and friends: -1, 0 or 1; nullopt when the two values
// cannot be ordered (mixed non-numeric kinds, lists, maps, null, NaN).
std::optional<int> cel_compare(const Value& a, const Value& b);

// Exact numeric comparison of int/uint/double values (BigNum as double);
// nullopt when either side is NaN.
std::optional<int> compare_numbers(const Value& a, const Value& b);

inline bool is_cel_number(const Value& v) {
  return v.is_int() || v.is_uint() || v.is_double() || v.is_bignum();
}

}  // namespace tollgate::cel
