#include "rules/value/decimal.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace tollgate::value {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exponents beyond this are treated as this (no double or integer reaches it,
// and it keeps point arithmetic far from overflow).
constexpr int64_t kExponentLimit = 1'000'000'000'000'000LL;

}  // namespace

bool parse_decimal(std::string_view text, Decimal* out, std::string* canonical) {
  size_t i = 0, n = text.size();
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  size_t int_begin = i;
  while (i < n && is_digit(text[i])) ++i;
  std::string_view int_part = text.substr(int_begin, i - int_begin);
  std::string_view frac_part;
  if (i < n && text[i] == '.') {
    size_t frac_begin = ++i;
    while (i < n && is_digit(text[i])) ++i;
    frac_part = text.substr(frac_begin, i - frac_begin);
  }
  if (int_part.empty() && frac_part.empty()) return false;
  int64_t exponent = 0;
  bool exp_negative = false;
  std::string_view exp_digits;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    size_t exp_begin = i;
    while (i < n && is_digit(text[i])) {
      if (exponent < kExponentLimit) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    exp_digits = text.substr(exp_begin, i - exp_begin);
    if (exp_digits.empty()) return false;
  }
  if (i != n) return false;
  if (exponent > kExponentLimit) exponent = kExponentLimit;
  if (exp_negative) exponent = -exponent;

  Decimal d;
  d.digits.reserve(int_part.size() + frac_part.size());
  d.digits.append(int_part);
  d.digits.append(frac_part);
  d.point = static_cast<int64_t>(int_part.size()) + exponent;
  size_t lead = d.digits.find_first_not_of('0');
  if (lead == std::string::npos) {
    d.digits.clear();
    d.point = 0;
  } else {
    d.digits.erase(0, lead);
    d.point -= static_cast<int64_t>(lead);
    d.digits.erase(d.digits.find_last_not_of('0') + 1);
    d.negative = negative;
  }
  *out = std::move(d);

  if (canonical) {
    canonical->clear();
    if (negative) canonical->push_back('-');
    size_t int_lead = int_part.find_first_not_of('0');
    if (int_lead == std::string_view::npos) canonical->push_back('0');
    else canonical->append(int_part.substr(int_lead));
    if (!frac_part.empty()) {
      canonical->push_back('.');
      canonical->append(frac_part);
    }
    if (!exp_digits.empty()) {
      canonical->push_back('e');
      if (exp_negative) canonical->push_back('-');
      size_t exp_lead = exp_digits.find_first_not_of('0');
      if (exp_lead == std::string_view::npos) canonical->push_back('0');
      else canonical->append(exp_digits.substr(exp_lead));
    }
  }
  return true;
}

Decimal decimal_from_uint(uint64_t u) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  Decimal d;
  parse_decimal(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), &d, nullptr);
  return d;
}

Decimal decimal_from_int(int64_t i) {
  uint64_t magnitude = i < 0 ? ~static_cast<uint64_t>(i) + 1 : static_cast<uint64_t>(i);
  Decimal d = decimal_from_uint(magnitude);
  d.negative = i < 0;
  return d;
}

Decimal decimal_from_double(double v) {
  if (v == std::trunc(v) && std::fabs(v) < 18446744073709551616.0) {
    Decimal d = decimal_from_uint(static_cast<uint64_t>(std::fabs(v)));
    d.negative = v < 0 && !d.digits.empty();
    return d;
  }
  // 767 significant digits cover the longest exact expansion of a double.
  char buf[800];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 767);
  Decimal d;
  parse_decimal(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), &d, nullptr);
  return d;
}

int compare_decimals(const Decimal& a, const Decimal& b) {
  int sa = a.digits.empty() ? 0 : (a.negative ? -1 : 1);
  int sb = b.digits.empty() ? 0 : (b.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude;
  if (a.point != b.point) {
    magnitude = a.point < b.point ? -1 : 1;
  } else {
    int c = a.digits.compare(b.digits);
    magnitude = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return sa < 0 ? -magnitude : magnitude;
}

double decimal_to_double(const Decimal& d) {
  if (d.digits.empty()) return 0.0;
  double sign = d.negative ? -1.0 : 1.0;
  if (d.point > 400) return sign * std::numeric_limits<double>::infinity();
  if (d.point < -400) return sign * 0.0;
  std::string text = "0.";
  text += d.digits;
  text += 'e';
  text += std::to_string(d.point);
  double out = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec == std::errc::result_out_of_range)
    return d.point > 0 ? sign * std::numeric_limits<double>::infinity() : sign * 0.0;
  return sign * out;
}

bool decimal_to_integral_bits(const Decimal& d, uint64_t* bits) {
  if (d.digits.empty()) {
    *bits = 0;
    return true;
  }
  if (d.point < static_cast<int64_t>(d.digits.size()) || d.point > 20) return false;
  unsigned __int128 magnitude = 0;
  for (int64_t k = 0; k < d.point; ++k) {
    int digit = k < static_cast<int64_t>(d.digits.size()) ? d.digits[static_cast<size_t>(k)] - '0' : 0;
    magnitude = magnitude * 10 + static_cast<unsigned>(digit);
  }
  if (d.negative) {
    if (magnitude > (static_cast<unsigned __int128>(1) << 63)) return false;
    *bits = ~static_cast<uint64_t>(magnitude) + 1;
    return true;
  }
  if (magnitude > std::numeric_limits<uint64_t>::max()) return false;
  *bits = static_cast<uint64_t>(magnitude);
  return true;
}

std::string decimal_key(const Decimal& d) {
  std::string key = d.negative ? "-" : "";
  key += d.digits;
  key += 'e';
  key += std::to_string(d.point);
  return key;
}

}  // namespace tollgate::value
