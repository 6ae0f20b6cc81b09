#include "rules/value/decimal.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

using namespace tollgate::value;

namespace {
Decimal dec(std::string_view text) {
  Decimal d;
  REQUIRE(parse_decimal(text, &d, nullptr));
  return d;
}
}  // namespace

TEST_CASE("decimal text is validated and canonicalised", "[decimal]") {
  Decimal d;
  std::string canonical;
  CHECK(parse_decimal("+00120.50E+03", &d, &canonical));
  CHECK(canonical == "120.50e3");
  CHECK(d.digits == "1205");
  CHECK(d.point == 6);
  CHECK(parse_decimal(".5", &d, &canonical));
  CHECK(canonical == "0.5");
  CHECK(parse_decimal("7.", &d, &canonical));
  CHECK(canonical == "7");
  for (const char* bad : {"", "-", ".", "1e", "1e+", "0x10", "1.2.3", " 1", "1 ", "inf", "NaN"}) {
    INFO(bad);
    CHECK_FALSE(parse_decimal(bad, &d, nullptr));
  }
}

TEST_CASE("decimals compare exactly", "[decimal]") {
  CHECK(compare_decimals(dec("1.50"), dec("15e-1")) == 0);
  CHECK(compare_decimals(dec("-0"), dec("0.000")) == 0);
  CHECK(compare_decimals(dec("99999999999999999999"), dec("1e20")) == -1);
  CHECK(compare_decimals(dec("-2"), dec("-10")) == 1);
  CHECK(compare_decimals(dec("0.1"), decimal_from_double(0.1)) == -1);  // 0.1 the double is a little above 1/10
  CHECK(compare_decimals(decimal_from_int(INT64_MIN), dec("-9223372036854775808")) == 0);
  CHECK(compare_decimals(decimal_from_uint(UINT64_MAX), dec("18446744073709551615")) == 0);
  CHECK(compare_decimals(dec("1e999999999999999999999"), dec("1e400")) == 1);
}

TEST_CASE("decimals convert to doubles and integers", "[decimal]") {
  CHECK(decimal_to_double(dec("0.1")) == 0.1);
  CHECK(decimal_to_double(dec("-1.5e300")) == -1.5e300);
  CHECK(decimal_to_double(dec("1e400")) == HUGE_VAL);
  CHECK(decimal_to_double(dec("1e-400")) == 0.0);
  uint64_t bits = 0;
  CHECK(decimal_to_integral_bits(dec("42.0"), &bits));
  CHECK(bits == 42);
  CHECK(decimal_to_integral_bits(dec("-1"), &bits));
  CHECK(bits == UINT64_MAX);
  CHECK(decimal_to_integral_bits(dec("18446744073709551615"), &bits));
  CHECK_FALSE(decimal_to_integral_bits(dec("18446744073709551616"), &bits));
  CHECK_FALSE(decimal_to_integral_bits(dec("-9223372036854775809"), &bits));
  CHECK_FALSE(decimal_to_integral_bits(dec("1.5"), &bits));
  CHECK(decimal_key(dec("1.50")) == decimal_key(dec("15e-1")));
}
