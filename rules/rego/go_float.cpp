#include "rules/rego/go_float.h"

#include <algorithm>
#include <cmath>

namespace tollgate::rego {

namespace {

constexpr uint32_t kDefaultPrecision = 64;

BigInt power_of_five(uint64_t n) {
  BigInt result = BigInt::from_int64(1), base = BigInt::from_int64(5);
  while (n > 0) {
    if (n & 1) result = result * base;
    n >>= 1;
    if (n > 0) base = base * base;
  }
  return result;
}

// Go's big.decimal: value = 0.digits * 10^exp, digits without trailing zeros.
struct GoDecimal {
  std::string digits;
  int64_t exp = 0;

  char at(int64_t i) const {
    return i >= 0 && i < static_cast<int64_t>(digits.size()) ? digits[static_cast<size_t>(i)] : '0';
  }
  void trim() {
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (digits.empty()) exp = 0;
  }
  void round_down(size_t n) {
    if (n >= digits.size()) return;
    digits.resize(n);
    trim();
  }
  void round_up(size_t n) {
    if (n >= digits.size()) return;
    while (n > 0 && digits[n - 1] >= '9') --n;
    if (n == 0) {
      digits = "1";
      ++exp;
      return;
    }
    ++digits[n - 1];
    digits.resize(n);
  }
  void round(size_t n) {
    if (n >= digits.size()) return;
    bool up;
    if (digits[n] == '5' && n + 1 == digits.size()) {
      up = n > 0 && ((digits[n - 1] - '0') & 1) != 0;  // exactly halfway: to even
    } else {
      up = digits[n] >= '5';
    }
    if (up) round_up(n);
    else round_down(n);
  }
};

// The exact decimal expansion of m * 2^e (m >= 0).
GoDecimal exact_decimal(BigInt m, int64_t e) {
  GoDecimal d;
  if (m.is_zero()) return d;
  if (e < 0) {
    int64_t strip = std::min<int64_t>(static_cast<int64_t>(m.trailing_zero_bits()), -e);
    m = m.magnitude_shr(static_cast<size_t>(strip));
    e += strip;
  }
  if (e >= 0) {
    d.digits = m.magnitude_shl(static_cast<size_t>(e)).to_string();
    d.exp = static_cast<int64_t>(d.digits.size());
  } else {
    uint64_t k = static_cast<uint64_t>(-e);
    d.digits = (m * power_of_five(k)).to_string();
    d.exp = static_cast<int64_t>(d.digits.size()) - static_cast<int64_t>(k);
  }
  d.trim();
  return d;
}

void append_exponent_form(std::string& out, const GoDecimal& d, size_t precision) {
  out.push_back(d.digits.empty() ? '0' : d.digits[0]);
  if (precision > 0) {
    out.push_back('.');
    size_t i = 1;
    size_t m = std::min(d.digits.size(), precision + 1);
    if (i < m) {
      out.append(d.digits, i, m - i);
      i = m;
    }
    for (; i <= precision; ++i) out.push_back('0');
  }
  out.push_back('e');
  int64_t exp = d.digits.empty() ? 0 : d.exp - 1;
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
}

void append_fixed_form(std::string& out, const GoDecimal& d, int64_t precision) {
  if (d.exp > 0) {
    size_t m = std::min(d.digits.size(), static_cast<size_t>(d.exp));
    out.append(d.digits, 0, m);
    out.append(static_cast<size_t>(d.exp) - m, '0');
  } else {
    out.push_back('0');
  }
  if (precision > 0) {
    out.push_back('.');
    for (int64_t i = 0; i < precision; ++i) out.push_back(d.at(d.exp + i));
  }
}

}  // namespace

GoFloat GoFloat::parse(const value::Decimal& d) {
  GoFloat z;
  z.precision_ = kDefaultPrecision;
  if (d.digits.empty()) return z;
  z.negative_ = d.negative;
  z.mantissa_ = BigInt::from_decimal_digits(d.digits);
  // value = digits * 10^e10 = digits * 2^e10 * 5^e10; Go applies the power of
  // two exactly and the power of five with one rounded multiply or divide.
  const int64_t e10 = d.point - static_cast<int64_t>(d.digits.size());
  z.exponent_ = e10;
  if (e10 == 0) {
    z.round_to(kDefaultPrecision);
    return z;
  }
  // Go's pow5: exact up to 5^27, then square-and-multiply at 128 and 192 bits.
  uint64_t n = static_cast<uint64_t>(e10 < 0 ? -e10 : e10);
  const uint32_t power_precision = kDefaultPrecision + 64;
  GoFloat power = from_int(power_of_five(std::min<uint64_t>(n, 27)), power_precision);
  if (n > 27) {
    n -= 27;
    GoFloat factor = from_int(BigInt::from_int64(5), power_precision + 64);
    while (n > 0) {
      if (n & 1) power = mul(power, factor, power_precision);
      factor = mul(factor, factor, factor.precision_);
      n >>= 1;
    }
  }
  return e10 < 0 ? quo(z, power, kDefaultPrecision) : mul(z, power, kDefaultPrecision);
}

GoFloat GoFloat::from_int(const BigInt& i, uint32_t precision) {
  GoFloat r;
  r.negative_ = i.is_negative();
  r.mantissa_ = i.abs();
  if (precision == 0) precision = std::max<uint32_t>(static_cast<uint32_t>(i.bit_length()), kDefaultPrecision);
  r.round_to(precision);
  return r;
}

GoFloat GoFloat::from_double(double x) {
  int exp = 0;
  double fraction = std::frexp(std::fabs(x), &exp);  // in [0.5, 1)
  GoFloat r = from_int(BigInt::from_int64(static_cast<int64_t>(std::ldexp(fraction, 53))), 53);
  r.negative_ = std::signbit(x);
  if (!r.is_zero()) r.exponent_ += exp - 53;
  return r;
}

BigInt GoFloat::truncated() const {
  BigInt magnitude = exponent_ >= 0 ? mantissa_.magnitude_shl(static_cast<size_t>(exponent_))
                                    : mantissa_.magnitude_shr(static_cast<size_t>(-exponent_));
  return negative_ ? -magnitude : magnitude;
}

void GoFloat::round_to(uint32_t precision, bool sticky) {
  precision_ = precision;
  if (mantissa_.is_zero()) {
    exponent_ = 0;
    return;
  }
  size_t bits = mantissa_.bit_length();
  if (bits > precision) {
    size_t shift = bits - precision;
    BigInt kept = mantissa_.magnitude_shr(shift);
    bool half = mantissa_.bit(shift - 1);
    bool rest = sticky || mantissa_.any_bit_below(shift - 1);
    if (half && (rest || kept.bit(0))) {
      kept = kept + BigInt::from_int64(1);
      if (kept.bit_length() > precision) {
        kept = kept.magnitude_shr(1);
        ++shift;
      }
    }
    mantissa_ = std::move(kept);
    exponent_ += static_cast<int64_t>(shift);
  }
  size_t zeros = mantissa_.trailing_zero_bits();
  mantissa_ = mantissa_.magnitude_shr(zeros);
  exponent_ += static_cast<int64_t>(zeros);
}

GoFloat GoFloat::add_signed(const GoFloat& x, const GoFloat& y, bool negate_y, uint32_t precision) {
  if (precision == 0) precision = std::max(x.precision_, y.precision_);
  const bool y_negative = y.negative_ != negate_y;
  GoFloat z;
  if (x.is_zero() && y.is_zero()) {
    z.precision_ = precision;
    z.negative_ = x.negative_ && y_negative;
    return z;
  }
  if (y.is_zero() || x.is_zero()) {
    z = y.is_zero() ? x : y;
    if (x.is_zero()) z.negative_ = y_negative;
    z.round_to(precision);
    return z;
  }
  int64_t e = std::min(x.exponent_, y.exponent_);
  BigInt mx = x.mantissa_.magnitude_shl(static_cast<size_t>(x.exponent_ - e));
  BigInt my = y.mantissa_.magnitude_shl(static_cast<size_t>(y.exponent_ - e));
  z.exponent_ = e;
  if (x.negative_ == y_negative) {
    z.mantissa_ = mx + my;
    z.negative_ = x.negative_;
  } else {
    int c = compare(mx, my);
    if (c >= 0) {
      z.mantissa_ = mx - my;
      z.negative_ = x.negative_;
    } else {
      z.mantissa_ = my - mx;
      z.negative_ = y_negative;
    }
    if (z.mantissa_.is_zero()) z.negative_ = false;
  }
  z.round_to(precision);
  return z;
}

GoFloat GoFloat::add(const GoFloat& x, const GoFloat& y, uint32_t precision) {
  return add_signed(x, y, false, precision);
}

GoFloat GoFloat::sub(const GoFloat& x, const GoFloat& y, uint32_t precision) {
  return add_signed(x, y, true, precision);
}

GoFloat GoFloat::mul(const GoFloat& x, const GoFloat& y, uint32_t precision) {
  if (precision == 0) precision = std::max(x.precision_, y.precision_);
  GoFloat z;
  z.negative_ = x.negative_ != y.negative_;
  if (!x.is_zero() && !y.is_zero()) {
    z.mantissa_ = x.mantissa_ * y.mantissa_;
    z.exponent_ = x.exponent_ + y.exponent_;
  }
  z.round_to(precision);
  return z;
}

GoFloat GoFloat::quo(const GoFloat& x, const GoFloat& y, uint32_t precision) {
  if (precision == 0) precision = std::max(x.precision_, y.precision_);
  GoFloat z;
  z.negative_ = x.negative_ != y.negative_;
  if (x.is_zero()) {
    z.precision_ = precision;
    return z;
  }
  // Enough quotient bits for the rounding bit; the remainder is the sticky bit.
  int64_t shift = static_cast<int64_t>(precision) + 2 + static_cast<int64_t>(y.mantissa_.bit_length()) -
                  static_cast<int64_t>(x.mantissa_.bit_length());
  if (shift < 0) shift = 0;
  BigInt quotient, remainder;
  BigInt::divide(x.mantissa_.magnitude_shl(static_cast<size_t>(shift)), y.mantissa_, &quotient, &remainder);
  z.mantissa_ = std::move(quotient);
  z.exponent_ = x.exponent_ - y.exponent_ - shift;
  z.round_to(precision, !remainder.is_zero());
  return z;
}

int compare(const GoFloat& a, const GoFloat& b) {
  if (a.is_zero() && b.is_zero()) return 0;
  int sa = a.is_zero() ? 0 : (a.negative_ ? -1 : 1);
  int sb = b.is_zero() ? 0 : (b.negative_ ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  // Same sign, both nonzero: compare magnitudes.
  int64_t top_a = static_cast<int64_t>(a.mantissa_.bit_length()) + a.exponent_;
  int64_t top_b = static_cast<int64_t>(b.mantissa_.bit_length()) + b.exponent_;
  int c;
  if (top_a != top_b) {
    c = top_a < top_b ? -1 : 1;
  } else {
    int64_t e = std::min(a.exponent_, b.exponent_);
    c = compare(a.mantissa_.magnitude_shl(static_cast<size_t>(a.exponent_ - e)),
                b.mantissa_.magnitude_shl(static_cast<size_t>(b.exponent_ - e)));
  }
  return sa < 0 ? -c : c;
}

std::string GoFloat::text_shortest(char format) const {
  std::string out = negative_ ? "-" : "";
  GoDecimal d = exact_decimal(mantissa_, exponent_);
  if (!d.digits.empty()) {
    // Go's roundShortest: the shortest digits within half an ulp (at this
    // precision) of the value; the bounds count only when the mantissa is even.
    size_t bits = mantissa_.bit_length();
    size_t widen = precision_ + 1 - bits;
    BigInt scaled = mantissa_.magnitude_shl(widen);
    int64_t scaled_exp = exponent_ - static_cast<int64_t>(widen);
    GoDecimal lower = exact_decimal(scaled - BigInt::from_int64(1), scaled_exp);
    GoDecimal upper = exact_decimal(scaled + BigInt::from_int64(1), scaled_exp);
    const bool inclusive = !scaled.bit(1);
    for (size_t i = 0; i < d.digits.size(); ++i) {
      char m = d.digits[i];
      char l = lower.at(static_cast<int64_t>(i));
      char u = upper.at(static_cast<int64_t>(i));
      bool okdown = l != m || (inclusive && i + 1 == lower.digits.size());
      bool okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.digits.size());
      if (okdown && okup) {
        d.round(i + 1);
        break;
      }
      if (okdown) {
        d.round_down(i + 1);
        break;
      }
      if (okup) {
        d.round_up(i + 1);
        break;
      }
    }
  }
  const int64_t digits = static_cast<int64_t>(d.digits.size());
  if (format == 'f') {
    append_fixed_form(out, d, std::max<int64_t>(digits - d.exp, 0));
    return out;
  }
  int64_t exp = d.exp - 1;
  if (exp < -4 || exp >= 6) {
    append_exponent_form(out, d, digits > 0 ? static_cast<size_t>(digits - 1) : 0);
  } else {
    append_fixed_form(out, d, std::max<int64_t>(digits - d.exp, 0));
  }
  return out;
}

}  // namespace tollgate::rego
