#include "rules/value/yaml.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "rules/value/json.h"

using namespace tollgate::value;

namespace {

std::vector<YamlDocument> parse_ok(std::string_view text) {
  std::vector<YamlDocument> docs;
  YamlError err;
  INFO(err.message);
  REQUIRE(parse_yaml(text, &docs, &err));
  return docs;
}

Value parse_one(std::string_view text) {
  auto docs = parse_ok(text);
  REQUIRE(docs.size() == 1);
  return docs[0].value;
}

}  // namespace

TEST_CASE("multi-document streams skip empty documents", "[yaml]") {
  auto docs = parse_ok(R"(# leading comment
---
# only a comment here
---
kind: A
---
---
kind: B
...
---
# trailing comment only
)");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].value["kind"].as_string() == "A");
  CHECK(docs[1].value["kind"].as_string() == "B");
  CHECK(docs[0].first_line == 5);
  CHECK(docs[1].first_line == 8);
  CHECK(parse_ok("").empty());
  CHECK(parse_ok("# nothing\n").empty());
}

TEST_CASE("plain scalars follow the YAML 1.2 core schema", "[yaml]") {
  Value v = parse_one(R"(
yes_: yes
no_: no
on_: on
true_: true
True_: True
false_: FALSE
null_: ~
null2: null
empty:
int: 42
neg: -17
plus: +5
hex: 0x10
oct: 0o17
leading_zero: 007
float: 1.5
exp: 1e3
dot: .5
inf: -.inf
nan: .NaN
big: 123456789012345678901234567890
ver: 1.2.3
date: 2024-01-01
quoted_int: "123"
single_quoted_bool: 'true'
under: 1_000
)");
  CHECK(v["yes_"].as_string() == "yes");
  CHECK(v["no_"].as_string() == "no");
  CHECK(v["on_"].as_string() == "on");
  CHECK(v["true_"] == Value::boolean(true));
  CHECK(v["True_"] == Value::boolean(true));
  CHECK(v["false_"] == Value::boolean(false));
  CHECK(v["null_"].is_null());
  CHECK(v["null2"].is_null());
  REQUIRE(v.find("empty"));
  CHECK(v["empty"].is_null());
  CHECK(v["int"].is_int());
  CHECK(v["int"].as_int() == 42);
  CHECK(v["neg"].as_int() == -17);
  CHECK(v["plus"].as_int() == 5);
  CHECK(v["hex"].as_int() == 16);
  CHECK(v["oct"].as_int() == 15);
  CHECK(v["leading_zero"].as_int() == 7);
  CHECK(v["float"].as_double() == 1.5);
  CHECK(v["exp"].is_double());
  CHECK(v["exp"] == Value::integer(1000));
  CHECK(v["dot"].as_double() == 0.5);
  CHECK(v["inf"].as_double() == -INFINITY);
  CHECK(std::isnan(v["nan"].as_double()));
  CHECK(v["big"].is_bignum());
  CHECK(v["big"].as_string() == "123456789012345678901234567890");
  CHECK(v["ver"].as_string() == "1.2.3");
  CHECK(v["date"].as_string() == "2024-01-01");
  CHECK(v["quoted_int"].as_string() == "123");
  CHECK(v["single_quoted_bool"].as_string() == "true");
  CHECK(v["under"].as_string() == "1_000");
}

TEST_CASE("numbers beyond int64 keep their digits and beyond the double range are strings as in go-yaml", "[yaml]") {
  // Found by fuzz_value_yaml: the digits were kept as written, and "000…" is not JSON.
  Value v = parse_one("a: 000012345678901234567890123\nb: -0098765432109876543210\n");
  CHECK(to_json(v) == R"({"a":12345678901234567890123,"b":-98765432109876543210})");

  // Found by fuzz_value_yaml too: 330 digits overflow a double, so no JSON reader takes the
  // number back; go-yaml's ParseFloat fails there and the scalar resolves as a string.
  std::string huge(330, '7');
  Value h = parse_one("huge: " + huge + "\nneg: -" + huge + "\nexp: 1e400\ntiny: 1e-400\n");
  CHECK(h["huge"].as_string() == huge);
  CHECK(h["neg"].as_string() == "-" + huge);
  CHECK(h["exp"].as_string() == "1e400");
  CHECK(h["tiny"] == Value::number(0.0));  // underflow is a number, as in Go
  Value back;
  JsonError error;
  CHECK(parse_json(to_json(h), &back, &error));

  std::vector<YamlDocument> docs;
  YamlError tagged;
  CHECK_FALSE(parse_yaml("x: !!float 1e400\n", &docs, &tagged));
  CHECK(tagged.message.find("cannot parse \"1e400\" as !!float") != std::string::npos);
}

TEST_CASE("explicit tags and block scalars", "[yaml]") {
  Value v = parse_one(R"(
s: !!str 123
i: !!int "42"
f: !!float 3
b: !!bool "false"
n: !!null ""
custom: !thing 12
literal: |
  line one
  line two
folded: >-
  folded
  text
)");
  CHECK(v["s"].as_string() == "123");
  CHECK(v["i"].as_int() == 42);
  CHECK(v["f"].is_double());
  CHECK(v["f"].as_double() == 3.0);
  CHECK(v["b"] == Value::boolean(false));
  CHECK(v["n"].is_null());
  CHECK(v["custom"].as_string() == "12");
  CHECK(v["literal"].as_string() == "line one\nline two\n");
  CHECK(v["folded"].as_string() == "folded text");

  std::vector<YamlDocument> docs;
  YamlError err;
  CHECK_FALSE(parse_yaml("a:\n  b: !!int twelve\n", &docs, &err));
  CHECK(err.message.find("!!int") != std::string::npos);
  CHECK(err.location.line == 2);
  CHECK(err.location.column == 6);
}

TEST_CASE("mapping keys become strings", "[yaml]") {
  Value v = parse_one("1: one\ntrue: yes\n1.5: x\n\"q\": quoted\n0x10: hex\n");
  CHECK(v["1"].as_string() == "one");
  CHECK(v["true"].as_string() == "yes");
  CHECK(v["1.5"].as_string() == "x");
  CHECK(v["q"].as_string() == "quoted");
  CHECK(v["16"].as_string() == "hex");
  for (const auto& [k, val] : v.entries()) CHECK(k.is_string());
}

TEST_CASE("anchors, aliases and merge keys are resolved", "[yaml]") {
  Value v = parse_one(R"(
base: &base
  image: nginx
  replicas: 2
copy: *base
list: [&x 1, *x]
merged:
  <<: *base
  replicas: 3
)");
  CHECK(v["copy"] == v["base"]);
  CHECK(to_json(v["list"]) == "[1,1]");
  CHECK(v["merged"]["image"].as_string() == "nginx");
  CHECK(v["merged"]["replicas"].as_int() == 3);
  CHECK(v["merged"].find("<<") == nullptr);
}

TEST_CASE("every node has its source location", "[yaml]") {
  auto docs = parse_ok(R"(---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
spec:
  parameters:
    labels:
      - key: owner
        allowedRegex: "^[a-z]+$"
  "a/b~c": 1
)");
  REQUIRE(docs.size() == 2);
  const SourceMap& m = docs[1].locations;
  SourceLocation loc = m.find("/spec/parameters/labels/0/allowedRegex");
  CHECK(loc.line == 11);
  CHECK(loc.column == 9);
  loc = m.find("/spec/parameters/labels/0");
  CHECK(loc.line == 10);
  CHECK(loc.column == 9);
  loc = m.find("/spec/parameters");
  CHECK(loc.line == 8);
  CHECK(loc.column == 3);
  loc = m.find("/spec/a~1b~0c");
  CHECK(loc.line == 12);
  // A pointer below a scalar falls back to the nearest ancestor with a location.
  loc = m.find("/spec/parameters/labels/0/key/deeper");
  CHECK(loc.line == 10);
  CHECK(loc.column == 9);
  CHECK(m.find("/nowhere").line == 5);  // the document root
  CHECK(docs[1].first_line == 5);
}

TEST_CASE("syntax errors report line and column", "[yaml]") {
  std::vector<YamlDocument> docs;
  YamlError err;
  CHECK_FALSE(parse_yaml("ok: 1\nlist: [1, 2\nnext: x\n", &docs, &err));
  CHECK_FALSE(err.message.empty());
  CHECK(err.location.line >= 2);
  CHECK(err.location.column >= 1);

  CHECK_FALSE(parse_yaml("a: b\n c: d\n", &docs, &err));
  CHECK(err.location.line == 2);
  CHECK(err.location.column == 3);
  // go-yaml's words (scannerc.go, yaml_parser_fetch_value).
  CHECK(err.message == "mapping values are not allowed in this context");
  CHECK(docs.empty());
}

TEST_CASE("JSON pointer tokens are escaped", "[yaml]") {
  CHECK(pointer_append("", "spec") == "/spec");
  CHECK(pointer_append("/spec", "a/b~c") == "/spec/a~1b~0c");
  CHECK(pointer_append("/items", size_t{3}) == "/items/3");
}

TEST_CASE("files load, and missing files say why", "[yaml]") {
  std::vector<YamlDocument> docs;
  YamlError err;
  std::string path = std::string(TOLLGATE_SHARED_DIR) +
                     "/testdata/gatekeeper-library/library/general/requiredlabels/template.yaml";
  REQUIRE(load_yaml_file(path, &docs, &err));
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].value["kind"].as_string() == "ConstraintTemplate");
  const Value* targets = docs[0].value.path({"spec", "targets"});
  REQUIRE(targets);
  REQUIRE(targets->at(0));
  const Value* code = targets->at(0)->find("code");
  REQUIRE(code);
  REQUIRE(code->at(1));
  const Value* rego = code->at(1)->path({"source", "rego"});
  REQUIRE(rego);
  CHECK(rego->as_string().rfind("package k8srequiredlabels\n", 0) == 0);
  CHECK(docs[0].locations.find("/spec/targets/0/code/1/source/rego").line == 51);

  CHECK_FALSE(load_yaml_file("/nonexistent/file.yaml", &docs, &err));
  CHECK(err.message == "cannot read /nonexistent/file.yaml: No such file or directory");
}
