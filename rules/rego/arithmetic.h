// Rego number arithmetic with OPA's results (rego-notes.md §3).
//
// Two int64 operands take an exact, allocation-free path. Anything else goes
// the way OPA goes: the operands are read as Go big.Floats (64-bit mantissa);
// when both are integers the operation is exact on big integers, otherwise
// it is a rounded big.Float operation printed with the fewest digits (see
// go_float.h). Results are canonical numbers (number.h).
//
// Operands must be numbers: callers check types and report operand errors.
// Bad values throw BuiltinError(Builtin) with OPA's messages: "divide by
// zero", "modulo by zero", "modulo on floating-point number".
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "rules/rego/big_int.h"
#include "rules/value/value.h"

namespace tollgate::rego {

value::Value add_numbers(const value::Value& a, const value::Value& b);
value::Value subtract_numbers(const value::Value& a, const value::Value& b);
value::Value multiply_numbers(const value::Value& a, const value::Value& b);
value::Value divide_numbers(const value::Value& a, const value::Value& b);
value::Value remainder_numbers(const value::Value& a, const value::Value& b);  // truncated, sign of a

value::Value abs_number(const value::Value& x);
// round half away from zero; ceil and floor. As OPA, ceil and floor of a
// value strictly between -1 and 0 give 1 and 0 (Go's Int truncates to +0).
value::Value round_number(const value::Value& x);
value::Value ceil_number(const value::Value& x);
value::Value floor_number(const value::Value& x);

// sum(xs) and product(xs) of numbers.
value::Value sum_numbers(std::span<const value::Value> xs);
value::Value product_numbers(std::span<const value::Value> xs);

// OPA's NumberToInt: the integer a number denotes once read at 64-bit
// precision (so integers past 2^64 lose low digits, as in OPA); nullopt when
// the number is not an integer.
std::optional<BigInt> number_to_big_int(const value::Value& x);
value::Value number_from_big_int(const BigInt& i);

}  // namespace tollgate::rego
