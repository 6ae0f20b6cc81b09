#include "rules/rego/arithmetic.h"

#include <cmath>
#include <vector>

#include "rules/rego/builtins/operands.h"
#include "rules/rego/go_float.h"
#include "rules/rego/number.h"
#include "rules/value/decimal.h"
#include "rules/value/number_format.h"

namespace tollgate::rego {

using value::Kind;
using value::Value;

namespace {

// Decimal exponents beyond this would make exact big-integer work explode
// (1e1000000 has a million digits); OPA has no such numbers in practice.
constexpr int64_t kMaxDecimalExponent = 10000;

GoFloat go_float_of_decimal(const value::Decimal& d) {
  if (d.point > kMaxDecimalExponent || d.point < -kMaxDecimalExponent) {
    throw_builtin_error("number too large for arithmetic");
  }
  return GoFloat::parse(d);
}

// How OPA's NumberToFloat reads the number's text.
GoFloat go_float_of(const Value& v) {
  switch (v.kind()) {
    case Kind::Int: return GoFloat::from_int(BigInt::from_int64(v.as_int()), 64);
    case Kind::Uint: return GoFloat::from_int(BigInt::from_uint64(v.as_uint()), 64);
    case Kind::Double: {
      double x = v.as_double();
      if (x == std::trunc(x) && std::fabs(x) < 9.2e18) {
        return GoFloat::from_int(BigInt::from_int64(static_cast<int64_t>(x)), 64);
      }
      // A Double stands for its shortest text (number.h), which is what OPA parses.
      value::Decimal d;
      if (!value::parse_decimal(value::format_double_g(x), &d, nullptr)) throw_builtin_error("number is not finite");
      return go_float_of_decimal(d);
    }
    case Kind::BigNum: {
      value::Decimal d;
      value::parse_decimal(v.as_string(), &d, nullptr);
      return go_float_of_decimal(d);
    }
    default: throw_builtin_error("not a number");
  }
}

Value from_go_float(const GoFloat& f) { return *number_from_text(f.number_text()); }

enum class Op { Add, Subtract, Multiply };

// OPA v1.5.1's plus, minus and mul: operands that are not small ints go
// through big.Float at 64 bits (NumberToFloat), integers too, so
// 1 + 18446744073709551616 is 18446744073709551616 there.
Value exact_or_float(const Value& a, const Value& b, Op op) {
  GoFloat x = go_float_of(a), y = go_float_of(b);
  switch (op) {
    case Op::Add: return from_go_float(GoFloat::add(x, y));
    case Op::Subtract: return from_go_float(GoFloat::sub(x, y));
    case Op::Multiply: break;
  }
  return from_go_float(GoFloat::mul(x, y));
}

const GoFloat& half() {
  static const GoFloat h = GoFloat::from_double(0.5);
  return h;
}

const GoFloat& one() {
  static const GoFloat o = GoFloat::from_double(1.0);
  return o;
}

}  // namespace

Value add_numbers(const Value& a, const Value& b) {
  int64_t r;
  if (a.is_int() && b.is_int() && !__builtin_add_overflow(a.as_int(), b.as_int(), &r)) return Value::integer(r);
  return exact_or_float(a, b, Op::Add);
}

Value subtract_numbers(const Value& a, const Value& b) {
  int64_t r;
  if (a.is_int() && b.is_int() && !__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return Value::integer(r);
  return exact_or_float(a, b, Op::Subtract);
}

Value multiply_numbers(const Value& a, const Value& b) {
  int64_t r;
  if (a.is_int() && b.is_int() && !__builtin_mul_overflow(a.as_int(), b.as_int(), &r)) return Value::integer(r);
  return exact_or_float(a, b, Op::Multiply);
}

Value divide_numbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int(), y = b.as_int();
    if (y == 0) throw_builtin_error("divide by zero");
    // A zero dividend takes the float path in OPA too (its quotient may be -0).
    if (x != 0 && !(x == INT64_MIN && y == -1) && x % y == 0) return Value::integer(x / y);
  }
  GoFloat x = go_float_of(a), y = go_float_of(b);
  if (y.is_zero()) throw_builtin_error("divide by zero");
  return from_go_float(GoFloat::quo(x, y));
}

Value remainder_numbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int(), y = b.as_int();
    if (y == 0) throw_builtin_error("modulo by zero");
    return Value::integer(y == -1 ? 0 : x % y);
  }
  GoFloat x = go_float_of(a), y = go_float_of(b);
  if (!x.is_int() || !y.is_int()) throw_builtin_error("modulo on floating-point number");
  // OPA v1.5.1's arithRem tests `b.Int64() == 0`, and Go's big.Int.Int64 is
  // the low 64 bits: a divisor that is a multiple of 2^64 (18446744073709551616)
  // is "modulo by zero" there too.
  const BigInt divisor = y.truncated();
  if (!divisor.any_bit_below(64)) throw_builtin_error("modulo by zero");
  BigInt remainder;
  BigInt::divide(x.truncated(), divisor, nullptr, &remainder);
  return number_from_big_int(remainder);
}

Value abs_number(const Value& x) {
  if (x.is_int() && x.as_int() != INT64_MIN) return Value::integer(x.as_int() < 0 ? -x.as_int() : x.as_int());
  return from_go_float(go_float_of(x).abs());
}

Value round_number(const Value& x) {
  if (x.is_int()) return x;
  GoFloat f = go_float_of(x);
  GoFloat shifted = f.signbit() ? GoFloat::sub(f, half()) : GoFloat::add(f, half());
  return from_go_float(GoFloat::from_int(shifted.truncated()));
}

Value ceil_number(const Value& x) {
  if (x.is_int()) return x;
  GoFloat f = go_float_of(x);
  GoFloat whole = GoFloat::from_int(f.truncated());
  if (whole.signbit() || compare(f, whole) == 0) return from_go_float(whole);
  return from_go_float(GoFloat::add(whole, one()));
}

Value floor_number(const Value& x) {
  if (x.is_int()) return x;
  GoFloat f = go_float_of(x);
  GoFloat whole = GoFloat::from_int(f.truncated());
  if (!whole.signbit() || compare(f, whole) == 0) return from_go_float(whole);
  return from_go_float(GoFloat::sub(whole, one()));
}

Value sum_numbers(std::span<const Value> xs) {
  int64_t total = 0;
  bool small = true;
  for (const Value& x : xs) {
    if (!x.is_int() || __builtin_add_overflow(total, x.as_int(), &total)) {
      small = false;
      break;
    }
  }
  if (small) return Value::integer(total);
  std::vector<GoFloat> floats;
  floats.reserve(xs.size());
  bool integers = true;
  for (const Value& x : xs) {
    floats.push_back(go_float_of(x));
    integers = integers && floats.back().is_int();
  }
  if (integers) {
    BigInt exact;
    for (const GoFloat& f : floats) exact = exact + f.truncated();
    return number_from_big_int(exact);
  }
  GoFloat acc;  // new(big.Float): its precision comes from the first operand
  for (const GoFloat& f : floats) acc = GoFloat::add(acc, f, acc.precision());
  return from_go_float(acc);
}

Value product_numbers(std::span<const Value> xs) {
  int64_t total = 1;
  bool small = true;
  for (const Value& x : xs) {
    if (!x.is_int() || __builtin_mul_overflow(total, x.as_int(), &total)) {
      small = false;
      break;
    }
  }
  if (small) return Value::integer(total);
  std::vector<GoFloat> floats;
  floats.reserve(xs.size());
  bool integers = true;
  for (const Value& x : xs) {
    floats.push_back(go_float_of(x));
    integers = integers && floats.back().is_int();
  }
  if (integers) {
    BigInt exact = BigInt::from_int64(1);
    for (const GoFloat& f : floats) exact = exact * f.truncated();
    return number_from_big_int(exact);
  }
  GoFloat acc = one();  // big.NewFloat(1): OPA multiplies at 53 bits
  for (const GoFloat& f : floats) acc = GoFloat::mul(acc, f, acc.precision());
  return from_go_float(acc);
}

std::optional<BigInt> number_to_big_int(const Value& x) {
  if (x.is_int()) return BigInt::from_int64(x.as_int());
  GoFloat f = go_float_of(x);
  if (!f.is_int()) return std::nullopt;
  return f.truncated();
}

Value number_from_big_int(const BigInt& i) {
  if (auto small = i.to_int64()) return Value::integer(*small);
  return Value::bignum(i.to_string());
}

}  // namespace tollgate::rego
