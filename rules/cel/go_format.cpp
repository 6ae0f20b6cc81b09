#include "rules/cel/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tollgate::cel {

namespace {

// Shortest round-trip decimal digits of |d| (no leading zeros) and the
// position of the decimal point relative to them (value = 0.DIGITS * 10^dp).
void shortest_digits(double d, std::string* digits, int* dp) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string s(buf, r.ptr);
  const size_t e = s.find('e');
  const int exp = std::atoi(s.c_str() + e + 1);
  digits->clear();
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.') digits->push_back(s[i]);
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
  *dp = exp + 1;
}

std::string fixed_from_digits(const std::string& digits, int dp) {
  std::string out;
  if (dp <= 0) {
    out.push_back('0');
    if (!(digits.size() == 1 && digits[0] == '0')) {
      out += '.';
      out.append(static_cast<size_t>(-dp), '0');
      out += digits;
    }
    return out;
  }
  if (static_cast<size_t>(dp) >= digits.size()) {
    out = digits;
    out.append(static_cast<size_t>(dp) - digits.size(), '0');
    return out;
  }
  out = digits.substr(0, static_cast<size_t>(dp));
  out += '.';
  out += digits.substr(static_cast<size_t>(dp));
  return out;
}

}  // namespace

std::string format_double_go(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  const bool neg = std::signbit(d);
  if (d == 0) return neg ? "-0" : "0";
  std::string digits;
  int dp;
  shortest_digits(d, &digits, &dp);
  const int exp = dp - 1;
  std::string out;
  if (neg) out.push_back('-');
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += e;
    return out;
  }
  out.append(fixed_from_digits(digits, dp));
  return out;
}

std::string format_double_fixed(double d, int precision) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (precision < 0) {
    const bool neg = std::signbit(d) && d != 0;
    if (d == 0) return std::signbit(d) ? "-0" : "0";
    std::string digits;
    int dp;
    shortest_digits(d, &digits, &dp);
    std::string out;
    if (neg) out.push_back('-');
    out.append(fixed_from_digits(digits, dp));
    return out;
  }
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", precision, d);
  return buf;
}

}  // namespace tollgate::cel
