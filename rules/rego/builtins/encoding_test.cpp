#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value I(int64_t i) { return Value::integer(i); }
Value B(bool b) { return Value::boolean(b); }
std::string error_text(std::string_view name, std::vector<Value> args) { return call_error(name, std::move(args)).what(); }

TEST_CASE("base64 and base64url", "[builtins]") {
  CHECK(call("base64.encode", {str("hello")}) == str("aGVsbG8="));
  CHECK(call("base64.encode", {str("subjects?_d")}) == str("c3ViamVjdHM/X2Q="));
  CHECK(call("base64.decode", {str("c3ViamVjdHM/X2Q=")}) == str("subjects?_d"));
  CHECK(call("base64.decode", {str("aGVs\nbG8=")}) == str("hello"));
  CHECK(call("base64.is_valid", {str("aGVsbG8=")}) == B(true));
  CHECK(call("base64.is_valid", {str("{'not':'base64'}")}) == B(false));
  CHECK(call("base64.is_valid", {I(1)}) == B(false));
  CHECK(error_text("base64.decode", {str("aGVsbG8")}) == "illegal base64 data at input byte 4");
  CHECK(error_text("base64.decode", {str("a$==")}) == "illegal base64 data at input byte 1");
  CHECK(error_text("base64.decode", {str("aGVsbG8=x")}) == "illegal base64 data at input byte 8");
  CHECK(call("base64url.encode", {str("subjects?_d")}) == str("c3ViamVjdHM_X2Q="));
  CHECK(call("base64url.encode_no_pad", {str("hello")}) == str("aGVsbG8"));
  CHECK(call("base64url.decode", {str("aGVsbG8")}) == str("hello"));
  CHECK(call("base64url.decode", {str("c3ViamVjdHM_X2Q=")}) == str("subjects?_d"));
  CHECK(error_text("base64url.decode", {str("a")}) == "illegal base64url string: a");
  CHECK(error_text("base64url.decode", {str("c3ViamVjdHM/X2Q=")}) == "illegal base64 data at input byte 11");
}

TEST_CASE("hex.encode and hex.decode", "[builtins]") {
  CHECK(call("hex.encode", {str("lorem ipsum")}) == str("6c6f72656d20697073756d"));
  CHECK(call("hex.decode", {str("6c6f72656d20697073756d")}) == str("lorem ipsum"));
  CHECK(call("hex.decode", {str("4A4b")}) == str("JK"));
  BuiltinError e = call_error("hex.decode", {str("fghijkl")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "encoding/hex: invalid byte: U+0067 'g'");
  CHECK(error_text("hex.decode", {str("abc")}) == "encoding/hex: odd length hex string");
}

TEST_CASE("json.marshal writes numbers as written: 1.0, 2.50, 1e2", "[builtins]") {
  const Value nums = Value::array({*number_from_text("1.0"), *number_from_text("2.50"), *number_from_text("1e2")});
  CHECK(call("json.marshal", {nums}) == str("[1.0,2.50,1e2]"));
  CHECK(call("json.marshal", {Value::object({{*number_from_text("2.0"), I(1)}})}) == str(R"({"2.0":1})"));
}

TEST_CASE("json.marshal writes Go's encoding/json output", "[builtins]") {
  CHECK(call("json.marshal", {Value::array({Value::object({{str("foo"), set_of({I(3), I(1), I(2)})}})})}) ==
        str(R"([{"foo":[1,2,3]}])"));
  CHECK(call("json.marshal", {json(R"({"b": 1, "a": "<x> & \u2028 \n"})")}) ==
        str(R"({"a":"\u003cx\u003e \u0026 \u2028 \n","b":1})"));
  CHECK(call("json.marshal", {Value::object({{I(10), str("a")}, {I(9), str("b")}, {json("[1]"), Value::null()}})}) ==
        str(R"({"10":"a","9":"b","[1]":null})"));
  CHECK(call("json.marshal", {json("[1.5, 1000000, 1e-7]")}) == str("[1.5,1000000,1e-07]"));
  CHECK(call("json.marshal", {*number_from_text("123456789123456789123")}) == str("123456789123456789123"));
}

TEST_CASE("json.marshal_with_options", "[builtins]") {
  Value list = json("[1234567890, 2000000, 1000000000]");
  auto marshal = [&](const Value& v, const char* opts) { return call("json.marshal_with_options", {v, json(opts)}).as_string(); };
  CHECK(marshal(list, R"({"indent": "  "})") == "[\n  1234567890,\n  2000000,\n  1000000000\n]");
  CHECK(marshal(list, "{}") == "[1234567890,2000000,1000000000]");
  CHECK(marshal(list, R"({"pretty": true})") == "[\n\t1234567890,\n\t2000000,\n\t1000000000\n]");
  CHECK(marshal(list, R"({"pretty": false, "prefix": "NO!", "indent": "BAD!"})") == "[1234567890,2000000,1000000000]");
  CHECK(marshal(json(R"({"foo": "bar", "bar": "baz"})"), R"({"prefix": "JSON => "})") ==
        "JSON => {\nJSON => \t\"bar\": \"baz\",\nJSON => \t\"foo\": \"bar\"\nJSON => }");
  CHECK(marshal(json("[]"), R"({"indent": "    ", "prefix": "---"})") == "---[]");
  CHECK(marshal(json("[[[]]]"), R"({"indent": " "})") == "[\n [\n  []\n ]\n]");
  BuiltinError e = call_error("json.marshal_with_options", {json("[]"), json(R"({"indent": "  ", "winning": true})")});
  CHECK(e.code() == BuiltinError::Code::Type);
  CHECK(std::string(e.what()) == "operand 2 object contained unknown key \"winning\"");
}

TEST_CASE("json.unmarshal and json.is_valid", "[builtins]") {
  CHECK(call("json.unmarshal", {str(R"([{"foo":[1,2,3]}])")}) == json(R"([{"foo": [1, 2, 3]}])"));
  CHECK(call("json.unmarshal", {str("1.0")}) == Value::integer(1));
  CHECK(number_text(call("json.unmarshal", {str("1.0")})) == "1.0");  // UseNumber keeps the text
  CHECK(call("json.unmarshal", {str("0.1000000000000000000001")}) == *number_from_text("0.1000000000000000000001"));
  CHECK(call("json.unmarshal", {str(R"({"a": 1, "a": 2})")}) == json(R"({"a": 2})"));
  CHECK(call("json.unmarshal", {str(R"("\ud83d\ude00\u00e5")")}) == str("\xF0\x9F\x98\x80\xC3\xA5"));
  CHECK(error_text("json.unmarshal", {str("plainstring")}) == "invalid character 'p' looking for beginning of value");
  CHECK(error_text("json.unmarshal", {str("{")}) == "unexpected EOF");
  CHECK(error_text("json.unmarshal", {str(R"({"a" 1})")}) == "invalid character '1' after object key");
  CHECK(error_text("json.unmarshal", {str("[1 2]")}) == "invalid character '2' after array element");
  CHECK(error_text("json.unmarshal", {str("tru")}) == "unexpected EOF");
  CHECK(error_text("json.unmarshal", {str("{} x")}) == "invalid character 'x' after top-level value");
  CHECK(error_text("json.unmarshal", {I(1)}) == "operand 1 must be string but got number");
  CHECK(call("json.is_valid", {str(R"({"json": "ok"})")}) == B(true));
  CHECK(call("json.is_valid", {str("{")}) == B(false));
  CHECK(call("json.is_valid", {str("plainstring")}) == B(false));
  CHECK(call("json.is_valid", {I(1)}) == B(false));
}

TEST_CASE("yaml.marshal writes what Go's yaml.v2 writes for the JSON", "[builtins]") {
  auto yaml = [](const Value& v) { return call("yaml.marshal", {v}).as_string(); };
  CHECK(yaml(Value::array({Value::object({{str("foo"), set_of({I(1), I(2), I(3)})}})})) == "- foo:\n  - 1\n  - 2\n  - 3\n");
  CHECK(yaml(json(R"({"b": {"c": [true, null]}, "a": "x", "e": [], "d": {}})")) ==
        "a: x\nb:\n  c:\n  - true\n  - null\nd: {}\ne: []\n");
  CHECK(yaml(json(R"({"a10": 1, "a2": 2, "B": 3})")) == "B: 3\na2: 2\na10: 1\n");
  CHECK(yaml(json(R"(["true", "1.5", "", "- x", "a: b", "yes", "2001-12-14", "plain text", "#c", "it's"])")) ==
        "- \"true\"\n- \"1.5\"\n- \"\"\n- '- x'\n- 'a: b'\n- \"yes\"\n- \"2001-12-14\"\n- plain text\n- '#c'\n- it's\n");
  CHECK(yaml(json(R"({"s": "line1\nline2"})")) == "s: |-\n  line1\n  line2\n");
  CHECK(yaml(json(R"(["tab\there", " lead"])")) == "- \"tab\\there\"\n- ' lead'\n");
  CHECK(yaml(str("foo")) == "foo\n");
  CHECK(yaml(json("[1.5, 1e-7]")) == "- 1.5\n- 1e-07\n");
  std::string long_text(50, 'a');
  long_text += " " + std::string(40, 'b') + " " + std::string(10, 'c');
  CHECK(yaml(Value::object({{str("k"), str(long_text)}})) ==
        "k: " + std::string(50, 'a') + " " + std::string(40, 'b') + "\n  " + std::string(10, 'c') + "\n");
}

TEST_CASE("yaml.unmarshal and yaml.is_valid", "[builtins]") {
  CHECK(call("yaml.unmarshal", {str("- foo:\n  - 1\n  - 2\n")}) == json(R"([{"foo": [1, 2]}])"));
  CHECK(call("yaml.unmarshal", {str("a: 1.0\nb: x\n")}) == json(R"({"a": 1, "b": "x"})"));
  CHECK(call("yaml.unmarshal", {str("")}) == Value::null());
  BuiltinError e = call_error("yaml.unmarshal", {str("[1,2,3")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()).starts_with("yaml: line 1: did not find"));
  CHECK(call("yaml.is_valid", {str("foo:\n  - qux: bar\n  - baz: 2\n")}) == B(true));
  CHECK(call("yaml.is_valid", {str("foo:\n  - qux: bar\n  - baz: {\n")}) == B(false));
  CHECK(call("yaml.is_valid", {str(R"({"json": "ok"})")}) == B(true));
  CHECK(call("yaml.is_valid", {I(1)}) == B(false));
}

TEST_CASE("yaml.unmarshal errors name the line go-yaml names", "[builtins]") {
  // go-yaml v2's decode.go parser.fail: the problem's 0-based line, plus one for a
  // scanner error, else the context's; no line at all when that is 0.
  auto message = [](const char* text) { return std::string(call_error("yaml.unmarshal", {str(text)}).what()); };
  CHECK(message("[1,2,3") == "yaml: line 1: did not find expected ',' or ']'");
  CHECK(message("a: @b") == "yaml: found character that cannot start any token");
  CHECK(message("a: b\nc: @d") == "yaml: line 2: found character that cannot start any token");
  CHECK(message("a: b\n c: d") == "yaml: line 2: mapping values are not allowed in this context");
  CHECK(message("a:\n  b: 1\n c: 2") == "yaml: line 2: did not find expected key");  // on line 3: a parser error
  CHECK(message("a: *x") == "yaml: unknown anchor 'x' referenced");
  CHECK(message("a: \x01") == "yaml: control characters are not allowed");
}

TEST_CASE("urlquery builtins follow Go's net/url", "[builtins]") {
  CHECK(call("urlquery.encode", {str("a=b+1")}) == str("a%3Db%2B1"));
  CHECK(call("urlquery.encode", {str("a b~._-")}) == str("a+b~._-"));
  CHECK(call("urlquery.encode", {str("")}) == str(""));
  CHECK(call("urlquery.decode", {str("a%3Db%2B1+c")}) == str("a=b+1 c"));
  CHECK(error_text("urlquery.decode", {str("a%zz")}) == "invalid URL escape \"%zz\"");
  CHECK(error_text("urlquery.decode", {str("a%4")}) == "invalid URL escape \"%4\"");
  CHECK(call("urlquery.encode_object", {json("{}")}) == str(""));
  CHECK(call("urlquery.encode_object", {json(R"({"c": "d", "a": "b"})")}) == str("a=b&c=d"));
  CHECK(call("urlquery.encode_object", {json(R"({"a": "c=b+1"})")}) == str("a=c%3Db%2B1"));
  CHECK(call("urlquery.encode_object", {json(R"({"a": ["b+1", "c+2"]})")}) == str("a=b%2B1&a=c%2B2"));
  CHECK(call("urlquery.encode_object", {Value::object({{str("a"), set_of({str("b+1")})}})}) == str("a=b%2B1"));
  CHECK(error_text("urlquery.encode_object", {json(R"({"a": 1})")}) ==
        "operand 1 values must be string, array[string], or set[string]");
  CHECK(call("urlquery.decode_object", {str("a=value_a1&b=value_b&a=value_a2")}) ==
        json(R"({"a": ["value_a1", "value_a2"], "b": ["value_b"]})"));
  CHECK(call("urlquery.decode_object", {str("a=value_a1&b")}) == json(R"({"a": ["value_a1"], "b": [""]})"));
  CHECK(call("urlquery.decode_object", {str("")}) == json("{}"));
  CHECK(error_text("urlquery.decode_object", {str("a=1;b=2")}) == "invalid semicolon separator in query");
}

}  // namespace
}  // namespace tollgate::rego
