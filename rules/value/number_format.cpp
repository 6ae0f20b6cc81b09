#include "rules/value/number_format.h"

#include <charconv>
#include <cmath>

namespace tollgate::value {

namespace {

// Shortest round-trip scientific text of d ("-1.5e+03").
std::string_view shortest_scientific(double d, char (&buf)[64]) {
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

int scientific_exponent(std::string_view sci) {
  size_t i = sci.find('e') + 1;
  bool negative = sci[i] == '-';
  if (sci[i] == '-' || sci[i] == '+') ++i;
  int exponent = 0;
  std::from_chars(sci.data() + i, sci.data() + sci.size(), exponent);
  return negative ? -exponent : exponent;
}

// The shortest digits placed as a plain decimal, padding with zeros (Go's
// 'f' with precision -1; std::to_chars' fixed form would print the exact
// binary value's digits for large numbers instead of zeros).
void append_fixed(std::string_view sci, std::string& out) {
  size_t i = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  size_t e = sci.find('e');
  std::string_view mantissa = sci.substr(i, e - i);
  std::string digits;
  digits.reserve(mantissa.size());
  for (char c : mantissa)
    if (c != '.') digits.push_back(c);
  long point = scientific_exponent(sci) + 1;  // digits before the decimal point
  long n = static_cast<long>(digits.size());
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += digits;
  } else if (point >= n) {
    out += digits;
    out.append(static_cast<size_t>(point - n), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(point));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(point), std::string::npos);
  }
}

}  // namespace

void append_json_double(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0" : "0";
    return;
  }
  char buf[64];
  std::string_view sci = shortest_scientific(d, buf);
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-6 && magnitude < 1e21) {
    append_fixed(sci, out);
    return;
  }
  // Go trims a negative two-digit exponent's leading zero: "1e-07" -> "1e-7".
  size_t n = sci.size();
  if (n >= 4 && sci[n - 4] == 'e' && sci[n - 3] == '-' && sci[n - 2] == '0') {
    out.append(sci.substr(0, n - 2));
    out.push_back(sci[n - 1]);
    return;
  }
  out.append(sci);
}

std::string format_double_g(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  std::string_view sci = shortest_scientific(d, buf);
  int exponent = scientific_exponent(sci);
  if (exponent < -4 || exponent >= 6) return std::string(sci);
  std::string out;
  append_fixed(sci, out);
  return out;
}

}  // namespace tollgate::value
