#include "rules/cel/k8s/quantity.h"

#include <cmath>
#include <limits>
#include <utility>

namespace tollgate::cel::k8s {
namespace {

constexpr const char* kErrFormatWrong =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr const char* kErrNumeric = "unable to parse numeric part of quantity";
constexpr const char* kErrSuffix = "unable to parse quantity's suffix";

// Sums and differences whose exact decimal expansion needs more digits than
// this are refused instead of exhausting memory (resource.Quantity has no bound).
constexpr int64_t kMaxDigits = 100000;
constexpr int32_t kNano = -9;
constexpr int kMaxInt64Factors = 18;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int32_t wrap_int32(int64_t v) { return int32_t(uint32_t(uint64_t(v))); }

void set_error(std::string* error, const char* message) {
  if (error != nullptr) *error = message;
}

// parseQuantityString's pieces.
struct Scanned {
  bool positive = true;
  std::string_view value;  // sign and number, for the decimal fallback
  std::string_view num;    // integer digits without leading zeros ("0" when none)
  std::string_view denom;  // fraction digits
  std::string_view suffix;
};

bool scan_quantity(std::string_view str, Scanned* out) {
  size_t pos = 0;
  const size_t end = str.size();
  if (pos < end && (str[0] == '-' || str[0] == '+')) {
    out->positive = str[0] != '-';
    ++pos;
  }
  while (pos < end && str[pos] == '0') ++pos;
  if (pos >= end) {
    out->num = "0";
    out->value = "0";
    return true;
  }
  size_t i = pos;
  while (i < end && is_digit(str[i])) ++i;
  out->num = str.substr(pos, i - pos);
  if (i >= end) {
    out->value = str;
    return true;
  }
  pos = i;
  if (out->num.empty()) out->num = "0";
  if (pos < end && str[pos] == '.') {
    ++pos;
    i = pos;
    while (i < end && is_digit(str[i])) ++i;
    out->denom = str.substr(pos, i - pos);
    if (i >= end) {
      out->value = str;
      return true;
    }
    pos = i;
  }
  out->value = str.substr(0, pos);
  const size_t suffix_start = pos;
  constexpr std::string_view kSuffixChars = "eEinumkKMGTP";
  while (pos < end && kSuffixChars.find(str[pos]) != std::string_view::npos) ++pos;
  if (pos >= end) {
    out->suffix = str.substr(suffix_start);
    return true;
  }
  if (str[pos] == '-' || str[pos] == '+') ++pos;
  while (pos < end && is_digit(str[pos])) ++pos;
  if (pos >= end) {
    out->suffix = str.substr(suffix_start);
    return true;
  }
  return false;
}

// strconv.ParseInt(s, 10, 64).
std::optional<int64_t> go_parse_int64(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t mag = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    if (mag > (uint64_t(1) << 63) / 10) return std::nullopt;
    mag = mag * 10 + uint64_t(c - '0');
    if (mag > (uint64_t(1) << 63)) return std::nullopt;
  }
  if (!negative && mag > uint64_t(INT64_MAX)) return std::nullopt;
  return negative ? int64_t(uint64_t(0) - mag) : int64_t(mag);
}

struct SuffixSpec {
  int base = 10;
  int32_t exponent = 0;
  QuantityFormat format = QuantityFormat::DecimalSI;
};

std::optional<SuffixSpec> interpret_suffix(std::string_view s) {
  struct Entry {
    std::string_view text;
    int base;
    int32_t exponent;
    QuantityFormat format;
  };
  static constexpr Entry kTable[] = {
      {"", 10, 0, QuantityFormat::DecimalSI},    {"n", 10, -9, QuantityFormat::DecimalSI},
      {"u", 10, -6, QuantityFormat::DecimalSI},  {"m", 10, -3, QuantityFormat::DecimalSI},
      {"k", 10, 3, QuantityFormat::DecimalSI},   {"M", 10, 6, QuantityFormat::DecimalSI},
      {"G", 10, 9, QuantityFormat::DecimalSI},   {"T", 10, 12, QuantityFormat::DecimalSI},
      {"P", 10, 15, QuantityFormat::DecimalSI},  {"E", 10, 18, QuantityFormat::DecimalSI},
      {"Ki", 2, 10, QuantityFormat::BinarySI},   {"Mi", 2, 20, QuantityFormat::BinarySI},
      {"Gi", 2, 30, QuantityFormat::BinarySI},   {"Ti", 2, 40, QuantityFormat::BinarySI},
      {"Pi", 2, 50, QuantityFormat::BinarySI},   {"Ei", 2, 60, QuantityFormat::BinarySI},
  };
  for (const auto& e : kTable) {
    if (e.text == s) return SuffixSpec{e.base, e.exponent, e.format};
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    auto parsed = go_parse_int64(s.substr(1));
    if (!parsed) return std::nullopt;
    // Go converts with int32(parsed), which wraps.
    return SuffixSpec{10, wrap_int32(*parsed), QuantityFormat::DecimalExponent};
  }
  return std::nullopt;
}

// Kubernetes emits no suffix when it has none for the exponent.
std::string_view decimal_si_suffix(int64_t exponent) {
  switch (exponent) {
    case -9: return "n";
    case -6: return "u";
    case -3: return "m";
    case 0: return "";
    case 3: return "k";
    case 6: return "M";
    case 9: return "G";
    case 12: return "T";
    case 15: return "P";
    case 18: return "E";
    default: return "";
  }
}

std::string_view binary_si_suffix(int64_t power_of_1024) {
  static constexpr std::string_view kSuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  if (power_of_1024 >= 0 && power_of_1024 <= 6) return kSuffixes[power_of_1024];
  return "";  // Kubernetes emits no suffix when it has none for the power
}

// Go's math.Pow10, table for table, so that products round the same way.
double go_pow10(int64_t n) {
  static constexpr double kTab[] = {1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09, 1e10,
                                    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                    1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static constexpr double kPos32[] = {1e00, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288};
  static constexpr double kNeg32[] = {1e-00, 1e-32,  1e-64,  1e-96,  1e-128, 1e-160,
                                      1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) return kPos32[n / 32] * kTab[n % 32];
  if (n >= -323 && n <= 0) return kNeg32[-n / 32] / kTab[-n % 32];
  return n > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

// value * 10^scale when it fits in int64 (positiveScaleInt64).
std::optional<int64_t> scale_up_int64(int64_t value, int64_t scale) {
  if (value == 0) return 0;
  int64_t out = value;
  for (int64_t i = 0; i < scale; ++i) {
    if (__builtin_mul_overflow(out, int64_t(10), &out)) return std::nullopt;
  }
  return out;
}

// Aligns a and b to the smaller exponent; false when that needs too many digits.
bool align(BigInt* a, int64_t* ea, BigInt* b, int64_t* eb) {
  if (*ea == *eb) return true;
  BigInt* hi = *ea > *eb ? a : b;
  int64_t* ehi = *ea > *eb ? ea : eb;
  int64_t elo = *ea > *eb ? *eb : *ea;
  int64_t diff = *ehi - elo;
  if (!hi->is_zero()) {
    if (diff + int64_t(hi->decimal_digits()) > kMaxDigits) return false;
    hi->mul_pow10(uint64_t(diff));
  }
  *ehi = elo;
  return true;
}

}  // namespace

std::optional<Quantity> Quantity::parse(std::string_view str, std::string* error) {
  if (str.empty()) {
    set_error(error, kErrFormatWrong);
    return std::nullopt;
  }
  if (str == "0") {
    Quantity q;
    q.text_ = "0";
    return q;
  }
  Scanned scanned;
  if (!scan_quantity(str, &scanned)) {
    set_error(error, kErrFormatWrong);
    return std::nullopt;
  }
  auto meaning = interpret_suffix(scanned.suffix);
  if (!meaning) {
    set_error(error, kErrSuffix);
    return std::nullopt;
  }

  const int64_t num_len = int64_t(scanned.num.size());
  const int64_t denom_len = int64_t(scanned.denom.size());
  int64_t precision = 0;
  int32_t scale = 0;
  int64_t mantissa = 1;
  if (meaning->format == QuantityFormat::BinarySI) {
    if (meaning->exponent >= 0 && denom_len == 0) {
      mantissa = int64_t(1) << meaning->exponent;
      // Kubernetes' estimate of the decimal digits a binary suffix adds.
      precision = 15 - num_len - int64_t(float(meaning->exponent) * 3 / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = meaning->exponent;
    precision = kMaxInt64Factors - (num_len + denom_len);
  }

  if (precision >= 0) {
    scale = wrap_int32(int64_t(scale) - denom_len);
    if (scale >= kNano) {
      std::string shifted = std::string(scanned.num) + std::string(scanned.denom);
      auto parsed = go_parse_int64(shifted);
      if (!parsed) {
        set_error(error, kErrNumeric);
        return std::nullopt;
      }
      int64_t result = 0;
      if (!__builtin_mul_overflow(*parsed, mantissa, &result)) {
        if (!scanned.positive) result = int64_t(uint64_t(0) - uint64_t(result));
        Quantity q;
        q.format_ = meaning->format;
        q.value_ = result;
        q.scale_ = scale;
        // Kubernetes keeps the input text as the String() form when it
        // already looks canonical (even with a '+' sign or leading zeros).
        bool keep_text;
        if (meaning->format == QuantityFormat::BinarySI) {
          keep_text = meaning->exponent % 10 == 0 && (*parsed & 0x07) != 0;
        } else {
          keep_text = scale % 3 == 0 && !shifted.ends_with("000") && shifted[0] != '0';
        }
        if (keep_text) q.text_ = std::string(str);
        return q;
      }
    }
  }
  return parse_decimal_fallback(scanned.positive, scanned.value, meaning->base, meaning->exponent, meaning->format,
                                error);
}

std::optional<Quantity> Quantity::parse_decimal_fallback(bool positive, std::string_view number, int base,
                                                         int32_t exponent, QuantityFormat format,
                                                         std::string* error) {
  // inf.Dec.SetString: optional sign, digits with at most one '.'.
  std::string_view body = number;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  std::string digits;
  int64_t fraction_digits = 0;
  bool seen_point = false;
  for (char c : body) {
    if (c == '.') {
      seen_point = true;
      continue;
    }
    digits.push_back(c);
    if (seen_point) ++fraction_digits;
  }
  if (digits.empty()) {
    set_error(error, kErrNumeric);
    return std::nullopt;
  }
  size_t first_nonzero = digits.find_first_not_of('0');
  BigInt amount = BigInt::from_digits(first_nonzero == std::string::npos ? "" : digits.substr(first_nonzero));
  int64_t amount_exponent = -fraction_digits;

  if (base == 10) {
    amount_exponent += exponent;
  } else {
    amount.shift_left(uint64_t(exponent));
  }

  // Round any non-zero magnitude up to a whole number of nano units. One
  // that is a whole number of them already keeps its exponent: expanding it
  // would change nothing but the digits held (10e99993, the canonical text
  // of 999999999999999999e99994, would need 100k of them).
  if (!amount.is_zero() && amount_exponent < kNano) {
    uint64_t shrink = uint64_t(kNano - amount_exponent);
    if (shrink > amount.decimal_digits()) {
      amount = BigInt::from_int64(1);
    } else if (amount.div_pow10(shrink)) {
      amount.add_small(1);
    }
    amount_exponent = kNano;
  }

  if (format == QuantityFormat::BinarySI) {
    // Binary quantities are capped at 2^63-1, and fractions below one are shown in decimal.
    BigInt max_allowed = BigInt::from_int64(INT64_MAX);
    BigInt aligned_max = max_allowed;
    int64_t max_exponent = 0;
    BigInt aligned_amount = amount;
    int64_t aligned_exponent = amount_exponent;
    align(&aligned_amount, &aligned_exponent, &aligned_max, &max_exponent);
    if (aligned_amount.compare(aligned_max) > 0) {
      amount = max_allowed;
      amount_exponent = 0;
    } else {
      BigInt one = BigInt::from_int64(1);
      int64_t one_exponent = 0;
      aligned_amount = amount;
      aligned_exponent = amount_exponent;
      align(&aligned_amount, &aligned_exponent, &one, &one_exponent);
      if (!aligned_amount.is_zero() && aligned_amount.compare(one) < 0) format = QuantityFormat::DecimalSI;
    }
  }
  if (!positive) amount = amount.negated();

  Quantity q;
  q.format_ = format;
  q.is_decimal_ = true;
  q.decimal_ = Decimal{std::move(amount), amount_exponent};
  return q;
}

Quantity Quantity::from_int64(int64_t value, QuantityFormat format) {
  Quantity q;
  q.format_ = format;
  q.value_ = value;
  return q;
}

Quantity::Decimal Quantity::to_decimal() const {
  if (is_decimal_) return decimal_;
  return Decimal{BigInt::from_int64(value_), scale_};
}

int Quantity::sign() const {
  if (is_decimal_) return decimal_.unscaled.sign();
  return value_ == 0 ? 0 : (value_ > 0 ? 1 : -1);
}

int Quantity::compare(const Quantity& other) const {
  if (!is_decimal_ && !other.is_decimal_ && scale_ == other.scale_) {
    return value_ == other.value_ ? 0 : (value_ < other.value_ ? -1 : 1);
  }
  Decimal a = to_decimal();
  Decimal b = other.to_decimal();
  int sa = a.unscaled.sign();
  int sb = b.unscaled.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Order of magnitude first, so that wildly different exponents never need aligning.
  int64_t ma = int64_t(a.unscaled.decimal_digits()) + a.exponent;
  int64_t mb = int64_t(b.unscaled.decimal_digits()) + b.exponent;
  if (ma != mb) return (ma < mb ? -1 : 1) * sa;
  align(&a.unscaled, &a.exponent, &b.unscaled, &b.exponent);
  return a.unscaled.compare(b.unscaled);
}

std::optional<int64_t> Quantity::as_int64() const {
  if (is_decimal_) return std::nullopt;
  if (scale_ == 0) return value_;
  if (scale_ < 0) return std::nullopt;
  return scale_up_int64(value_, scale_);
}

double Quantity::as_approximate_float() const {
  double base;
  int64_t exponent;
  if (is_decimal_) {
    base = decimal_.unscaled.to_double();
    exponent = decimal_.exponent;
  } else {
    base = double(value_);
    exponent = scale_;
  }
  if (exponent == 0) return base;
  return base * go_pow10(exponent);
}

bool Quantity::try_int64_add(int64_t b_value, int32_t b_scale) {
  if (b_value == 0) return true;
  if (value_ == 0) {
    value_ = b_value;
    scale_ = b_scale;
    return true;
  }
  int64_t sum = 0;
  if (scale_ == b_scale) {
    if (__builtin_add_overflow(value_, b_value, &sum)) return false;
    value_ = sum;
  } else if (scale_ > b_scale) {
    auto scaled = scale_up_int64(value_, int64_t(scale_) - b_scale);
    if (!scaled || __builtin_add_overflow(*scaled, b_value, &sum)) return false;
    value_ = sum;
    scale_ = b_scale;
  } else {
    auto scaled = scale_up_int64(b_value, int64_t(b_scale) - scale_);
    if (!scaled || __builtin_add_overflow(value_, *scaled, &sum)) return false;
    value_ = sum;
  }
  return true;
}

std::optional<Quantity> Quantity::decimal_sum(Quantity base, const Decimal& a, const Decimal& b) {
  Decimal x = a;
  Decimal y = b;
  if (!align(&x.unscaled, &x.exponent, &y.unscaled, &y.exponent)) return std::nullopt;
  base.is_decimal_ = true;
  base.value_ = 0;
  base.scale_ = 0;
  base.decimal_ = Decimal{x.unscaled + y.unscaled, x.exponent};
  return base;
}

std::optional<Quantity> Quantity::add(const Quantity& other) const {
  Quantity result = *this;
  result.text_.clear();
  if (!is_decimal_ && !other.is_decimal_) {
    if (value_ == 0) result.format_ = other.format_;
    if (result.try_int64_add(other.value_, other.scale_)) return result;
  } else if (is_zero()) {
    result.format_ = other.format_;
  }
  return decimal_sum(std::move(result), to_decimal(), other.to_decimal());
}

std::optional<Quantity> Quantity::sub(const Quantity& other) const {
  Quantity result = *this;
  result.text_.clear();
  if (is_zero()) result.format_ = other.format_;
  if (!is_decimal_ && !other.is_decimal_ && other.value_ != INT64_MIN &&
      result.try_int64_add(-other.value_, other.scale_)) {
    return result;
  }
  Decimal negated = other.to_decimal();
  negated.unscaled = negated.unscaled.negated();
  return decimal_sum(std::move(result), to_decimal(), negated);
}

std::string Quantity::to_string() const {
  if (!text_.empty()) return text_;
  if (is_zero()) return "0";

  QuantityFormat format = format_;
  Decimal d = to_decimal();
  if (format == QuantityFormat::BinarySI) {
    // Small values and fractions are shown in decimal rather than rounded.
    Quantity lower = from_int64(-1024, format);
    Quantity upper = from_int64(1024, format);
    bool integral = d.exponent >= 0;
    if (!integral) {
      BigInt probe = d.unscaled.abs();
      integral = !probe.div_pow10(uint64_t(-d.exponent));
    }
    if ((compare(lower) > 0 && compare(upper) < 0) || !integral) format = QuantityFormat::DecimalSI;
  }

  bool negative = d.unscaled.negative();
  std::string out = negative ? "-" : "";
  if (format == QuantityFormat::BinarySI) {
    BigInt whole = d.unscaled.abs();
    if (d.exponent >= 0) {
      whole.mul_pow10(uint64_t(d.exponent));
    } else {
      whole.div_pow10(uint64_t(-d.exponent));
    }
    int64_t powers = 0;
    for (;;) {
      BigInt next = whole;
      if (next.compare_abs(BigInt::from_int64(1024)) < 0 || next.divmod_small(1024) != 0) break;
      whole = std::move(next);
      ++powers;
    }
    out += whole.to_string();
    out += binary_si_suffix(powers);
    return out;
  }

  std::string mantissa = d.unscaled.abs().to_string();
  int64_t exponent = d.exponent;
  while (mantissa.size() > 1 && mantissa.back() == '0') {
    mantissa.pop_back();
    ++exponent;
  }
  while (exponent % 3 != 0) {
    mantissa.push_back('0');
    --exponent;
  }
  out += mantissa;
  if (format == QuantityFormat::DecimalExponent) {
    if (exponent != 0) {
      out += 'e';
      out += std::to_string(exponent);
    }
  } else {
    out += decimal_si_suffix(exponent);
  }
  return out;
}

}  // namespace tollgate::cel::k8s
