#include "policies/mutation/path.h"

#include <catch2/catch.hpp>

#include "rules/value/value.h"

using namespace tollgate::policies::mutation;
using tollgate::value::Value;

namespace {

Location parse_ok(std::string_view text) {
  PathError error;
  std::optional<Location> loc = parse_location(text, &error);
  INFO(text << " -> " << error.message << " at " << error.position);
  REQUIRE(loc);
  return *loc;
}

PathError parse_error(std::string_view text) {
  PathError error;
  std::optional<Location> loc = parse_location(text, &error);
  INFO(text);
  REQUIRE_FALSE(loc);
  return error;
}

}  // namespace

TEST_CASE("path: dotted field names", "[mutation]") {
  Location loc = parse_ok("spec.containers");
  REQUIRE(loc.size() == 2);
  CHECK(loc.nodes[0] == PathNode::object("spec"));
  CHECK(loc.nodes[1] == PathNode::object("containers"));
  CHECK(parse_ok("single_field").nodes == std::vector<PathNode>{PathNode::object("single_field")});
  CHECK(parse_ok("-123-_456_").nodes == std::vector<PathNode>{PathNode::object("-123-_456_")});
}

TEST_CASE("path: the empty text is the empty location", "[mutation]") {
  CHECK(parse_ok("").empty());
  CHECK(parse_ok("   ").empty());
}

TEST_CASE("path: keyed list segments, globs and integer keys", "[mutation]") {
  Location loc = parse_ok("spec.containers[name: *].securityContext");
  REQUIRE(loc.size() == 4);
  CHECK(loc.nodes[2] == PathNode::list_glob("name"));
  CHECK(loc.nodes[3] == PathNode::object("securityContext"));

  CHECK(parse_ok("spec.containers[name: foo]").nodes[2] == PathNode::list_keyed("name", std::string("foo")));
  // A quoted '*' is a value, not a glob.
  CHECK(parse_ok("spec.containers[name: \"*\"]").nodes[2] == PathNode::list_keyed("name", std::string("*")));
  CHECK(parse_ok("spec.ports[containerPort: 8080]").nodes[2] == PathNode::list_keyed("containerPort", int64_t{8080}));
  // Quoted digits stay a string and do not equal the integer key.
  PathNode quoted = parse_ok("spec.ports[containerPort: \"8080\"]").nodes[2];
  CHECK(quoted == PathNode::list_keyed("containerPort", std::string("8080")));
  CHECK(quoted != PathNode::list_keyed("containerPort", int64_t{8080}));
  CHECK(parse_ok("a[k: \"\"]").nodes[1] == PathNode::list_keyed("k", std::string("")));
  CHECK(parse_ok("a[\"\": v]").nodes[1] == PathNode::list_keyed("", std::string("v")));
}

TEST_CASE("path: integer keys match integer fields only", "[mutation]") {
  PathNode by_int = PathNode::list_keyed("port", int64_t{80});
  CHECK(by_int.key_matches(Value::integer(80)));
  CHECK_FALSE(by_int.key_matches(Value::string("80")));
  CHECK_FALSE(by_int.key_matches(Value::number(80.5)));
  PathNode by_string = PathNode::list_keyed("port", std::string("80"));
  CHECK(by_string.key_matches(Value::string("80")));
  CHECK_FALSE(by_string.key_matches(Value::integer(80)));
  CHECK(by_int.key_value() == Value::integer(80));
}

TEST_CASE("path: quoted names with escapes", "[mutation]") {
  CHECK(parse_ok("metadata.annotations.\"a.b/c\"").nodes[2] == PathNode::object("a.b/c"));
  CHECK(parse_ok(R"("sp\"ec")").nodes[0] == PathNode::object("sp\"ec"));
  CHECK(parse_ok(R"('it\'s')").nodes[0] == PathNode::object("it's"));
  CHECK(parse_ok(R"("trailing-backslash\\")").nodes[0] == PathNode::object("trailing-backslash\\"));
  CHECK(parse_ok(R"("embedded\\backslash")").nodes[0] == PathNode::object("embedded\\backslash"));
  CHECK(parse_ok("spec.\"foo\nbar\"").nodes[1] == PathNode::object("foo\nbar"));
  CHECK(parse_ok("foo.\"\".bar").nodes[1] == PathNode::object(""));
  Location full = parse_ok(R"(spec."this object"."is very"["much full": 'of everyone\'s'].'favorite thing')");
  REQUIRE(full.size() == 5);
  CHECK(full.nodes[3] == PathNode::list_keyed("much full", std::string("of everyone's")));
  CHECK(full.nodes[4] == PathNode::object("favorite thing"));
}

TEST_CASE("path: whitespace between tokens is ignored", "[mutation]") {
  CHECK(parse_ok("    spec   .    containers    ").nodes ==
        std::vector<PathNode>{PathNode::object("spec"), PathNode::object("containers")});
  CHECK(parse_ok("spec.containers[ name :  * ] . image").nodes[2] == PathNode::list_glob("name"));
  CHECK(parse_ok("a\t.\nb").size() == 2);
}

TEST_CASE("path: syntax errors say what was expected and where", "[mutation]") {
  CHECK(parse_error(".spec").message == "expected a field name, got '.'");
  CHECK(parse_error(".spec").position == 0);
  PathError trailing = parse_error("spec.");
  CHECK(trailing.message == "trailing separators are forbidden");
  CHECK(trailing.position == 4);
  CHECK(parse_error("foo..bar").message == "expected a field name, got '.'");
  CHECK(parse_error("foo..bar").position == 4);
  CHECK(parse_error("spec.foo bar").message == "expected '.' or end of location, got name \"bar\"");
  CHECK(parse_error("spec.foo bar").position == 9);
  CHECK(parse_error("spec.containers[my key: \"foo bar\"]").message ==
        "expected ':' after key field \"my\", got name \"key\"");
  CHECK(parse_error("spec.containers[key: foo bar]").message ==
        "expected ']' to close the list selector, got name \"bar\"");
  CHECK(parse_error("spec.containers[name: ].x").message == "expected a key value or '*' after ':', got ']'");
  CHECK(parse_error("spec.containers[].x").message == "expected a key field after '[', got ']'");
  CHECK(parse_error("spec.containers[:].x").message == "expected a key field after '[', got ':'");
  CHECK(parse_error("spec.containers[foo].x").message == "expected ':' after key field \"foo\", got ']'");
  CHECK(parse_error("spec.containers[*].x").message == "expected a key field after '[', got '*'");
  CHECK(parse_error("spec.containers[a: b][c: *]").message == "expected '.' or end of location, got '['");
  CHECK(parse_error("spec.[foo: bar]").message == "expected a field name, got '['");
  CHECK(parse_error("[foo: bar]").message == "expected a field name, got '['");
  CHECK(parse_error("*").message == "expected a field name, got '*'");
  CHECK(parse_error("][").message == "expected a field name, got ']'");
  CHECK(parse_error("foo[").message == "expected a key field after '[', got end of location");
  CHECK(parse_error(":").message == "expected a field name, got ':'");
}

TEST_CASE("path: names may not start with a digit unless quoted", "[mutation]") {
  CHECK(parse_error("012345").message == "expected a field name, got integer 012345");
  CHECK(parse_error("spec.1abc").message == "expected a field name, got integer 1");
  CHECK(parse_error("spec.containers[1: x]").message == "expected a key field after '[', got integer 1");
  CHECK(parse_error("a[k: 12x]").message == "expected ']' to close the list selector, got name \"x\"");
  CHECK(parse_ok("\"012345\"").nodes[0] == PathNode::object("012345"));
  CHECK(parse_ok("a1.b-2").size() == 2);
}

TEST_CASE("path: scanner errors name the character and position", "[mutation]") {
  PathError bad = parse_error("spec.cont{ainers");
  CHECK(bad.message == "invalid character '{'");
  CHECK(bad.position == 9);
  CHECK(parse_error("spec.a/b").message == "invalid character '/'");
  PathError open = parse_error("spec.\"unterminated");
  CHECK(open.message == "unterminated string");
  CHECK(open.position == 5);
  CHECK(parse_error("spec.\"ends with escape\\").message == "unterminated string");
  CHECK(parse_error("a[k: 99999999999999999999]").message == "integer key value 99999999999999999999 overflows int64");
  CHECK(parse_ok("a[k: 9223372036854775807]").nodes[1] == PathNode::list_keyed("k", int64_t{9223372036854775807}));
}

TEST_CASE("path: to_string quotes what needs quoting and parses back", "[mutation]") {
  for (const char* text :
       {"spec.containers[name: *].image", "metadata.annotations.\"a.b/c\"", "spec.ports[containerPort: 80].protocol",
        "a[\"my key\": \"foo bar\"].\"\"", "a[k: \"012\"]", "x.\"q\\\"uote\""}) {
    Location loc = parse_ok(text);
    std::string again = loc.to_string();
    INFO(text << " -> " << again);
    CHECK(parse_ok(again).nodes == loc.nodes);
  }
  CHECK(parse_ok("spec . containers[ name : foo ]").to_string() == "spec.containers[name: foo]");
  CHECK(parse_ok("spec.containers[name: foo].image").prefix_string(2) == "spec.containers");
}

TEST_CASE("path: prefixes compare node by node", "[mutation]") {
  Location loc = parse_ok("spec.containers[name: *].securityContext.runAsUser");
  CHECK(parse_ok("spec").is_prefix_of(loc));
  CHECK(parse_ok("spec.containers[name: *]").is_prefix_of(loc));
  CHECK(loc.is_prefix_of(loc));
  CHECK_FALSE(parse_ok("spec.containers[name: foo]").is_prefix_of(loc));
  CHECK_FALSE(parse_ok("spec.containers.securityContext").is_prefix_of(loc));
  CHECK_FALSE(parse_ok("spec.containers[name: *].securityContext.runAsUser.x").is_prefix_of(loc));
  CHECK(parse_ok("").is_prefix_of(loc));
}
