// A YAML stream that is not UTF-8, or holds a character YAML does not allow
// (a control character), is refused before parsing with go-yaml's reason
// and where it is, as kubectl and Gatekeeper refuse it; yaml-cpp alone would
// take the bytes as they come.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rules/value/yaml.h"

using namespace tollgate::value;

namespace {

YamlError refused(const std::string& text) {
  std::vector<YamlDocument> docs;
  YamlError error;
  CHECK_FALSE(parse_yaml(text, &docs, &error));
  return error;
}

}  // namespace

TEST_CASE("bytes that are not UTF-8 are refused with go-yaml's reason and their line and column", "[yaml][utf8]") {
  YamlError e = refused("kind: Pod\nmetadata:\n  name: st\xff" "rage\n");
  CHECK(e.message == "invalid leading UTF-8 octet");
  CHECK(e.location.line == 3);
  CHECK(e.location.column == 11);
  CHECK(refused("a: \xc3(\n").message == "invalid trailing UTF-8 octet");
  CHECK(refused("a: x\xe2\x82").message == "incomplete UTF-8 octet sequence");
  CHECK(refused("a: \xc0\xaf\n").message == "invalid length of a UTF-8 sequence");
  CHECK(refused("a: \xed\xa0\x80\n").message == "invalid Unicode character");
}

TEST_CASE("control characters are refused, tabs and line breaks are not", "[yaml][utf8]") {
  CHECK(refused(std::string("a: b\x01\n")).message == "control characters are not allowed");
  CHECK(refused(std::string("a: \"b\0\"\n", 8)).message == "control characters are not allowed");
  // Long runs of printable ASCII are checked eight bytes at a time: DEL and a
  // control character inside such a run are still found, where they are.
  YamlError del = refused("kind: ConfigMap\ndata:\n  key: abcdefgh\x7fijklmnop\n");
  CHECK(del.message == "control characters are not allowed");
  CHECK(del.location.line == 3);
  CHECK(del.location.column == 16);
  CHECK(refused("kind: ConfigMap\ndata: abcdefghijklmnopq\x1brst\n").message == "control characters are not allowed");
  std::vector<YamlDocument> docs;
  YamlError error;
  REQUIRE(parse_yaml("a:\tb\r\nc: \"caf\xc3\xa9 \xf0\x9f\x98\x80\"\n", &docs, &error));
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].value["c"].as_string() == "caf\xc3\xa9 \xf0\x9f\x98\x80");
}
