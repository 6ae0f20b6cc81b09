#include "rules/rego/big_int.h"

#include <algorithm>
#include <bit>

namespace tollgate::rego {

namespace {

using Limbs = std::vector<uint32_t>;

void trim(Limbs& a) {
  while (!a.empty() && a.back() == 0) a.pop_back();
}

int compare_magnitudes(const Limbs& a, const Limbs& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Limbs add_magnitudes(const Limbs& a, const Limbs& b) {
  const Limbs& longer = a.size() >= b.size() ? a : b;
  const Limbs& shorter = a.size() >= b.size() ? b : a;
  Limbs r(longer.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < longer.size(); ++i) {
    uint64_t s = uint64_t{longer[i]} + (i < shorter.size() ? shorter[i] : 0) + carry;
    r[i] = static_cast<uint32_t>(s);
    carry = s >> 32;
  }
  r[longer.size()] = static_cast<uint32_t>(carry);
  trim(r);
  return r;
}

// a - b for |a| >= |b|.
Limbs subtract_magnitudes(const Limbs& a, const Limbs& b) {
  Limbs r(a.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = int64_t{a[i]} - (i < b.size() ? b[i] : 0) - borrow;
    borrow = d < 0;
    r[i] = static_cast<uint32_t>(d + (borrow << 32));
  }
  trim(r);
  return r;
}

Limbs multiply_magnitudes(const Limbs& a, const Limbs& b) {
  if (a.empty() || b.empty()) return {};
  Limbs r(a.size() + b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t t = uint64_t{a[i]} * b[j] + r[i + j] + carry;
      r[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    r[i + b.size()] = static_cast<uint32_t>(carry);
  }
  trim(r);
  return r;
}

Limbs shift_left_magnitude(const Limbs& a, size_t n) {
  if (a.empty()) return {};
  size_t words = n / 32, bits = n % 32;
  Limbs r(a.size() + words + 1, 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t v = uint64_t{a[i]} << bits;
    r[i + words] |= static_cast<uint32_t>(v);
    r[i + words + 1] |= static_cast<uint32_t>(v >> 32);
  }
  trim(r);
  return r;
}

Limbs shift_right_magnitude(const Limbs& a, size_t n) {
  size_t words = n / 32, bits = n % 32;
  if (words >= a.size()) return {};
  Limbs r(a.size() - words);
  for (size_t i = 0; i < r.size(); ++i) {
    uint64_t v = a[i + words] >> bits;
    if (bits != 0 && i + words + 1 < a.size()) v |= uint64_t{a[i + words + 1]} << (32 - bits);
    r[i] = static_cast<uint32_t>(v);
  }
  trim(r);
  return r;
}

uint32_t divide_by_small(Limbs& a, uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = a.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | a[i];
    a[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  trim(a);
  return static_cast<uint32_t>(rem);
}

// Knuth's algorithm D (after Hacker's Delight, divmnu): u = q*v + r, v non-empty.
void divide_magnitudes(const Limbs& u, const Limbs& v, Limbs* q, Limbs* r) {
  if (compare_magnitudes(u, v) < 0) {
    *q = {};
    *r = u;
    return;
  }
  if (v.size() == 1) {
    Limbs quotient = u;
    uint32_t rem = divide_by_small(quotient, v[0]);
    *q = std::move(quotient);
    *r = rem ? Limbs{rem} : Limbs{};
    return;
  }
  const size_t m = u.size(), n = v.size();
  const int s = std::countl_zero(v.back());
  Limbs vn = shift_left_magnitude(v, s);
  vn.resize(n, 0);
  Limbs un = shift_left_magnitude(u, s);
  un.resize(m + 1, 0);
  Limbs quotient(m - n + 1, 0);
  constexpr uint64_t base = uint64_t{1} << 32;
  for (size_t j = m - n + 1; j-- > 0;) {
    uint64_t numerator = (uint64_t{un[j + n]} << 32) | un[j + n - 1];
    uint64_t qhat = numerator / vn[n - 1];
    uint64_t rhat = numerator % vn[n - 1];
    while (qhat >= base || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
      --qhat;
      rhat += vn[n - 1];
      if (rhat >= base) break;
    }
    int64_t borrow = 0;
    int64_t t = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = qhat * vn[i];
      t = int64_t{un[i + j]} - borrow - static_cast<int64_t>(p & 0xFFFFFFFFu);
      un[i + j] = static_cast<uint32_t>(t);
      borrow = static_cast<int64_t>(p >> 32) - (t >> 32);
    }
    t = int64_t{un[j + n]} - borrow;
    un[j + n] = static_cast<uint32_t>(t);
    quotient[j] = static_cast<uint32_t>(qhat);
    if (t < 0) {
      --quotient[j];
      uint64_t carry = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t sum = uint64_t{un[i + j]} + vn[i] + carry;
        un[i + j] = static_cast<uint32_t>(sum);
        carry = sum >> 32;
      }
      un[j + n] = static_cast<uint32_t>(un[j + n] + carry);
    }
  }
  trim(quotient);
  un.resize(n);
  trim(un);
  *q = std::move(quotient);
  *r = shift_right_magnitude(un, s);
}

// Two's complement of a value over `width` limbs.
Limbs to_twos_complement(bool negative, const Limbs& magnitude, size_t width) {
  Limbs r(width, 0);
  std::copy(magnitude.begin(), magnitude.end(), r.begin());
  if (negative) {
    uint64_t carry = 1;
    for (auto& limb : r) {
      uint64_t v = uint64_t{static_cast<uint32_t>(~limb)} + carry;
      limb = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
  }
  return r;
}

}  // namespace

BigInt BigInt::make(bool negative, Limbs limbs) {
  trim(limbs);
  BigInt r;
  r.negative_ = negative && !limbs.empty();
  r.limbs_ = std::move(limbs);
  return r;
}

BigInt BigInt::from_uint64(uint64_t v) {
  return make(false, {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)});
}

BigInt BigInt::from_int64(int64_t v) {
  uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  BigInt r = from_uint64(magnitude);
  r.negative_ = v < 0;
  return r;
}

BigInt BigInt::from_decimal_digits(std::string_view digits) {
  Limbs r;
  size_t i = 0;
  while (i < digits.size()) {
    size_t chunk = std::min<size_t>(9, digits.size() - i);
    uint32_t value = 0, scale = 1;
    for (size_t k = 0; k < chunk; ++k) {
      value = value * 10 + static_cast<uint32_t>(digits[i + k] - '0');
      scale *= 10;
    }
    uint64_t carry = value;
    for (auto& limb : r) {
      uint64_t t = uint64_t{limb} * scale + carry;
      limb = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry) r.push_back(static_cast<uint32_t>(carry));
    i += chunk;
  }
  return make(false, std::move(r));
}

std::optional<int64_t> BigInt::to_int64() const {
  if (limbs_.size() > 2) return std::nullopt;
  uint64_t m = 0;
  if (!limbs_.empty()) m = limbs_[0];
  if (limbs_.size() == 2) m |= uint64_t{limbs_[1]} << 32;
  if (negative_) {
    if (m > (uint64_t{1} << 63)) return std::nullopt;
    return static_cast<int64_t>(uint64_t{0} - m);
  }
  if (m > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(m);
}

std::string BigInt::to_string() const {
  if (limbs_.empty()) return "0";
  Limbs work = limbs_;
  std::vector<uint32_t> chunks;  // base 10^9, least significant first
  while (!work.empty()) chunks.push_back(divide_by_small(work, 1000000000u));
  std::string out = negative_ ? "-" : "";
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

size_t BigInt::bit_length() const {
  if (limbs_.empty()) return 0;
  return limbs_.size() * 32 - static_cast<size_t>(std::countl_zero(limbs_.back()));
}

size_t BigInt::trailing_zero_bits() const {
  for (size_t i = 0; i < limbs_.size(); ++i) {
    if (limbs_[i] != 0) return i * 32 + static_cast<size_t>(std::countr_zero(limbs_[i]));
  }
  return 0;
}

bool BigInt::bit(size_t i) const {
  size_t word = i / 32;
  return word < limbs_.size() && ((limbs_[word] >> (i % 32)) & 1u);
}

bool BigInt::any_bit_below(size_t n) const {
  size_t words = n / 32;
  for (size_t i = 0; i < words && i < limbs_.size(); ++i) {
    if (limbs_[i] != 0) return true;
  }
  if (words < limbs_.size() && n % 32 != 0) return (limbs_[words] & ((1u << (n % 32)) - 1)) != 0;
  return false;
}

BigInt BigInt::operator-() const {
  BigInt r = *this;
  r.negative_ = !negative_ && !limbs_.empty();
  return r;
}

BigInt operator+(const BigInt& a, const BigInt& b) {
  if (a.negative_ == b.negative_) return BigInt::make(a.negative_, add_magnitudes(a.limbs_, b.limbs_));
  int c = compare_magnitudes(a.limbs_, b.limbs_);
  if (c == 0) return BigInt();
  if (c > 0) return BigInt::make(a.negative_, subtract_magnitudes(a.limbs_, b.limbs_));
  return BigInt::make(b.negative_, subtract_magnitudes(b.limbs_, a.limbs_));
}

BigInt operator-(const BigInt& a, const BigInt& b) { return a + (-b); }

BigInt operator*(const BigInt& a, const BigInt& b) {
  return BigInt::make(a.negative_ != b.negative_, multiply_magnitudes(a.limbs_, b.limbs_));
}

void BigInt::divide(const BigInt& a, const BigInt& b, BigInt* quotient, BigInt* remainder) {
  Limbs q, r;
  divide_magnitudes(a.limbs_, b.limbs_, &q, &r);
  if (quotient) *quotient = make(a.negative_ != b.negative_, std::move(q));
  if (remainder) *remainder = make(a.negative_, std::move(r));
}

BigInt BigInt::magnitude_shl(size_t n) const { return make(negative_, shift_left_magnitude(limbs_, n)); }
BigInt BigInt::magnitude_shr(size_t n) const { return make(negative_, shift_right_magnitude(limbs_, n)); }

BigInt BigInt::bitwise(const BigInt& a, const BigInt& b, BitOp op) {
  size_t width = std::max(a.limbs_.size(), b.limbs_.size()) + 1;
  Limbs x = to_twos_complement(a.negative_, a.limbs_, width);
  Limbs y = to_twos_complement(b.negative_, b.limbs_, width);
  Limbs r(width);
  bool negative = false;
  for (size_t i = 0; i < width; ++i) {
    switch (op) {
      case BitOp::And: r[i] = x[i] & y[i]; break;
      case BitOp::Or: r[i] = x[i] | y[i]; break;
      case BitOp::Xor: r[i] = x[i] ^ y[i]; break;
    }
  }
  switch (op) {
    case BitOp::And: negative = a.negative_ && b.negative_; break;
    case BitOp::Or: negative = a.negative_ || b.negative_; break;
    case BitOp::Xor: negative = a.negative_ != b.negative_; break;
  }
  // The sign bit of the widened result says the same; negate back to a magnitude.
  if (negative) r = to_twos_complement(true, r, width);
  return make(negative, std::move(r));
}

BigInt BigInt::bit_and(const BigInt& a, const BigInt& b) { return bitwise(a, b, BitOp::And); }
BigInt BigInt::bit_or(const BigInt& a, const BigInt& b) { return bitwise(a, b, BitOp::Or); }
BigInt BigInt::bit_xor(const BigInt& a, const BigInt& b) { return bitwise(a, b, BitOp::Xor); }

BigInt BigInt::bit_not(const BigInt& a) { return -a - from_int64(1); }

BigInt BigInt::shift_left(const BigInt& a, size_t n) { return a.magnitude_shl(n); }

BigInt BigInt::shift_right(const BigInt& a, size_t n) {
  if (!a.negative_) return a.magnitude_shr(n);
  // floor(a / 2^n) for negative a: -(((|a| - 1) >> n) + 1).
  BigInt m = a.abs() - from_int64(1);
  return -(m.magnitude_shr(n) + from_int64(1));
}

int compare(const BigInt& a, const BigInt& b) {
  if (a.negative_ != b.negative_) return a.negative_ ? -1 : 1;
  int c = compare_magnitudes(a.limbs_, b.limbs_);
  return a.negative_ ? -c : c;
}

}  // namespace tollgate::rego
