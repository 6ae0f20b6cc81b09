#include "rules/rego/number.h"

#include <catch2/catch.hpp>

namespace tollgate::rego {
namespace {

using value::Kind;
using value::Value;

TEST_CASE("number_from_text picks the canonical representation", "[arithmetic]") {
  CHECK(number_from_text("42")->kind() == Kind::Int);
  CHECK(number_from_text("+7")->as_int() == 7);
  CHECK(number_from_text("3.14")->kind() == Kind::Double);
  CHECK(number_from_text("1e-07")->kind() == Kind::Double);
  CHECK(number_from_text("9223372036854775808")->kind() == Kind::BigNum);
  CHECK(number_from_text("0.1000000000000000000001")->kind() == Kind::BigNum);
  CHECK_FALSE(number_from_text("abc").has_value());
  CHECK_FALSE(number_from_text("1e").has_value());
}

TEST_CASE("number text that prints differently is kept as written, as OPA keeps it", "[arithmetic]") {
  for (const char* text : {"1.0", "-42.0", "2.50", "1e2", "1E2", "1e-7", "0.10"}) {
    const Value n = *number_from_text(text);
    CHECK(n.kind() == Kind::BigNum);
    CHECK(number_text(n) == text);
  }
  CHECK(*number_from_text("1.0") == Value::integer(1));
  CHECK(*number_from_text("1e2") == Value::integer(100));
  CHECK(*number_from_text("1e-7") == Value::number(1e-7));
}

TEST_CASE("integer_text is whether OPA reads the number as an integer", "[arithmetic]") {
  CHECK(integer_text(*number_from_text("12")));
  CHECK(integer_text(*number_from_text("123456789123456789123")));
  CHECK_FALSE(integer_text(*number_from_text("1.0")));
  CHECK_FALSE(integer_text(*number_from_text("1e2")));
  CHECK_FALSE(integer_text(Value::number(0.5)));
  CHECK(integer_text(Value::number(3.0)));  // a float64 input value prints "3" in Gatekeeper
}

TEST_CASE("numbers compare exactly across representations", "[arithmetic]") {
  CHECK(*number_from_text("28857836529306024611913") != *number_from_text("28857836529306024611912"));
  CHECK(*number_from_text("1") == *number_from_text("1.0"));
  CHECK(*number_from_text("0.1000000000000000000001") > *number_from_text("0.1000000000000000000000000001"));
}

TEST_CASE("canonical_number normalises other numeric kinds", "[arithmetic]") {
  CHECK(canonical_number(Value::number(3.0)).kind() == Kind::Int);
  CHECK(canonical_number(Value::uinteger(5)).kind() == Kind::Int);
  CHECK(canonical_number(Value::uinteger(UINT64_MAX)).kind() == Kind::BigNum);
  CHECK(number_text(canonical_number(Value::number(1e21))) == "1000000000000000000000");
  CHECK(canonical_number(Value::bignum("12")).kind() == Kind::Int);
  CHECK(canonical_number(Value::string("x")).is_string());
}

TEST_CASE("number_text prints as OPA does", "[arithmetic]") {
  CHECK(number_text(Value::integer(-3)) == "-3");
  CHECK(number_text(Value::number(3.14)) == "3.14");
  CHECK(number_text(Value::number(1e-7)) == "1e-07");
  CHECK(number_text(*number_from_text("123456789123456789123")) == "123456789123456789123");
}

}  // namespace
}  // namespace tollgate::rego
