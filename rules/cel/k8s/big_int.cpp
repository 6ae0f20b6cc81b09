#include "rules/cel/k8s/big_int.h"

#include <algorithm>
#include <cstdlib>

namespace tollgate::cel::k8s {

BigInt BigInt::from_int64(int64_t v) {
  BigInt r;
  uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  r.negative_ = v < 0;
  while (mag != 0) {
    r.limbs_.push_back(uint32_t(mag));
    mag >>= 32;
  }
  return r;
}

BigInt BigInt::from_digits(std::string_view digits) {
  BigInt r;
  // Nine digits at a time: one multiply-add per chunk.
  size_t i = 0;
  size_t first = digits.size() % 9;
  if (first == 0) first = 9;
  while (i < digits.size()) {
    size_t len = i == 0 ? std::min(first, digits.size()) : 9;
    uint32_t chunk = 0;
    uint32_t scale = 1;
    for (size_t k = 0; k < len; ++k) {
      chunk = chunk * 10 + uint32_t(digits[i + k] - '0');
      scale *= 10;
    }
    r.mul_small(scale);
    r.add_small(chunk);
    i += len;
  }
  return r;
}

BigInt BigInt::negated() const {
  BigInt r = *this;
  if (!r.is_zero()) r.negative_ = !r.negative_;
  return r;
}

BigInt BigInt::abs() const {
  BigInt r = *this;
  r.negative_ = false;
  return r;
}

void BigInt::trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  if (limbs_.empty()) negative_ = false;
}

int BigInt::compare_limbs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

std::vector<uint32_t> BigInt::add_limbs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  const auto& longer = a.size() >= b.size() ? a : b;
  const auto& shorter = a.size() >= b.size() ? b : a;
  std::vector<uint32_t> out(longer.size() + 1, 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < longer.size(); ++i) {
    uint64_t s = uint64_t(longer[i]) + (i < shorter.size() ? shorter[i] : 0) + carry;
    out[i] = uint32_t(s);
    carry = s >> 32;
  }
  out[longer.size()] = uint32_t(carry);
  return out;
}

std::vector<uint32_t> BigInt::sub_limbs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out(a.size(), 0);
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = int64_t(a[i]) - (i < b.size() ? int64_t(b[i]) : 0) - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += int64_t(1) << 32;
    out[i] = uint32_t(d);
  }
  return out;
}

BigInt BigInt::operator+(const BigInt& o) const {
  BigInt r;
  if (negative_ == o.negative_) {
    r.limbs_ = add_limbs(limbs_, o.limbs_);
    r.negative_ = negative_;
  } else if (compare_limbs(limbs_, o.limbs_) >= 0) {
    r.limbs_ = sub_limbs(limbs_, o.limbs_);
    r.negative_ = negative_;
  } else {
    r.limbs_ = sub_limbs(o.limbs_, limbs_);
    r.negative_ = o.negative_;
  }
  r.trim();
  return r;
}

BigInt BigInt::operator-(const BigInt& o) const { return *this + o.negated(); }

void BigInt::mul_small(uint32_t m) {
  if (m == 0) {
    limbs_.clear();
    negative_ = false;
    return;
  }
  uint64_t carry = 0;
  for (auto& limb : limbs_) {
    uint64_t p = uint64_t(limb) * m + carry;
    limb = uint32_t(p);
    carry = p >> 32;
  }
  if (carry != 0) limbs_.push_back(uint32_t(carry));
}

void BigInt::add_small(uint32_t a) {
  uint64_t carry = a;
  for (size_t i = 0; carry != 0 && i < limbs_.size(); ++i) {
    uint64_t s = uint64_t(limbs_[i]) + carry;
    limbs_[i] = uint32_t(s);
    carry = s >> 32;
  }
  if (carry != 0) limbs_.push_back(uint32_t(carry));
}

void BigInt::mul_pow10(uint64_t n) {
  if (is_zero()) return;
  while (n >= 9) {
    mul_small(1000000000u);
    n -= 9;
  }
  uint32_t rest = 1;
  while (n-- > 0) rest *= 10;
  mul_small(rest);
}

void BigInt::shift_left(uint64_t bits) {
  if (is_zero()) return;
  size_t words = size_t(bits / 32);
  unsigned rest = unsigned(bits % 32);
  if (rest != 0) {
    uint32_t carry = 0;
    for (auto& limb : limbs_) {
      uint32_t next = limb >> (32 - rest);
      limb = (limb << rest) | carry;
      carry = next;
    }
    if (carry != 0) limbs_.push_back(carry);
  }
  limbs_.insert(limbs_.begin(), words, 0u);
}

uint32_t BigInt::divmod_small(uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | limbs_[i];
    limbs_[i] = uint32_t(cur / d);
    rem = cur % d;
  }
  trim();
  return uint32_t(rem);
}

bool BigInt::div_pow10(uint64_t n) {
  bool dropped = false;
  while (n >= 9 && !is_zero()) {
    dropped |= divmod_small(1000000000u) != 0;
    n -= 9;
  }
  if (is_zero()) return dropped;
  uint32_t rest = 1;
  while (n-- > 0) rest *= 10;
  if (rest > 1) dropped |= divmod_small(rest) != 0;
  return dropped;
}

int BigInt::compare_abs(const BigInt& o) const { return compare_limbs(limbs_, o.limbs_); }

int BigInt::compare(const BigInt& o) const {
  if (sign() != o.sign()) return sign() < o.sign() ? -1 : 1;
  int c = compare_limbs(limbs_, o.limbs_);
  return negative_ ? -c : c;
}

std::optional<int64_t> BigInt::to_int64() const {
  if (limbs_.size() > 2) return std::nullopt;
  uint64_t mag = 0;
  for (size_t i = limbs_.size(); i-- > 0;) mag = (mag << 32) | limbs_[i];
  if (negative_) {
    if (mag > uint64_t(INT64_MAX) + 1) return std::nullopt;
    return int64_t(uint64_t(0) - mag);
  }
  if (mag > uint64_t(INT64_MAX)) return std::nullopt;
  return int64_t(mag);
}

double BigInt::to_double() const {
  // strtod rounds correctly (ties to even) and overflows to HUGE_VAL, which is
  // exactly what Go's big.Float(53 bits).Float64() does.
  return std::strtod(to_string().c_str(), nullptr);
}

std::string BigInt::to_string() const {
  if (is_zero()) return "0";
  BigInt work = *this;
  std::vector<uint32_t> chunks;
  while (!work.is_zero()) chunks.push_back(work.divmod_small(1000000000u));
  std::string out = negative_ ? "-" : "";
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

size_t BigInt::decimal_digits() const {
  if (is_zero()) return 0;
  std::string s = to_string();
  return negative_ ? s.size() - 1 : s.size();
}

}  // namespace tollgate::cel::k8s
