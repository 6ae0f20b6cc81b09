#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value parse(const char* text) { return call("rego.parse_module", {str("x.rego"), str(text)}); }

TEST_CASE("rego.parse_module writes the package, imports and rules as OPA's AST JSON", "[builtins]") {
  const Value m = parse("package foo.bar\n\nimport rego.v1\nimport data.a as b\n\np if { a = true }");
  CHECK(m["package"] == json(R"({"path": [{"type": "var", "value": "data"}, {"type": "string", "value": "foo"},
                                            {"type": "string", "value": "bar"}]})"));
  CHECK(m["imports"] == json(R"([
    {"path": {"type": "ref", "value": [{"type": "var", "value": "rego"}, {"type": "string", "value": "v1"}]}},
    {"path": {"type": "ref", "value": [{"type": "var", "value": "data"}, {"type": "string", "value": "a"}]},
     "alias": "b"}])"));
  // `p if {...}` has the value true; `a = true` is a call of eq.
  CHECK(m["rules"] == json(R"([{
    "head": {"name": "p", "ref": [{"type": "var", "value": "p"}], "value": {"type": "boolean", "value": true}},
    "body": [{"index": 0, "terms": [{"type": "ref", "value": [{"type": "var", "value": "eq"}]},
                                    {"type": "var", "value": "a"}, {"type": "boolean", "value": true}]}]}])"));
}

TEST_CASE("rego.parse_module writes functions, negation and calls", "[builtins]") {
  const Value m = parse("package t\nf(x) := y if { not startswith(x, \"a\"); y := count(x) }");
  const Value& rule = *m["rules"].at(0);
  CHECK(rule["head"]["args"] == json(R"([{"type": "var", "value": "x"}])"));
  CHECK(rule["head"]["assign"] == json("true"));
  CHECK(rule["body"].at(0)->find("negated")->as_bool());
  CHECK(*rule["body"].at(1)->find("terms") == json(R"([
    {"type": "ref", "value": [{"type": "var", "value": "assign"}]}, {"type": "var", "value": "y"},
    {"type": "call", "value": [{"type": "ref", "value": [{"type": "var", "value": "count"}]},
                               {"type": "var", "value": "x"}]}])"));
}

TEST_CASE("rego.parse_module keeps the comments as Go marshals their bytes", "[builtins]") {
  const Value m = parse("# METADATA\n# title: t\npackage t\np := 1 # one\n");
  CHECK(m["comments"] == json(R"([{"Text": "IE1FVEFEQVRB"}, {"Text": "IHRpdGxlOiB0"}, {"Text": "IG9uZQ=="}])"));
  CHECK(parse("package t\np := 1\n").find("comments") == nullptr);
}

TEST_CASE("rego.parse_module reports parse errors as OPA does", "[builtins]") {
  CHECK(std::string(call_error("rego.parse_module", {str("x.rego"), str("package foo.")}).what()) ==
        "1 error occurred: x.rego:1: rego_parse_error: unexpected eof token: expected ident");
}

}  // namespace
}  // namespace tollgate::rego
