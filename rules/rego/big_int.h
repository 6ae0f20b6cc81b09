// Arbitrary-precision signed integers: what Go's math/big.Int does for OPA
// (integer arithmetic past int64, bits.*, numbers.range over big bounds, and
// the mantissas of GoFloat). Sign and magnitude; bitwise operations behave as
// on infinite two's complement, as Go's do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

class BigInt {
 public:
  BigInt() = default;
  static BigInt from_int64(int64_t v);
  static BigInt from_uint64(uint64_t v);
  // Plain decimal digits without sign ("000123" is 123); empty is zero.
  static BigInt from_decimal_digits(std::string_view digits);

  bool is_zero() const { return limbs_.empty(); }
  bool is_negative() const { return negative_; }
  int sign() const { return limbs_.empty() ? 0 : (negative_ ? -1 : 1); }
  std::optional<int64_t> to_int64() const;
  std::string to_string() const;  // decimal, '-' when negative

  // Of the magnitude.
  size_t bit_length() const;
  size_t trailing_zero_bits() const;  // 0 for zero
  bool bit(size_t i) const;
  // True when any bit of the magnitude below position n is set.
  bool any_bit_below(size_t n) const;

  BigInt abs() const { BigInt r = *this; r.negative_ = false; return r; }
  BigInt operator-() const;

  friend BigInt operator+(const BigInt& a, const BigInt& b);
  friend BigInt operator-(const BigInt& a, const BigInt& b);
  friend BigInt operator*(const BigInt& a, const BigInt& b);
  // Truncated division, as Go's Quo and Rem (and C++'s / and %); b != 0.
  static void divide(const BigInt& a, const BigInt& b, BigInt* quotient, BigInt* remainder);

  // Magnitude shifts that keep the sign (|a| * 2^n, |a| / 2^n truncated).
  BigInt magnitude_shl(size_t n) const;
  BigInt magnitude_shr(size_t n) const;

  // Two's complement semantics on negative values (Go's And, Or, Xor, Not,
  // Lsh, Rsh; Rsh rounds towards negative infinity).
  static BigInt bit_and(const BigInt& a, const BigInt& b);
  static BigInt bit_or(const BigInt& a, const BigInt& b);
  static BigInt bit_xor(const BigInt& a, const BigInt& b);
  static BigInt bit_not(const BigInt& a);
  static BigInt shift_left(const BigInt& a, size_t n);
  static BigInt shift_right(const BigInt& a, size_t n);

  friend int compare(const BigInt& a, const BigInt& b);  // -1, 0, 1
  friend bool operator==(const BigInt& a, const BigInt& b) { return compare(a, b) == 0; }
  friend bool operator<(const BigInt& a, const BigInt& b) { return compare(a, b) < 0; }

 private:
  using Limbs = std::vector<uint32_t>;  // little-endian, no leading zero limbs
  enum class BitOp { And, Or, Xor };
  static BigInt make(bool negative, Limbs limbs);
  static BigInt bitwise(const BigInt& a, const BigInt& b, BitOp op);

  bool negative_ = false;
  Limbs limbs_;
};

}  // namespace tollgate::rego
