#include "rules/cel/k8s/big_int.h"

#include <catch2/catch.hpp>
#include <cmath>

using tollgate::cel::k8s::BigInt;

TEST_CASE("big_int: decimal text round trip", "[k8s][big_int]") {
  CHECK(BigInt::from_digits("").to_string() == "0");
  CHECK(BigInt::from_digits("1234567890123456789012345678901234567890").to_string() ==
        "1234567890123456789012345678901234567890");
  CHECK(BigInt::from_int64(INT64_MIN).to_string() == "-9223372036854775808");
  CHECK(BigInt::from_digits("1000000000000000000000").decimal_digits() == 22);
}

TEST_CASE("big_int: signed arithmetic", "[k8s][big_int]") {
  BigInt a = BigInt::from_digits("100000000000000000000");
  BigInt b = BigInt::from_int64(-1);
  CHECK((a + b).to_string() == "99999999999999999999");
  CHECK((b - a).to_string() == "-100000000000000000001");
  CHECK((a - a).is_zero());
  CHECK((a - a).sign() == 0);
  CHECK(b.compare(a) == -1);
  CHECK(a.negated().compare(b) == -1);
  CHECK(a.compare_abs(a.negated()) == 0);
}

TEST_CASE("big_int: scaling", "[k8s][big_int]") {
  BigInt x = BigInt::from_int64(3);
  x.mul_pow10(25);
  CHECK(x.to_string() == "30000000000000000000000000");
  CHECK_FALSE(x.div_pow10(24));  // exact
  CHECK(x.to_string() == "30");
  CHECK(x.div_pow10(1) == false);
  CHECK(x.div_pow10(1) == true);  // 3 / 10 drops a remainder
  CHECK(x.is_zero());
  BigInt y = BigInt::from_int64(1);
  y.shift_left(70);
  CHECK(y.to_string() == "1180591620717411303424");
  CHECK(y.divmod_small(1024) == 0);
  CHECK(y.to_string() == "1152921504606846976");
}

TEST_CASE("big_int: conversions", "[k8s][big_int]") {
  CHECK(BigInt::from_digits("9223372036854775807").to_int64() == INT64_MAX);
  CHECK_FALSE(BigInt::from_digits("9223372036854775808").to_int64().has_value());
  CHECK(BigInt::from_digits("9223372036854775808").negated().to_int64() == INT64_MIN);
  CHECK(BigInt::from_digits("9007199254740993").to_double() == 9007199254740992.0);  // ties to even
  BigInt huge = BigInt::from_int64(1);
  huge.mul_pow10(400);
  CHECK(std::isinf(huge.to_double()));
}
