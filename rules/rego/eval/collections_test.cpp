#include "rules/rego/eval/collections.h"

#include <catch2/catch.hpp>

#include <string>

#include "rules/value/json.h"

using tollgate::rego::eval::lookup;
using tollgate::value::Value;

namespace {

Value parse(const std::string& text) {
  Value v;
  tollgate::value::JsonError err;
  REQUIRE(tollgate::value::parse_json(text, &v, &err));
  return v;
}

}  // namespace

TEST_CASE("a string key finds its own entry among keys of the same length, small and large objects alike",
          "[eval]") {
  for (const char* text : {R"({"ab": 1, "ac": 2, "b": 3})",
                           R"({"a0": 0, "a1": 1, "a2": 2, "a3": 3, "a4": 4, "a5": 5, "a6": 6, "ab": 1, "ac": 2, "b": 3})"}) {
    Value object = parse(text);
    const Value* ac = lookup(object, Value::string("ac"));
    REQUIRE(ac != nullptr);
    CHECK(ac->as_int() == 2);
    const Value* b = lookup(object, Value::string("b"));
    REQUIRE(b != nullptr);
    CHECK(b->as_int() == 3);
    CHECK(lookup(object, Value::string("ad")) == nullptr);
    CHECK(lookup(object, Value::string("")) == nullptr);
  }
}

TEST_CASE("a string key does not find a number key written the same", "[eval]") {
  Value object = Value::object({{Value::integer(1), Value::string("number")}, {Value::string("x"), Value::integer(0)}});
  CHECK(lookup(object, Value::string("1")) == nullptr);
  CHECK(lookup(object, Value::string("x")) != nullptr);
}
