// The YAML reader is libyaml, the C library go-yaml is a line-by-line port
// of: a stream Kubernetes (sigs.k8s.io/yaml) or Gatekeeper refuses is refused
// here with the same problem text ("error converting YAML to JSON: yaml:
// line N: <problem>" there), and a stream they read is read.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::value;

namespace {

YamlError refused(const std::string& text) {
  std::vector<YamlDocument> docs;
  YamlError error;
  INFO(text);
  CHECK_FALSE(parse_yaml(text, &docs, &error));
  return error;
}

std::string read_json(const std::string& text) {
  std::vector<YamlDocument> docs;
  YamlError error;
  INFO(text);
  INFO(error.message);
  REQUIRE(parse_yaml(text, &docs, &error));
  REQUIRE(docs.size() == 1);
  return to_json(docs[0].value);
}

}  // namespace

TEST_CASE("characters that cannot start a plain scalar are refused as go-yaml refuses them", "[yaml]") {
  // scannerc.go, yaml_parser_fetch_next_token: '@' and '`' are reserved indicators.
  YamlError e = refused("kind: Pod\nname: @web\n");
  CHECK(e.message == "found character that cannot start any token");
  CHECK(e.location.line == 2);
  CHECK(e.location.column == 7);
  CHECK(refused("a: `b`\n").message == "found character that cannot start any token");
  // A tab where indentation is expected.
  CHECK(refused("a:\n\tb: c\n").message == "found character that cannot start any token");
}

TEST_CASE("unfinished flow collections and block mappings say what go-yaml says", "[yaml]") {
  // parserc.go, yaml_parser_parse_flow_sequence_entry / _flow_mapping_key.
  YamlError e = refused("[1, 2, 3");
  CHECK(e.message == "did not find expected ',' or ']'");
  CHECK(e.location.line == 1);  // the end of the text, not the line libyaml starts after it
  CHECK(e.location.column == 9);
  CHECK(refused("{a: 1, b: 2\n").message == "did not find expected ',' or '}'");
  // parserc.go, yaml_parser_parse_block_mapping_key.
  e = refused("a:\n  b: 1\n c: 2\n");
  CHECK(e.message == "did not find expected key");
  CHECK(e.location.line == 3);
  CHECK(e.location.column == 2);
  // scannerc.go, yaml_parser_fetch_value (a second ': ' on one line).
  CHECK(refused("a: b: c\n").message == "mapping values are not allowed in this context");
  // scannerc.go, yaml_parser_scan_flow_scalar.
  CHECK(refused("a: \"open\n").message == "found unexpected end of stream");
}

TEST_CASE("aliases of unknown anchors and anchors that contain themselves are refused in go-yaml's words", "[yaml]") {
  // decode.go, d.alias.
  YamlError e = refused("a: 1\nb: *nowhere\n");
  CHECK(e.message == "unknown anchor 'nowhere' referenced");
  CHECK(e.location.line == 2);
  CHECK(e.location.column == 4);
  CHECK(refused("a: &loop [1, *loop]\n").message == "anchor 'loop' value contains itself");
  // An anchor named again holds the later node from there on, as in go-yaml.
  CHECK(read_json("a: &x 1\nb: *x\nc: &x two\nd: *x\n") == R"({"a":1,"b":1,"c":"two","d":"two"})");
}

TEST_CASE("columns count bytes after multi-byte characters and lines end where libyaml ends them", "[yaml]") {
  std::vector<YamlDocument> docs;
  YamlError error;
  REQUIRE(parse_yaml("name: caf\xc3\xa9\nlist: [\xc3\xa9t\xc3\xa9, x]\nr: 1\r\nlast: \xf0\x9f\x98\x80\n", &docs, &error));
  REQUIRE(docs.size() == 1);
  const SourceMap& m = docs[0].locations;
  CHECK(m.find("/list/1").line == 2);
  CHECK(m.find("/list/1").column == 15);  // "list: [été, " is 14 bytes, 12 characters
  CHECK(m.find("/r").line == 3);
  CHECK(m.find("/last").line == 4);
  CHECK(m.find("/last").column == 1);
  // An error after a multi-byte character: its byte column ("b: [é, " is 8 bytes).
  YamlError e = refused("a: \xc3\xa9 @\nb: [\xc3\xa9, @x]\n");
  CHECK(e.location.line == 2);
  CHECK(e.location.column == 9);
}

TEST_CASE("a byte order mark is read past", "[yaml]") {
  CHECK(read_json("\xEF\xBB\xBFkind: Pod\n") == R"({"kind":"Pod"})");
}
