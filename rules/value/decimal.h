// Exact decimal numbers: the parsed form of a BigNum's text, used to order
// and hash big numbers exactly against each other and against int64, uint64
// and double values (every finite double has a finite decimal expansion).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tollgate::value {

// value = (negative ? -1 : 1) * 0.<digits> * 10^point. digits has no leading
// or trailing zeros; zero is the empty digit string and is never negative.
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t point = 0;
};

// Parses decimal number text ([+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?). On success
// fills *out and, if canonical is given, the canonical text: no '+' signs, no
// leading zeros in the integer part, lower-case 'e', no empty fraction.
bool parse_decimal(std::string_view text, Decimal* out, std::string* canonical);

Decimal decimal_from_int(int64_t i);
Decimal decimal_from_uint(uint64_t u);
// Exact expansion of a finite double.
Decimal decimal_from_double(double d);

// -1, 0 or 1.
int compare_decimals(const Decimal& a, const Decimal& b);

// Correctly rounded double (±inf or ±0 when out of range).
double decimal_to_double(const Decimal& d);
// True when d is an integer representable as int64 or uint64; *bits gets its
// 64-bit two's complement pattern.
bool decimal_to_integral_bits(const Decimal& d, uint64_t* bits);
// A string that identifies the number (equal decimals give equal keys).
std::string decimal_key(const Decimal& d);

}  // namespace tollgate::value
