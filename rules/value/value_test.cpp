#include "rules/value/value.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <unordered_set>

using tollgate::value::compare;
using tollgate::value::hash;
using tollgate::value::Kind;
using tollgate::value::ObjectBuilder;
using tollgate::value::OpaqueValue;
using tollgate::value::Value;
using tollgate::value::ValueHash;
using tollgate::value::with_entry;
using tollgate::value::without_entry;

namespace {

Value obj(std::initializer_list<std::pair<const char*, Value>> kv) {
  ObjectBuilder b;
  for (const auto& [k, v] : kv) b.add(k, v);
  return b.build();
}

struct Celsius : OpaqueValue {
  explicit Celsius(double d) : degrees(d) {}
  double degrees;
  std::string_view type_name() const override { return "test.Celsius"; }
  bool equals(const OpaqueValue& o) const override { return static_cast<const Celsius&>(o).degrees == degrees; }
  std::string debug_string() const override { return std::to_string(degrees) + "C"; }
};

}  // namespace

TEST_CASE("kinds order as Rego orders them", "[value]") {
  std::vector<Value> ascending = {
      Value::null(),
      Value::boolean(false),
      Value::boolean(true),
      Value::integer(-5),
      Value::number(0.5),
      Value::uinteger(7),
      Value::string(""),
      Value::string("a"),
      Value::array({}),
      Value::array({Value::integer(1)}),
      Value::empty_object(),
      obj({{"a", Value::integer(1)}}),
      Value::set({}),
      Value::bytes("x"),
      Value::make_opaque<Celsius>(1.0),
  };
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t j = 0; j < ascending.size(); ++j) {
      INFO(i << " vs " << j);
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      CHECK(compare(ascending[i], ascending[j]) == expected);
    }
  }
  CHECK(std::string(tollgate::value::kind_name(Kind::BigNum)) == "bignum");
}

TEST_CASE("numbers of different kinds compare by value exactly", "[value]") {
  CHECK(Value::integer(1) == Value::number(1.0));
  CHECK(Value::integer(1) == Value::uinteger(1));
  CHECK(Value::uinteger(1) == Value::number(1.0));
  CHECK(Value::integer(-1) < Value::uinteger(0));
  CHECK(Value::number(1.5) > Value::integer(1));
  CHECK(Value::number(-1.5) < Value::integer(-1));

  // 2^53 + 1 is not a double: the int must not be rounded to compare.
  int64_t big = (int64_t{1} << 53) + 1;
  CHECK(Value::integer(big) != Value::number(9007199254740992.0));
  CHECK(Value::integer(big) > Value::number(9007199254740992.0));
  CHECK(Value::integer(INT64_MAX) < Value::number(9223372036854775808.0));
  CHECK(Value::uinteger(UINT64_MAX) < Value::number(18446744073709551616.0));
  CHECK(Value::uinteger(uint64_t{1} << 63) == Value::number(9223372036854775808.0));
  CHECK(Value::integer(INT64_MIN) == Value::number(-9223372036854775808.0));
  CHECK(Value::uinteger(UINT64_MAX) > Value::integer(INT64_MAX));

  double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(Value::number(nan) == Value::number(nan));
  CHECK(Value::number(nan) < Value::number(-std::numeric_limits<double>::infinity()));
  CHECK(Value::number(nan) < Value::integer(INT64_MIN));
  CHECK(Value::number(-0.0) == Value::integer(0));
}

TEST_CASE("big numbers compare numerically with every numeric kind", "[value]") {
  Value huge = Value::bignum("100000000000000000000");  // 1e20, beyond uint64
  CHECK(huge.is_bignum());
  CHECK(huge.as_string() == "100000000000000000000");
  CHECK(huge > Value::uinteger(UINT64_MAX));
  CHECK(huge == Value::number(1e20));
  CHECK(huge == Value::bignum("1e20"));
  CHECK(huge == Value::bignum("1.00e+20"));
  CHECK(Value::bignum("100000000000000000001") > Value::number(1e20));
  CHECK(Value::bignum("-100000000000000000000") < Value::integer(INT64_MIN));
  CHECK(Value::bignum("5") == Value::integer(5));
  CHECK(Value::bignum("0.1") != Value::number(0.1));  // 0.1 as a double is not exactly 1/10
  CHECK(Value::bignum("0.5") == Value::number(0.5));
  CHECK(Value::bignum("1e400") > Value::number(1.7976931348623157e308));
  CHECK(Value::bignum("1e400") < Value::number(std::numeric_limits<double>::infinity()));
  CHECK(Value::bignum("-0") == Value::integer(0));
  CHECK(Value::bignum("18446744073709551615") == Value::uinteger(UINT64_MAX));
  CHECK(Value::bignum("1.5e300").to_double() == 1.5e300);
  CHECK(Value::bignum("+007.50E+1").as_string() == "7.50e1");
  CHECK_THROWS(Value::bignum("12abc"));
  CHECK_THROWS(Value::bignum(""));
}

TEST_CASE("equal numbers hash equally whatever their kind", "[value]") {
  CHECK(hash(Value::integer(3)) == hash(Value::number(3.0)));
  CHECK(hash(Value::integer(3)) == hash(Value::uinteger(3)));
  CHECK(hash(Value::integer(3)) == hash(Value::bignum("3.000")));
  CHECK(hash(Value::uinteger(18446744073709549568ULL)) == hash(Value::number(18446744073709549568.0)));
  CHECK(hash(Value::uinteger(uint64_t{1} << 63)) == hash(Value::number(9223372036854775808.0)));
  CHECK(hash(Value::number(1e20)) == hash(Value::bignum("100000000000000000000")));
  CHECK(hash(Value::number(0.5)) == hash(Value::bignum("0.5")));
  CHECK(hash(Value::number(-0.0)) == hash(Value::integer(0)));

  std::unordered_set<Value, ValueHash> seen;
  seen.insert(Value::integer(1));
  CHECK(seen.count(Value::number(1.0)) == 1);
  CHECK(seen.count(Value::uinteger(1)) == 1);
  CHECK(seen.count(Value::string("1")) == 0);
}

TEST_CASE("structures hash consistently with equality", "[value]") {
  Value a = obj({{"x", Value::array({Value::integer(1), Value::string("s")})}});
  Value b = obj({{"x", Value::array({Value::number(1.0), Value::string("s")})}});
  CHECK(a == b);
  CHECK(hash(a) == hash(b));
  CHECK(hash(Value::set({Value::integer(2), Value::integer(1)})) == hash(Value::set({Value::number(1), Value::number(2)})));
}

TEST_CASE("objects keep sorted entries and the last duplicate", "[value]") {
  Value o = Value::object({
      {Value::string("b"), Value::integer(1)},
      {Value::string("a"), Value::integer(2)},
      {Value::string("c"), Value::integer(3)},
      {Value::string("a"), Value::integer(4)},
  });
  REQUIRE(o.size() == 3);
  CHECK(o.entries()[0].first.as_string() == "a");
  CHECK(o.entries()[1].first.as_string() == "b");
  CHECK(o.entries()[2].first.as_string() == "c");
  CHECK(o["a"] == Value::integer(4));
  REQUIRE(o.find("b"));
  CHECK(*o.find("b") == Value::integer(1));
  CHECK(o.find("zz") == nullptr);
  CHECK(o.find("") == nullptr);
  CHECK(o["missing"].is_null());
  CHECK(o.find(Value::string("c")) != nullptr);

  // Objects built in different orders are equal.
  CHECK(o == obj({{"c", Value::integer(3)}, {"a", Value::integer(4)}, {"b", Value::integer(1)}}));
}

TEST_CASE("objects with non-string keys are searchable by both lookups", "[value]") {
  Value o = Value::object({
      {Value::string("name"), Value::integer(1)},
      {Value::integer(2), Value::string("two")},
      {Value::boolean(true), Value::string("yes")},
      {Value::number(2.0), Value::string("two again")},
  });
  REQUIRE(o.size() == 3);  // 2 and 2.0 are one key
  CHECK(o.find(Value::integer(2))->as_string() == "two again");
  CHECK(o.find(Value::uinteger(2))->as_string() == "two again");
  CHECK(o.find(Value::boolean(true))->as_string() == "yes");
  CHECK(*o.find("name") == Value::integer(1));
  CHECK(o.find("2") == nullptr);
}

TEST_CASE("path follows nested keys", "[value]") {
  Value o = obj({{"metadata", obj({{"labels", obj({{"app", Value::string("web")}})}})}});
  REQUIRE(o.path({"metadata", "labels", "app"}));
  CHECK(o.path({"metadata", "labels", "app"})->as_string() == "web");
  CHECK(o.path({"metadata", "annotations", "x"}) == nullptr);
  CHECK(o.path({}) == &o);
}

TEST_CASE("sets sort and drop duplicates across numeric kinds", "[value]") {
  Value s = Value::set({Value::string("b"), Value::integer(1), Value::string("a"), Value::number(1.0), Value::uinteger(1)});
  REQUIRE(s.size() == 3);
  CHECK(s.items()[0] == Value::integer(1));
  CHECK(s.items()[1].as_string() == "a");
  CHECK(s.contains(Value::number(1.0)));
  CHECK(s.contains(Value::string("b")));
  CHECK_FALSE(s.contains(Value::string("c")));
  CHECK_FALSE(Value::array({Value::integer(1)}).contains(Value::integer(1)));
}

TEST_CASE("accessors on the wrong kind return empty values", "[value]") {
  Value i = Value::integer(3);
  CHECK(i.as_string().empty());
  CHECK(i.items().empty());
  CHECK(i.entries().empty());
  CHECK(i.size() == 0);
  CHECK(i.find("a") == nullptr);
  CHECK(i.at(0) == nullptr);
  CHECK(i["a"].is_null());
  CHECK(std::isnan(Value::string("3").to_double()));
  CHECK(Value::string("abc").size() == 3);
  Value a = Value::array({Value::integer(1)});
  CHECK(a.at(0)->as_int() == 1);
  CHECK(a.at(1) == nullptr);
  CHECK(Value::empty_array().items().empty());
  CHECK(Value::empty_object().is_object());
}

TEST_CASE("copies outlive their originals", "[value]") {
  Value copy;
  Value moved;
  {
    Value original = obj({{"k", Value::array({Value::string("deep string that is not small")})}});
    copy = original;
    Value temp = original;
    moved = std::move(temp);
    CHECK(temp.is_null());
  }
  CHECK(copy.path({"k"})->items()[0].as_string() == "deep string that is not small");
  CHECK(moved == copy);
  CHECK(moved.identity() == copy.identity());

  Value self = Value::string("self");
  Value& same = self;  // through a reference: clang warns on a literal `self = self`
  self = same;
  CHECK(self.as_string() == "self");
  Value item = Value::array({Value::string("x")});
  Value inner = item.items()[0];
  item = Value();
  CHECK(inner.as_string() == "x");
}

TEST_CASE("with_entry and without_entry leave the original alone", "[value]") {
  Value original = obj({{"a", Value::integer(1)}, {"c", Value::integer(3)}});
  Value added = with_entry(original, "b", Value::integer(2));
  Value replaced = with_entry(original, "a", Value::string("one"));
  Value removed = without_entry(original, "a");

  CHECK(original == obj({{"a", Value::integer(1)}, {"c", Value::integer(3)}}));
  CHECK(added == obj({{"a", Value::integer(1)}, {"b", Value::integer(2)}, {"c", Value::integer(3)}}));
  CHECK(added.entries()[1].first.as_string() == "b");
  CHECK(replaced["a"].as_string() == "one");
  CHECK(replaced.size() == 2);
  CHECK(removed == obj({{"c", Value::integer(3)}}));
  CHECK(without_entry(original, "zz").identity() == original.identity());
  CHECK(with_entry(Value(), "x", Value::boolean(true)) == obj({{"x", Value::boolean(true)}}));
  CHECK(with_entry(original, Value::integer(7), Value::null()).find(Value::integer(7)) != nullptr);
}

TEST_CASE("opaque values order by type then by the type's order", "[value]") {
  Value a = Value::make_opaque<Celsius>(1.0);
  Value b = Value::make_opaque<Celsius>(2.0);
  Value a2 = Value::make_opaque<Celsius>(1.0);
  CHECK(a == a2);
  CHECK(a < b);
  CHECK(hash(a) == hash(a2));
  REQUIRE(a.opaque_as<Celsius>());
  CHECK(a.opaque_as<Celsius>()->degrees == 1.0);
  CHECK(Value::integer(1).opaque_as<Celsius>() == nullptr);
}
