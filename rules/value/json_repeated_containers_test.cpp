// Small containers read again and again (an AdmissionReview's kind,
// resource and options, a Pod's ports and labels), within one document and
// across documents, with whatever the parser shares between them (short
// strings are): each document reads back exactly as written, and containers
// that differ only in a scalar's kind, a number's sign, a key's order or a
// duplicate are never mixed up.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <utility>

#include "rules/value/json.h"

using namespace tollgate::value;

TEST_CASE("small JSON objects that differ only in a value's kind read back as written", "[json]") {
  // Each one twice, interleaved, so that a wrong reuse would show.
  const std::pair<const char*, const char*> docs[] = {
      {R"({"a":1})", R"({"a":1})"},          {R"({"a":1.5})", R"({"a":1.5})"},
      {R"({"a":"1"})", R"({"a":"1"})"},      {R"({"a":true})", R"({"a":true})"},
      {R"({"a":null})", R"({"a":null})"},    {R"({"a":-0.0})", R"({"a":-0})"},
      {R"({"a":0.0})", R"({"a":0})"},        {R"({"a":false})", R"({"a":false})"},
      {R"({"a":"true"})", R"({"a":"true"})"}, {R"({"a":""})", R"({"a":""})"},
      {R"({"":""})", R"({"":""})"},          {R"({"a":18446744073709551615})", R"({"a":18446744073709551615})"},
      {R"(["a","b"])", R"(["a","b"])"},      {R"(["ab"])", R"(["ab"])"},
      {R"(["a",1])", R"(["a",1])"},          {R"([1,"a"])", R"([1,"a"])"},
      {R"([1])", R"([1])"},                  {R"([1.5])", R"([1.5])"},
      {R"([null])", R"([null])"},            {R"(["A"])", R"(["A"])"},
  };
  for (int round = 0; round < 2; ++round) {
    for (const auto& [doc, printed] : docs) {
      INFO(doc);
      CHECK(to_json(parse_json_or_throw(doc)) == printed);
    }
  }
  CHECK(parse_json_or_throw(R"({"a":1})")["a"].is_int());
  CHECK(parse_json_or_throw(R"({"a":1.0})")["a"].is_double());
  CHECK(parse_json_or_throw(R"({"a":"1"})")["a"].is_string());
  CHECK(std::signbit(parse_json_or_throw(R"({"a":-0.0})")["a"].as_double()));
  CHECK_FALSE(std::signbit(parse_json_or_throw(R"({"a":0.0})")["a"].as_double()));
  CHECK(parse_json_or_throw(R"({"a":18446744073709551615})")["a"].is_bignum());
  CHECK(to_json(parse_json_or_throw(R"(["a",1])")) == R"(["a",1])");
  CHECK(to_json(parse_json_or_throw(R"([1,"a"])")) == R"([1,"a"])");
}

TEST_CASE("a small JSON object read again keeps the key order it was given this time", "[json]") {
  for (int round = 0; round < 2; ++round) {
    Value ab = parse_json_or_throw(R"({"a":1,"b":2})");
    Value ba = parse_json_or_throw(R"({"b":2,"a":1})");
    Value dup = parse_json_or_throw(R"({"b":0,"a":1,"b":2})");
    CHECK(ab == ba);
    CHECK(ab.entries()[ab.given_order_index(0)].first.as_string() == "a");
    CHECK(ba.entries()[ba.given_order_index(0)].first.as_string() == "b");
    CHECK(dup == ab);
    CHECK(dup.entries()[dup.given_order_index(0)].first.as_string() == "b");
    CHECK(dup["b"].as_int() == 2);
  }
}

TEST_CASE("many distinct small JSON objects across documents each read back exactly", "[json]") {
  // More distinct containers than any cache holds, each seen several times.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2000; ++i) {
      std::string id = std::to_string(i);
      std::string doc = R"({"kind":{"group":"","version":"v)" + id + R"(","kind":"Pod"},"ports":[)" + id + R"(,80],)" +
                        R"("labels":{"app":"web","n":")" + id + R"("},"escaped":{"k":"\u0041)" + id + R"("}})";
      Value v = parse_json_or_throw(doc);
      REQUIRE(v["kind"]["version"].as_string() == "v" + id);
      REQUIRE(v["ports"].at(0)->as_int() == i);
      REQUIRE(v["labels"]["n"].as_string() == id);
      REQUIRE(v["escaped"]["k"].as_string() == "A" + id);
    }
  }
}

TEST_CASE("a repeated small JSON object inside one document reads the same in each place", "[json]") {
  Value v = parse_json_or_throw(R"({"kind":{"group":"","version":"v1","kind":"Pod"},
                                    "requestKind":{"group":"","version":"v1","kind":"Pod"},
                                    "other":{"group":"","version":"v1","kind":"Service"}})");
  CHECK(v["kind"] == v["requestKind"]);
  CHECK(v["kind"] != v["other"]);
  CHECK(to_json(v) ==
        R"({"kind":{"group":"","kind":"Pod","version":"v1"},"other":{"group":"","kind":"Service","version":"v1"},)"
        R"("requestKind":{"group":"","kind":"Pod","version":"v1"}})");
}
