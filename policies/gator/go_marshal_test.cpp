// gator expand's YAML and JSON, byte for byte (gatekeeper-expansion.md
// §6.3, §6.4): go-yaml v2's layout, key order, quoting and Go's numbers.
#include "policies/gator/go_marshal.h"

#include <catch2/catch.hpp>

#include "policies/expansion/test_fixtures.h"
#include "policies/test_support.h"

using namespace tollgate::policies::gator;
using tollgate::policies::testing::yaml;

TEST_CASE("go-yaml puts sequence items at their key's indentation", "[gator][expand]") {
  // gator expand's basic-expansion output, read and written again.
  CHECK(to_go_yaml(yaml(tollgate::policies::expansion::testing::kBasicExpansionPod)) ==
        tollgate::policies::expansion::testing::kBasicExpansionPod);
  CHECK(to_go_yaml(yaml("{spec: {containers: [{name: a, args: [x, [z]]}]}}")) ==
        "spec:\n  containers:\n  - args:\n    - x\n    - - z\n    name: a\n");
}

TEST_CASE("go-yaml orders keys naturally: non-letters first, digit runs as numbers", "[gator][expand]") {
  CHECK(go_yaml_key_less("a9", "a10"));
  CHECK_FALSE(go_yaml_key_less("a10", "a9"));
  CHECK(go_yaml_key_less("B", "a"));      // letters by code point
  CHECK(go_yaml_key_less("a-b", "aab"));  // a non-letter before a letter
  CHECK(go_yaml_key_less("ab", "abc"));   // a prefix first
  CHECK(to_go_yaml(yaml("{x10: 1, x9: 2, X: 3}")) == "X: 3\nx9: 2\nx10: 1\n");
}

TEST_CASE("go-yaml quotes strings YAML 1.1 would read otherwise", "[gator][expand]") {
  CHECK(to_go_yaml(yaml(R"({a: "80", b: "true", c: "yes", d: "off", e: "1:20", f: "1.5", g: "~", h: "", i: plain})")) ==
        "a: \"80\"\nb: \"true\"\nc: \"yes\"\nd: \"off\"\ne: \"1:20\"\nf: \"1.5\"\ng: \"~\"\nh: \"\"\ni: plain\n");
  CHECK(to_go_yaml(yaml(R"({a: "*star", b: "key: value", c: "x #y", d: "- item"})")) ==
        "a: '*star'\nb: 'key: value'\nc: 'x #y'\nd: '- item'\n");
  CHECK(to_go_yaml(yaml(R"({script: "echo a\necho b\n"})")) == "script: |\n  echo a\n  echo b\n");
}

TEST_CASE("go-yaml writes numbers as Go's %g of a double, and empty collections in flow", "[gator][expand]") {
  CHECK(to_go_yaml(yaml("{a: 80, b: 0.5, c: 1000000, d: 1234567, e: null, f: {}, g: [], h: true}")) ==
        "a: 80\nb: 0.5\nc: 1e+06\nd: 1.234567e+06\ne: null\nf: {}\ng: []\nh: true\n");
}

TEST_CASE("gator expand's JSON: sorted keys, four spaces, HTML characters escaped, no final newline",
          "[gator][expand]") {
  CHECK(to_go_json(yaml("{kind: Purr, apiVersion: v1, spec: {loud: '<very> & more', tags: [a], none: {}}}")) ==
        "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Purr\",\n    \"spec\": {\n        \"loud\": "
        "\"\\u003cvery\\u003e \\u0026 more\",\n        \"none\": {},\n        \"tags\": [\n            \"a\"\n"
        "        ]\n    }\n}");
}

TEST_CASE("yaml.v3 indents by four, two past a sequence item's dash", "[gator][test]") {
  // gator's own formatOutput test: a mapping in a sequence item, and maps
  // nested in it at the next multiple of four.
  CHECK(to_go_yaml_v3(yaml("[{result: {target: foo, constraint: {object: {kind: kind}}}, violatingObject: {bar: xyz}}]")) ==
        "- result:\n    constraint:\n        object:\n            kind: kind\n    target: foo\n"
        "  violatingObject:\n    bar: xyz\n");
  // Sequences sit under their key, indented.
  CHECK(to_go_yaml_v3(yaml("{spec: {args: [a, {x: 1, z: [b]}]}}")) ==
        "spec:\n    args:\n        - a\n        - x: 1\n          z:\n            - b\n");
}

TEST_CASE("yaml.v3 quotes what would read as another type and never folds long strings", "[gator][test]") {
  CHECK(to_go_yaml_v3(yaml(R"({a: "", b: "yes", c: "1.0", d: "2024-01-02T03:04:05Z", e: "x: y", f: "tab\there"})")) ==
        "a: \"\"\nb: \"yes\"\nc: \"1.0\"\nd: \"2024-01-02T03:04:05Z\"\ne: 'x: y'\nf: \"tab\\there\"\n");
  CHECK(to_go_yaml_v3(yaml(R"({m: "one\ntwo"})")) == "m: |-\n    one\n    two\n");
  CHECK(to_go_yaml_v3(yaml(R"(["<<", "-", "-U"])")) == "- \"<<\"\n- '-'\n- -U\n");
  // Characters outside the BMP are not printable to libyaml: escaped.
  CHECK(to_go_yaml_v3(Value::string("ok \xF0\x9F\x94\xA7 \xE2\x9C\x93")) == "\"ok \\U0001F527 \xE2\x9C\x93\"\n");
  // yaml.v3 sets no line width.
  std::string words;
  for (int i = 0; i < 40; ++i) words += "word" + std::to_string(i) + " ";
  words += "end";
  CHECK(to_go_yaml_v3(tollgate::value::ObjectBuilder().add("msg", Value::string(words)).build()) ==
        "msg: " + words + "\n");
}

TEST_CASE("yaml.v3 writes float64s as %g, and integers as int64s where Go decoded them so", "[gator][test]") {
  CHECK(to_go_yaml_v3(yaml("{a: 1000000, b: 1.5, c: 3}")) == "a: 1e+06\nb: 1.5\nc: 3\n");
  std::string out;
  append_go_yaml_v3_value(yaml("{a: 1000000, b: 1.5}"), 0, out, /*int64s=*/true);
  CHECK(out == "\n    a: 1000000\n    b: 1.5\n");
}
