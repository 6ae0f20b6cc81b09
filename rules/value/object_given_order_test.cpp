// Objects read from JSON and YAML remember the order their keys were given
// in (for CEL's map iteration), while staying sorted for everything else.
#include <catch2/catch.hpp>
#include <string>

#include "rules/value/json.h"
#include "rules/value/value.h"
#include "rules/value/yaml.h"

using tollgate::value::Value;

namespace {

std::string keys_in_given_order(const Value& obj) {
  std::string out;
  for (size_t k = 0; k < obj.size(); ++k) out += obj.entries()[obj.given_order_index(k)].first.as_string() + " ";
  return out;
}

}  // namespace

TEST_CASE("a JSON object's keys come back in document order, its entries stay sorted", "[value]") {
  Value v = tollgate::value::parse_json_or_throw(R"({"url": 1, "created": 2, "b": {"z": 1, "a": 2}})");
  CHECK(keys_in_given_order(v) == "url created b ");
  CHECK(v.entries()[0].first.as_string() == "b");
  CHECK(keys_in_given_order(v["b"]) == "z a ");
  CHECK(v == tollgate::value::parse_json_or_throw(R"({"b": {"a": 2, "z": 1}, "created": 2, "url": 1})"));
}

TEST_CASE("a repeated key keeps its first place and its last value", "[value]") {
  Value v = tollgate::value::parse_json_or_throw(R"({"b": 1, "a": 2, "b": 3})");
  CHECK(keys_in_given_order(v) == "b a ");
  CHECK(v["b"] == Value::integer(3));
  Value w = Value::object_keeping_order({{Value::string("y"), Value::integer(1)},
                                         {Value::string("x"), Value::integer(2)},
                                         {Value::string("y"), Value::integer(3)}});
  CHECK(keys_in_given_order(w) == "y x ");
  CHECK(w["y"] == Value::integer(3));
}

TEST_CASE("YAML mappings keep their key order too", "[value]") {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  REQUIRE(tollgate::value::parse_yaml("{name: web, image: nginx, args: []}", &docs, &error));
  CHECK(keys_in_given_order(docs.front().value) == "name image args ");
}

TEST_CASE("objects built by rule code and large objects iterate in sorted order", "[value]") {
  Value built = Value::object({{Value::string("b"), Value::integer(1)}, {Value::string("a"), Value::integer(2)}});
  CHECK(keys_in_given_order(built) == "a b ");
  std::string text = "{";
  for (int i = 20; i > 0; --i) text += std::string(i == 20 ? "" : ",") + "\"k" + std::to_string(100 + i) + "\": 1";
  text += "}";
  Value large = tollgate::value::parse_json_or_throw(text);
  CHECK(large.entries()[large.given_order_index(0)].first.as_string() == "k101");
}
