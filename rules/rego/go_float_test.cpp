#include "rules/rego/go_float.h"

#include <catch2/catch.hpp>

namespace tollgate::rego {
namespace {

GoFloat parse(std::string_view text) {
  value::Decimal d;
  REQUIRE(value::parse_decimal(text, &d, nullptr));
  return GoFloat::parse(d);
}

TEST_CASE("GoFloat prints the shortest text at its precision, as big.Float.Text", "[arithmetic]") {
  CHECK(parse("0.1").text_shortest('g') == "0.1");
  CHECK(parse("3.14").text_shortest('g') == "3.14");
  CHECK(parse("1e-7").text_shortest('g') == "1e-07");
  CHECK(parse("1234567.5").text_shortest('g') == "1.2345675e+06");
  CHECK(parse("100000").text_shortest('g') == "100000");
  CHECK(parse("1000000").text_shortest('g') == "1e+06");
  CHECK(parse("1000000").text_shortest('f') == "1000000");
  CHECK(parse("-0.00001").text_shortest('g') == "-1e-05");
  CHECK(parse("0.0001").text_shortest('g') == "0.0001");
  CHECK(parse("0").text_shortest('g') == "0");
  // 20 significant digits round-trip at 64 bits; the 21st does not survive.
  CHECK(parse("0.123456789012345678901").text_shortest('g') == "0.1234567890123456789");
}

TEST_CASE("GoFloat rounds to nearest even at 64 bits", "[arithmetic]") {
  // 2^64 + 1 is a tie between 2^64 and 2^64 + 2: even wins.
  CHECK(parse("18446744073709551617").truncated().to_string() == "18446744073709551616");
  // 2^64 + 3 ties between 2^64 + 2 and 2^64 + 4: 2^64 + 4 has the even mantissa.
  CHECK(parse("18446744073709551619").truncated().to_string() == "18446744073709551620");
  CHECK(parse("18446744073709551615").truncated().to_string() == "18446744073709551615");
}

TEST_CASE("GoFloat division is correctly rounded", "[arithmetic]") {
  GoFloat third = GoFloat::quo(parse("1"), parse("3"));
  CHECK(third.precision() == 64);
  CHECK(third.number_text() == "0.33333333333333333334");
  CHECK_FALSE(third.is_int());
  CHECK(GoFloat::quo(parse("0"), parse("-1")).number_text() == "-0");
}

TEST_CASE("GoFloat keeps big.Float's precision rules", "[arithmetic]") {
  GoFloat one = GoFloat::from_double(1.0);
  CHECK(one.precision() == 53);
  GoFloat big = GoFloat::from_int(BigInt::from_decimal_digits("1000000000000000000000000000000000"));
  CHECK(big.precision() == 110);
  CHECK(big.number_text() == "1000000000000000000000000000000000");
  // A product at 53 bits prints like a double.
  CHECK(GoFloat::mul(GoFloat::mul(one, parse("0.1"), 53), parse("3"), 53).number_text() == "0.30000000000000004");
}

TEST_CASE("GoFloat compares and truncates", "[arithmetic]") {
  CHECK(compare(parse("-1.5"), parse("-1.25")) < 0);
  CHECK(compare(parse("2"), GoFloat::from_double(2.0)) == 0);
  CHECK(compare(parse("0"), GoFloat::quo(parse("0"), parse("-1"))) == 0);
  CHECK(parse("-1.99").truncated().to_string() == "-1");
  CHECK(parse("1e30").truncated().to_string() == "1000000000000000000024696061952");
}

}  // namespace
}  // namespace tollgate::rego
