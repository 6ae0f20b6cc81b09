// Go's math/big.Float, as far as OPA's number builtins use it.
//
// OPA computes every non-int64 result (1 / 3, 0.1 + 0.2, 2.5 * 1.5, round,
// sum of decimals) on big.Float: the operand text is parsed into a binary
// float with a 64-bit mantissa, the operation is rounded to the nearest even
// at the result's precision, and the result is printed with the fewest
// digits that identify it at that precision ('g' form, or 'f' form for
// integral values). Emulating that bit for bit is what makes Tollgate print
// 0.3333333333333333333 for 1 / 3, as OPA does.
#pragma once

#include <cstdint>
#include <string>

#include "rules/rego/big_int.h"
#include "rules/value/decimal.h"

namespace tollgate::rego {

class GoFloat {
 public:
  GoFloat() = default;  // +0 with precision 0, as new(big.Float)

  // new(big.Float).SetString(text) for decimal text: precision 64, Go's own
  // scanning algorithm (so also its rounding for very long or extreme inputs).
  static GoFloat parse(const value::Decimal& d);
  // SetInt: precision max(bit length, 64) unless given (then rounded to it).
  static GoFloat from_int(const BigInt& i, uint32_t precision = 0);
  // big.NewFloat(x): the exact double, precision 53.
  static GoFloat from_double(double x);

  uint32_t precision() const { return precision_; }
  bool is_zero() const { return mantissa_.is_zero(); }
  bool signbit() const { return negative_; }
  bool is_int() const { return mantissa_.is_zero() || exponent_ >= 0; }
  // Int(nil): the integer part, truncated towards zero.
  BigInt truncated() const;
  GoFloat abs() const { GoFloat r = *this; r.negative_ = false; return r; }

  // z.Op(x, y) for a z of the given precision (0: the larger of x's and y's).
  static GoFloat add(const GoFloat& x, const GoFloat& y, uint32_t precision = 0);
  static GoFloat sub(const GoFloat& x, const GoFloat& y, uint32_t precision = 0);
  static GoFloat mul(const GoFloat& x, const GoFloat& y, uint32_t precision = 0);
  static GoFloat quo(const GoFloat& x, const GoFloat& y, uint32_t precision = 0);  // y != 0

  friend int compare(const GoFloat& a, const GoFloat& b);  // Cmp: -1, 0, 1

  // x.Text(format, -1) for format 'g' or 'f'.
  std::string text_shortest(char format) const;
  // OPA's FloatToNumber: 'f' for integral values, 'g' otherwise.
  std::string number_text() const { return text_shortest(is_int() ? 'f' : 'g'); }

 private:
  // Rounds the exact value mantissa_ * 2^exponent_ (plus a nonzero tail below
  // it when `sticky`) to `precision` bits, nearest even.
  void round_to(uint32_t precision, bool sticky = false);
  static GoFloat add_signed(const GoFloat& x, const GoFloat& y, bool negate_y, uint32_t precision);

  bool negative_ = false;
  BigInt mantissa_;        // non-negative; odd (or zero) once rounded
  int64_t exponent_ = 0;   // value = mantissa_ * 2^exponent_
  uint32_t precision_ = 0;
};

}  // namespace tollgate::rego
