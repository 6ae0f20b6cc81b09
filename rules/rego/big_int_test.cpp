#include "rules/rego/big_int.h"

#include <catch2/catch.hpp>

namespace tollgate::rego {
namespace {

BigInt big(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  BigInt v = BigInt::from_decimal_digits(negative ? text.substr(1) : text);
  return negative ? -v : v;
}

TEST_CASE("BigInt round-trips decimal text and int64", "[arithmetic]") {
  CHECK(big("0").to_string() == "0");
  CHECK(big("000123").to_string() == "123");
  CHECK(big("-28857836529306024611913").to_string() == "-28857836529306024611913");
  CHECK(big("1000000000000000000000000000000").to_string() == "1000000000000000000000000000000");
  CHECK(BigInt::from_int64(INT64_MIN).to_string() == "-9223372036854775808");
  CHECK(BigInt::from_int64(INT64_MIN).to_int64() == INT64_MIN);
  CHECK(big("9223372036854775807").to_int64() == INT64_MAX);
  CHECK_FALSE(big("9223372036854775808").to_int64().has_value());
  CHECK_FALSE(big("-9223372036854775809").to_int64().has_value());
}

TEST_CASE("BigInt arithmetic is exact past 64 bits", "[arithmetic]") {
  CHECK((big("18446744073709551615") + big("1")).to_string() == "18446744073709551616");
  CHECK((big("1") - big("18446744073709551616")).to_string() == "-18446744073709551615");
  CHECK((big("123456789012345678901234567890") * big("-987654321098765432109876543210")).to_string() ==
        "-121932631137021795226185032733622923332237463801111263526900");
  CHECK((big("5") - big("5")).sign() == 0);
}

TEST_CASE("BigInt division truncates like Go's Quo and Rem", "[arithmetic]") {
  BigInt q, r;
  BigInt::divide(big("121932631137021795226185032733622923332237463801111263526901"),
                 big("987654321098765432109876543210"), &q, &r);
  CHECK(q.to_string() == "123456789012345678901234567890");
  CHECK(r.to_string() == "1");
  BigInt::divide(big("-7"), big("2"), &q, &r);
  CHECK(q.to_string() == "-3");
  CHECK(r.to_string() == "-1");
  BigInt::divide(big("7"), big("-18446744073709551616"), &q, &r);
  CHECK(q.to_string() == "0");
  CHECK(r.to_string() == "7");
  // Multi-limb divisor where the quotient estimate needs correcting.
  BigInt::divide(big("340282366920938463463374607431768211455"), big("18446744073709551617"), &q, &r);
  CHECK(q.to_string() == "18446744073709551615");
  CHECK(r.to_string() == "0");
}

TEST_CASE("BigInt bitwise operations use two's complement", "[arithmetic]") {
  CHECK(BigInt::bit_and(big("-8"), big("7")).to_string() == "0");
  CHECK(BigInt::bit_and(big("-1"), big("18446744073709551616")).to_string() == "18446744073709551616");
  CHECK(BigInt::bit_or(big("-8"), big("3")).to_string() == "-5");
  CHECK(BigInt::bit_xor(big("-1"), big("5")).to_string() == "-6");
  CHECK(BigInt::bit_and(big("-6"), big("-3")).to_string() == "-8");
  CHECK(BigInt::bit_not(big("42")).to_string() == "-43");
  CHECK(BigInt::shift_left(big("9223372036854775807"), 1).to_string() == "18446744073709551614");
  CHECK(BigInt::shift_right(big("-7"), 1).to_string() == "-4");
  CHECK(BigInt::shift_right(big("-8"), 3).to_string() == "-1");
  CHECK(BigInt::shift_right(big("8"), 3).to_string() == "1");
}

TEST_CASE("BigInt reports bits of the magnitude", "[arithmetic]") {
  BigInt v = big("40");  // 0b101000
  CHECK(v.bit_length() == 6);
  CHECK(v.trailing_zero_bits() == 3);
  CHECK(v.bit(3));
  CHECK_FALSE(v.any_bit_below(3));
  CHECK(v.any_bit_below(4));
}

}  // namespace
}  // namespace tollgate::rego
