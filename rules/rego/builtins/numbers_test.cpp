#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"
#include "rules/rego/number.h"

namespace tollgate::rego {
namespace {

using namespace testing;

std::string error_text(std::string_view name, std::vector<Value> args) {
  return call_error(name, std::move(args)).what();
}

TEST_CASE("abs, round, ceil, floor", "[builtins]") {
  CHECK(call("abs", {json("-10")}) == json("10"));
  CHECK(call("abs", {json("-1.5")}) == json("1.5"));
  CHECK(call("round", {json("1.5")}) == json("2"));
  CHECK(call("ceil", {json("1.01")}) == json("2"));
  CHECK(call("floor", {json("-1.001")}) == json("-2"));
  CHECK(error_text("abs", {str("x")}) == "operand 1 must be number but got string");
}

TEST_CASE("count counts elements, entries and code points", "[builtins]") {
  CHECK(call("count", {json("[1, 2, 3, 4]")}) == json("4"));
  CHECK(call("count", {json("{\"v1\": 1, \"v2\": 2}")}) == json("2"));
  CHECK(call("count", {set_of({json("1"), json("2")})}) == json("2"));
  CHECK(call("count", {str("åäö")}) == json("3"));
  // An invalid UTF-8 byte counts as one rune, as Go's []rune does.
  CHECK(call("count", {str(std::string("a\xff\xfe" "b"))}) == json("4"));
  // OPA's conformance case: 32 random bytes count as 30 runes.
  CHECK(call("count", {str(std::string("\xd8\x4f\x38\x66\xe3\xd4\x77\xbc\xdf\xbc\x26\x52\x34\x47\x21\x56"
                                       "\x90\xc4\x22\x3e\x8f\x2f\xb2\x5f\x2e\x92\x2a\xcb\x15\x46\xd7\xa9"))}) ==
        json("30"));
  CHECK(error_text("count", {json("null")}) == "operand 1 must be one of {array, object, set, string} but got null");
  CHECK(error_text("count", {json("5")}) == "operand 1 must be one of {array, object, set, string} but got number");
}

TEST_CASE("sum, product, max, min and sort", "[builtins]") {
  CHECK(call("sum", {json("[1, 2, 3, 4]")}) == json("10"));
  CHECK(call("sum", {set_of({json("1"), json("2"), json("3"), json("4")})}) == json("10"));
  CHECK(call("sum", {json("[49649733057, 1]")}) == json("49649733058"));
  CHECK(call("sum", {json("[0.1, 0.2]")}) == json("0.3"));
  CHECK(call("product", {json("[1, 2, 3, 4]")}) == json("24"));
  CHECK(call("max", {json("[1, 2, 3, 4]")}) == json("4"));
  CHECK(call("max", {json("[1, \"a\", null]")}) == str("a"));
  CHECK(call("min", {json("[3, 2, 1, 4, 6, -7, 10]")}) == json("-7"));
  CHECK(call("min", {set_of({json("1"), json("2")})}) == json("1"));
  // Of equal numbers the last one is the answer, as OPA prints it.
  const Value two_kinds = Value::array({json("1.5"), json("2"), Value::number_with_text("2.0", json("2"))});
  CHECK(number_text(call("max", {two_kinds})) == "2.0");
  CHECK(number_text(call("min", {Value::array({json("2"), Value::number_with_text("2.0", json("2"))})})) == "2.0");
  CHECK_FALSE(try_call("max", {json("[]")}).has_value());
  CHECK_FALSE(try_call("min", {set_of({})}).has_value());
  CHECK(call("sort", {json("[4, \"a\", 3, null, [1]]")}) == json("[null, 3, 4, \"a\", [1]]"));
  CHECK(call("sort", {set_of({json("2"), json("1")})}) == json("[1, 2]"));
  CHECK(error_text("sum", {json("[1, \"a\"]")}) ==
        "operand 1 must be array of numbers but got array containing string");
  CHECK(error_text("sort", {json("{}")}) == "operand 1 must be one of {set, array} but got object");
}

TEST_CASE("numbers.range and numbers.range_step", "[builtins]") {
  CHECK(call("numbers.range", {json("0"), json("0")}) == json("[0]"));
  CHECK(call("numbers.range", {json("-2"), json("3")}) == json("[-2, -1, 0, 1, 2, 3]"));
  CHECK(call("numbers.range", {json("2"), json("-3")}) == json("[2, 1, 0, -1, -2, -3]"));
  CHECK(call("numbers.range", {json("49649733057"), json("49649733059")}) ==
        json("[49649733057, 49649733058, 49649733059]"));
  CHECK(call("numbers.range", {json("9223372036854775806"), json("9223372036854775807")}) ==
        json("[9223372036854775806, 9223372036854775807]"));
  CHECK(error_text("numbers.range", {json("3.14"), json("4")}) ==
        "operand 1 must be integer number but got floating-point number");
  CHECK(error_text("numbers.range", {json("3"), str("4")}) == "operand 2 must be integer but got string");
  CHECK(call("numbers.range_step", {json("0"), json("10"), json("2")}) == json("[0, 2, 4, 6, 8, 10]"));
  CHECK(call("numbers.range_step", {json("10"), json("3"), json("2")}) == json("[10, 8, 6, 4]"));
  CHECK(call("numbers.range_step", {json("0"), json("10"), json("99999999999999999999")}) == json("[0]"));
  CHECK(error_text("numbers.range_step", {json("0"), json("10"), json("-2")}) ==
        "numbers.range_step: step must be a positive integer");
  CHECK(call_error("numbers.range", {json("0"), json("100000000")}).code() == BuiltinError::Code::Builtin);
}

TEST_CASE("rand.intn is stable per key and bound within a query", "[builtins]") {
  const BuiltinInfo* info = BuiltinRegistry::standard().find("rand.intn");
  REQUIRE(info);
  CHECK(info->nondeterministic);
  std::unordered_map<std::string, Value> cache;
  BuiltinContext ctx;
  ctx.nondeterministic_cache = &cache;
  std::vector<Value> args = {str("key"), json("100")};
  Value first = *info->function(args, ctx);
  CHECK(first.as_int() >= 0);
  CHECK(first.as_int() < 100);
  for (int i = 0; i < 20; ++i) CHECK(*info->function(args, ctx) == first);
  std::vector<Value> zero = {str("key"), json("0")};
  CHECK(*info->function(zero, ctx) == json("0"));
}

TEST_CASE("bits operations work on arbitrary integers", "[builtins]") {
  CHECK(call("bits.and", {json("7"), json("9")}) == json("1"));
  CHECK(call("bits.or", {json("7"), json("9")}) == json("15"));
  CHECK(call("bits.xor", {json("42"), json("3")}) == json("41"));
  CHECK(call("bits.negate", {json("42")}) == json("-43"));
  CHECK(call("bits.lsh", {json("1"), json("3")}) == json("8"));
  CHECK(call("bits.lsh", {json("9223372036854775807"), json("1")}) == json("18446744073709551614"));
  CHECK(call("bits.rsh", {json("8"), json("3")}) == json("1"));
  CHECK(call("bits.rsh", {json("-8"), json("100")}) == json("-1"));
  CHECK(call("bits.and", {json("18446744073709551616"), json("-1")}) == json("18446744073709551616"));
  CHECK(error_text("bits.and", {json("7.2"), json("42")}) ==
        "operand 1 must be integer number but got floating-point number");
  CHECK(error_text("bits.lsh", {json("7"), json("-1")}) ==
        "operand 2 must be an unsigned integer number but got a negative integer");
}

}  // namespace
}  // namespace tollgate::rego
