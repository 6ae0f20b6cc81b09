// Sets keep OPA's member identity for numbers: a number written as an
// integer is a member beside an equal number that is not.
#include <catch2/catch.hpp>

#include "rules/value/value.h"

using tollgate::value::Value;

namespace {
Value written(const char* text, double value) { return Value::number_with_text(text, Value::number(value)); }
}  // namespace

TEST_CASE("a set of 2.0 then 2 keeps both, in insertion order, while 2 then 2.0 keeps 2 only", "[value]") {
  Value s = Value::set({Value::integer(1), written("2.0", 2), Value::integer(3), Value::integer(2)});
  REQUIRE(s.size() == 4);
  CHECK(s.items()[1].as_string() == "2.0");
  CHECK(s.items()[2].is_int());
  Value t = Value::set({Value::integer(2), written("2.0", 2)});
  REQUIRE(t.size() == 1);
  CHECK(t.items()[0].is_int());
}

TEST_CASE("equal values in a set keep the first one given", "[value]") {
  Value s = Value::set({written("1.0", 1), written("1.00", 1), Value::integer(0)});
  REQUIRE(s.size() == 2);
  CHECK(s.items()[1].as_string() == "1.0");
  // A later integer joins the non-integer; a second integer does not.
  Value u = Value::set({written("1.0", 1), Value::integer(1), written("1e0", 1), Value::integer(1)});
  CHECK(u.size() == 2);
}

TEST_CASE("which numbers count as written as integers", "[value]") {
  CHECK(tollgate::value::written_as_integer(Value::integer(7)));
  CHECK(tollgate::value::written_as_integer(Value::bignum("123456789012345678901234567890")));
  CHECK_FALSE(tollgate::value::written_as_integer(written("1e2", 100)));
  CHECK_FALSE(tollgate::value::written_as_integer(Value::number(0.5)));
  CHECK_FALSE(tollgate::value::written_as_integer(Value::string("1")));
}
