#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value set_of_ints(std::initializer_list<int> xs) {
  std::vector<Value> items;
  for (int x : xs) items.push_back(Value::integer(x));
  return set_of(std::move(items));
}

TEST_CASE("intersection and union of a set of sets", "[builtins]") {
  CHECK(call("intersection", {set_of({})}) == set_of({}));
  CHECK(call("intersection", {set_of({set_of({}), set_of_ints({1, 2})})}) == set_of({}));
  CHECK(call("intersection", {set_of({set_of_ints({1, 2, 3}), set_of_ints({2})})}) == set_of_ints({2}));
  CHECK(call("intersection", {set_of({set_of_ints({1, 2, 3}), set_of_ints({2, 3, 4}), set_of_ints({3, 9})})}) ==
        set_of_ints({3}));
  CHECK(call("union", {set_of({})}) == set_of({}));
  CHECK(call("union", {set_of({set_of_ints({1, 2, 3}), set_of_ints({2, 3, 4}), set_of_ints({4, 5, 6})})}) ==
        set_of_ints({1, 2, 3, 4, 5, 6}));
  CHECK(std::string(call_error("union", {set_of({json("1")})}).what()) == "operand 1 must be set but got number");
  CHECK(std::string(call_error("intersection", {json("[]")}).what()) == "operand 1 must be set but got array");
}

TEST_CASE("set_diff is deprecated set difference", "[builtins]") {
  CHECK(call("set_diff", {set_of_ints({1, 2, 3, 4}), set_of_ints({1, 3})}) == set_of_ints({2, 4}));
  CHECK(BuiltinRegistry::standard().find("set_diff")->deprecated);
}

}  // namespace
}  // namespace tollgate::rego
