#include "rules/rego/arithmetic.h"

#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/number.h"

namespace tollgate::rego {
namespace {

using value::Value;

Value num(std::string_view text) { return *number_from_text(text); }

Value apply(const Value& a, char op, const Value& b) {
  switch (op) {
    case '+': return add_numbers(a, b);
    case '-': return subtract_numbers(a, b);
    case '*': return multiply_numbers(a, b);
    case '/': return divide_numbers(a, b);
    default: return remainder_numbers(a, b);
  }
}

std::string error_of(const Value& a, char op, const Value& b) {
  try {
    apply(a, op, b);
  } catch (const BuiltinError& e) {
    CHECK(e.code() == BuiltinError::Code::Builtin);
    return e.what();
  }
  return "no error";
}

TEST_CASE("int64 arithmetic is exact and stays Int", "[arithmetic]") {
  CHECK(add_numbers(Value::integer(49649733057), Value::integer(1)) == Value::integer(49649733058));
  CHECK(multiply_numbers(Value::integer(3), Value::integer(4)).is_int());
  CHECK(divide_numbers(Value::integer(4), Value::integer(2)) == Value::integer(2));
  CHECK(divide_numbers(Value::integer(4), Value::integer(2)).is_int());
  CHECK(remainder_numbers(Value::integer(7), Value::integer(4)) == Value::integer(3));
  CHECK(remainder_numbers(Value::integer(-7), Value::integer(4)) == Value::integer(-3));
  CHECK(remainder_numbers(Value::integer(INT64_MIN), Value::integer(-1)) == Value::integer(0));
}

TEST_CASE("overflowing int64 arithmetic continues in OPA's 64-bit big.Float", "[arithmetic]") {
  Value sum = add_numbers(Value::integer(INT64_MAX), Value::integer(1));
  CHECK(number_text(sum) == "9223372036854775808");
  // (2^63-1)^2 = 2^126 - 2^64 + 1, rounded to a 64-bit mantissa, in its shortest digits.
  CHECK(number_text(multiply_numbers(Value::integer(INT64_MAX), Value::integer(INT64_MAX))) ==
        "85070591730234615847000000000000000000");
  CHECK(number_text(add_numbers(Value::integer(1), num("18446744073709551616"))) == "18446744073709551616");
  CHECK(number_text(subtract_numbers(Value::integer(INT64_MIN), Value::integer(1))) == "-9223372036854775809");
  CHECK(number_text(divide_numbers(Value::integer(INT64_MIN), Value::integer(-1))) == "9223372036854775808");
}

// Expected results computed with an independent model of Go's big.Float
// (exact rationals rounded to 64 bits, Go's shortest-digit algorithm).
TEST_CASE("non-integer arithmetic prints what OPA's big.Float prints", "[arithmetic]") {
  struct Case {
    const char* a;
    char op;
    const char* b;
    const char* want;
  };
  const Case cases[] = {
      {"1", '/', "3", "0.33333333333333333334"},
      {"2", '/', "3", "0.6666666666666666667"},
      {"-1", '/', "3", "-0.33333333333333333334"},
      {"1", '/', "7", "0.14285714285714285714"},
      {"10", '/', "4", "2.5"},
      {"0.1", '+', "0.2", "0.3"},
      {"0.3", '-', "0.1", "0.20000000000000000002"},
      {"1.1", '*', "1.1", "1.21"},
      {"2.5", '*', "4", "10"},
      {"0.5", '*', "4", "2"},
      {"1e-7", '*', "3", "3e-07"},
      {"123456.789", '*', "1000", "123456789"},
      {"1", '/', "1024", "0.0009765625"},
      {"1e20", '/', "3", "33333333333333333334"},
      {"3.14159", '*', "2", "6.28318"},
      {"100", '/', "0.3", "333.33333333333333331"},
      {"0.000001", '/', "7", "1.4285714285714285715e-07"},
      {"1.5", '+', "1e21", "1000000000000000000000"},
      // Integers too: 64-bit big.Float, printed as Text('f', -1) (shortest digits).
      {"28857836529306024611913", '+', "1", "28857836529306024612000"},
      {"28857836529306024611913", '*', "3", "86573509587918073840000"},
      {"18446744073709551617", '-', "1", "18446744073709551615"},
      {"9.99999999999999999999", '+', "0", "10"},
      {"0.1", '*', "3", "0.3"},
      {"1e30", '*', "1.5", "1500000000000000000000000000000"},
      {"2.2", '-', "2", "0.20000000000000000004"},
      {"-0.5", '+', "0.25", "-0.25"},
      {"7", '/', "2", "3.5"},
      {"1", '/', "9999999", "1.00000010000001e-07"},
      {"4.35", '*', "100", "435"},
  };
  for (const Case& c : cases) {
    INFO(c.a << ' ' << c.op << ' ' << c.b);
    Value got = apply(num(c.a), c.op, num(c.b));
    CHECK(got == num(c.want));
    CHECK(number_text(got) == number_text(num(c.want)));
  }
}

TEST_CASE("integral results of non-integer arithmetic are Int values", "[arithmetic]") {
  Value product = multiply_numbers(num("0.5"), Value::integer(4));
  CHECK(product.is_int());
  CHECK(product.as_int() == 2);
}

TEST_CASE("arithmetic errors use OPA's messages", "[arithmetic]") {
  CHECK(error_of(Value::integer(1), '/', Value::integer(0)) == "divide by zero");
  CHECK(error_of(num("1.5"), '/', Value::integer(0)) == "divide by zero");
  CHECK(error_of(Value::integer(7), '%', Value::integer(0)) == "modulo by zero");
  CHECK(error_of(num("1.1"), '%', Value::integer(1)) == "modulo on floating-point number");
  CHECK(error_of(num("1.1"), '%', Value::integer(0)) == "modulo on floating-point number");
  CHECK(error_of(num("100000000000000000000"), '%', Value::integer(0)) == "modulo by zero");
}

TEST_CASE("remainder of big integers is exact", "[arithmetic]") {
  CHECK(number_text(remainder_numbers(num("100000000000000000000"), Value::integer(7))) == "2");
  CHECK(number_text(remainder_numbers(Value::integer(10), num("18446744073709551618"))) == "10");
}

TEST_CASE("modulo by a multiple of 2^64 is modulo by zero, as OPA v1.5.1 reads the divisor's low 64 bits",
          "[arithmetic]") {
  CHECK(error_of(Value::integer(10), '%', num("18446744073709551616")) == "modulo by zero");
  CHECK(error_of(Value::integer(10), '%', num("-36893488147419103232")) == "modulo by zero");
}

TEST_CASE("abs, round, ceil and floor follow OPA", "[arithmetic]") {
  CHECK(abs_number(Value::integer(-10)) == Value::integer(10));
  CHECK(number_text(abs_number(Value::integer(INT64_MIN))) == "9223372036854775808");
  CHECK(number_text(abs_number(num("-1.5"))) == "1.5");
  CHECK(round_number(num("2.5")) == Value::integer(3));
  CHECK(round_number(num("-2.5")) == Value::integer(-3));
  CHECK(round_number(num("2.4999")) == Value::integer(2));
  CHECK(ceil_number(num("1.01")) == Value::integer(2));
  CHECK(ceil_number(num("2222.2222222222")) == Value::integer(2223));
  CHECK(ceil_number(num("-1.99999")) == Value::integer(-1));
  CHECK(floor_number(num("99.99999")) == Value::integer(99));
  CHECK(floor_number(num("-1.001")) == Value::integer(-2));
  // OPA's truncation to +0 makes these two surprising; kept for compatibility.
  CHECK(ceil_number(num("-0.5")) == Value::integer(1));
  CHECK(floor_number(num("-0.5")) == Value::integer(0));
  CHECK(ceil_number(num("-0.5")).is_int());
}

TEST_CASE("sum and product follow OPA's three paths", "[arithmetic]") {
  std::vector<Value> ints = {Value::integer(1), Value::integer(2), Value::integer(3), Value::integer(4)};
  CHECK(sum_numbers(ints) == Value::integer(10));
  CHECK(product_numbers(ints) == Value::integer(24));
  CHECK(sum_numbers({}) == Value::integer(0));
  CHECK(product_numbers({}) == Value::integer(1));
  std::vector<Value> big = {Value::integer(INT64_MAX), Value::integer(INT64_MAX)};
  CHECK(number_text(sum_numbers(big)) == "18446744073709551614");
  std::vector<Value> decimals = {num("0.1"), num("0.2")};
  CHECK(number_text(sum_numbers(decimals)) == "0.3");
  // Products of non-integers are computed at 53 bits, as a double would.
  std::vector<Value> factors = {num("0.1"), Value::integer(3)};
  CHECK(number_text(product_numbers(factors)) == "0.30000000000000004");
}

TEST_CASE("number_to_big_int reads numbers as OPA's NumberToInt", "[arithmetic]") {
  CHECK(number_to_big_int(Value::integer(-5))->to_string() == "-5");
  CHECK(number_to_big_int(num("1e3"))->to_string() == "1000");
  CHECK_FALSE(number_to_big_int(num("3.14")).has_value());
  CHECK(number_to_big_int(num("99999999999999999999"))->to_string() == "100000000000000000000");
}

}  // namespace
}  // namespace tollgate::rego
