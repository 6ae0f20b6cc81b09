// A signed arbitrary-precision integer with just the operations Kubernetes'
// resource.Quantity needs for its inf.Dec fallback (Go's math/big.Int role):
// decimal text in and out, add, subtract, scaling by powers of 10 and 2,
// division by small numbers and exact comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel::k8s {

class BigInt {
 public:
  BigInt() = default;
  static BigInt from_int64(int64_t v);
  // Unsigned decimal digits only ("" is zero).
  static BigInt from_digits(std::string_view digits);

  bool is_zero() const { return limbs_.empty(); }
  bool negative() const { return negative_; }
  int sign() const { return is_zero() ? 0 : (negative_ ? -1 : 1); }
  BigInt negated() const;
  BigInt abs() const;

  BigInt operator+(const BigInt& o) const;
  BigInt operator-(const BigInt& o) const;
  void mul_small(uint32_t m);
  void add_small(uint32_t a);  // adds to the magnitude
  void mul_pow10(uint64_t n);
  void shift_left(uint64_t bits);
  // Divides the magnitude by d (d > 0), returns the remainder.
  uint32_t divmod_small(uint32_t d);
  // Divides the magnitude by 10^n; true when a non-zero remainder was dropped.
  bool div_pow10(uint64_t n);

  // -1, 0, 1 by value; and by magnitude.
  int compare(const BigInt& o) const;
  int compare_abs(const BigInt& o) const;

  std::optional<int64_t> to_int64() const;
  // Correctly rounded (ties to even); +-inf beyond the double range.
  double to_double() const;
  std::string to_string() const;
  // Number of decimal digits of the magnitude (0 for zero).
  size_t decimal_digits() const;

 private:
  void trim();
  static int compare_limbs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
  static std::vector<uint32_t> add_limbs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
  // a - b, requires |a| >= |b|.
  static std::vector<uint32_t> sub_limbs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

  bool negative_ = false;
  std::vector<uint32_t> limbs_;  // little-endian base 2^32 magnitude, no high zero limbs
};

}  // namespace tollgate::cel::k8s
