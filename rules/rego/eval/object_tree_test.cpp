#include "rules/rego/eval/object_tree.h"

#include <catch2/catch.hpp>

#include "rules/value/json.h"

using tollgate::rego::eval::KeyConflict;
using tollgate::rego::eval::ObjectTree;
using tollgate::value::Value;

namespace {

Value s(const char* text) { return Value::string(text); }

}  // namespace

TEST_CASE("rule entries merge into nested objects and sets", "[eval]") {
  ObjectTree tree;
  std::vector<Value> ar{s("a"), s("r")};
  tree.insert(ar, Value::integer(0), false);
  tree.insert(ar, Value::integer(0), false);  // the same value twice is no conflict
  std::vector<Value> b{s("b")};
  tree.insert(b, Value::integer(1), true);
  tree.add_members(s("b"), std::vector<Value>{Value::integer(2), Value::integer(1)});
  tree.put_base(s("base"), Value::boolean(true));
  CHECK(tollgate::value::to_json(tree.to_value()) == R"({"a":{"r":0},"b":[1,2],"base":true})");
}

TEST_CASE("a key given two values, or a value and an object, is a conflict", "[eval]") {
  ObjectTree tree;
  std::vector<Value> ar{s("a"), s("r")};
  tree.insert(ar, Value::integer(0), false);
  CHECK_THROWS_AS(tree.insert(ar, Value::integer(1), false), KeyConflict);
  std::vector<Value> a{s("a")};
  CHECK_THROWS_AS(tree.insert(a, Value::integer(1), false), KeyConflict);
  CHECK_THROWS_AS(tree.add_members(s("a"), std::vector<Value>{Value::integer(1)}), KeyConflict);
}

TEST_CASE("base documents win over rules at the same key", "[eval]") {
  ObjectTree tree;
  tree.put_base(s("k"), s("foo"));
  tree.put(s("k"), s("bar"));
  tree.put_base(s("o"), tollgate::value::parse_json_or_throw(R"({"x": 1})"));
  tree.nested(s("o")).put(s("y"), Value::integer(2));
  CHECK(tollgate::value::to_json(tree.to_value()) == R"({"k":"foo","o":{"x":1,"y":2}})");
}
