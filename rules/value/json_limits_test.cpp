// What parse_json accepts and refuses at the edges: nesting depth, invalid
// UTF-8 and surrogates, stray content, duplicate keys and numbers at the
// int64 / uint64 / double boundaries. Any other parse path (simdjson
// On-Demand, a newer simdjson) has to give these same Values and errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "rules/value/json.h"

using namespace tollgate::value;

namespace {

struct Parsed {
  bool ok = false;
  Value value;
  JsonError error;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.ok = parse_json(text, &p.value, &p.error);
  return p;
}

std::string nested_arrays(int depth) { return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']'); }

}  // namespace

TEST_CASE("JSON nested 1024 deep parses and deeper is refused as too deep", "[json][limits]") {
  Parsed deepest = parse(nested_arrays(1024));
  REQUIRE(deepest.ok);
  const Value* v = &deepest.value;
  int depth = 1;
  while (v->size() == 1) {
    v = v->at(0);
    ++depth;
  }
  CHECK(depth == 1024);

  for (int too_deep : {1025, 100000}) {
    INFO(too_deep);
    Parsed p = parse(nested_arrays(too_deep));
    CHECK_FALSE(p.ok);
    CHECK(p.error.message.find("too deep") != std::string::npos);
  }
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(5000, '}');
  Parsed p = parse(objects);
  CHECK_FALSE(p.ok);
  CHECK(p.error.message.find("too deep") != std::string::npos);
}

TEST_CASE("JSON with bytes that are not UTF-8 or with lone surrogates is refused", "[json][limits][utf8]") {
  for (const char* bad : {"{\"\xff\":1}", "[\"ok\",\"\xc3\"]", "\"\xed\xa0\x80\"", "\"\\ud800\"", "\"\\udc00x\"",
                          "{\"k\":\"\\ud83d\"}"}) {
    INFO(bad);
    Parsed p = parse(bad);
    CHECK_FALSE(p.ok);
    CHECK_FALSE(p.error.message.empty());
  }
  Parsed pair = parse(R"(["\ud83d\ude00", "caf\u00e9"])");
  REQUIRE(pair.ok);
  CHECK(pair.value.at(0)->as_string() == "\xf0\x9f\x98\x80");
  CHECK(pair.value.at(1)->as_string() == "caf\xc3\xa9");
}

TEST_CASE("JSON with raw control characters in strings or content after the document is refused", "[json][limits]") {
  Parsed control = parse("{\"a\":\"x\x01y\"}");
  CHECK_FALSE(control.ok);
  CHECK(control.error.message.find("escaped") != std::string::npos);
  Parsed two = parse("[1] [2]");
  CHECK_FALSE(two.ok);
  CHECK(two.error.offset == 4);  // where the second document starts
  Parsed blank = parse("   ");
  CHECK_FALSE(blank.ok);
  CHECK_FALSE(blank.error.message.empty());
}

TEST_CASE("a JSON key given twice keeps its first place and its last value", "[json][limits]") {
  Parsed p = parse(R"({"b":1,"a":2,"b":3})");
  REQUIRE(p.ok);
  REQUIRE(p.value.size() == 2);
  CHECK(p.value["b"].as_int() == 3);
  CHECK(to_json(p.value) == R"({"a":2,"b":3})");
  // Given order (what cel-go walks a map in): b, then a.
  CHECK(p.value.entries()[p.value.given_order_index(0)].first.as_string() == "b");
  CHECK(p.value.entries()[p.value.given_order_index(1)].first.as_string() == "a");
}

TEST_CASE("JSON numbers at the int64, uint64 and double edges keep their exact value", "[json][limits]") {
  Parsed p = parse(R"([9223372036854775807, -9223372036854775808, 9223372036854775808, -9223372036854775809,
                       18446744073709551615, 18446744073709551616, -0, -0.0, 1e-400, 5e-324])");
  REQUIRE(p.ok);
  const auto& n = p.value.items();
  CHECK(n[0].is_int());
  CHECK(n[1].is_int());
  for (size_t i : {2, 3, 4, 5}) {
    INFO(i);
    CHECK(n[i].is_bignum());
  }
  CHECK(n[3].as_string() == "-9223372036854775809");
  CHECK(n[5].as_string() == "18446744073709551616");
  CHECK(n[6].is_int());  // -0 is the integer zero
  CHECK(n[7].is_double());
  CHECK(std::signbit(n[7].as_double()));
  CHECK(n[8].as_double() == 0.0);  // underflows to zero, as in Go
  CHECK(n[9].as_double() > 0.0);
  Parsed huge = parse("[1e400]");
  CHECK_FALSE(huge.ok);
  CHECK(huge.error.message.find("number") != std::string::npos);
}
