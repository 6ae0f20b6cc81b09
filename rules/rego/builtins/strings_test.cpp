#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value I(int64_t i) { return Value::integer(i); }
Value B(bool b) { return Value::boolean(b); }

std::string error_text(std::string_view name, std::vector<Value> args) {
  return call_error(name, std::move(args)).what();
}

TEST_CASE("concat joins arrays and sets (sets in sorted order)", "[builtins]") {
  CHECK(call("concat", {str("/"), json(R"(["", "foo", "bar", "0", "baz"])")}) == str("/foo/bar/0/baz"));
  CHECK(call("concat", {str(","), set_of({str("3"), str("1"), str("2")})}) == str("1,2,3"));
  CHECK(call("concat", {str(","), json("[]")}) == str(""));
  CHECK(call("concat", {str(","), json(R"(["only"])")}) == str("only"));
  CHECK(error_text("concat", {str(","), json(R"(["a", 1])")}) == "operand 2 must be array of strings but got array containing number");
  CHECK(error_text("concat", {str(","), I(1)}) == "operand 2 must be one of {set, array} but got number");
}

TEST_CASE("contains, startswith and endswith return booleans", "[builtins]") {
  CHECK(call("contains", {str("abcdefgh"), str("defg")}) == B(true));
  CHECK(call("contains", {str("abcdefgh"), str("ac")}) == B(false));
  CHECK(call("contains", {str("abc"), str("")}) == B(true));
  CHECK(call("startswith", {str("abcdefgh"), str("abcd")}) == B(true));
  CHECK(call("startswith", {str("abcdefgh"), str("bcd")}) == B(false));
  CHECK(call("endswith", {str("abcdefgh"), str("fgh")}) == B(true));
  CHECK(call("endswith", {str("abcdefgh"), str("fg")}) == B(false));
  BuiltinError e = call_error("startswith", {I(1), str("a")});
  CHECK(e.code() == BuiltinError::Code::Type);
  CHECK(std::string(e.what()) == "operand 1 must be string but got number");
}

TEST_CASE("format_int truncates and prints in base 2, 8, 10 or 16", "[builtins]") {
  CHECK(call("format_int", {json("15.5"), I(16)}) == str("f"));
  CHECK(call("format_int", {json("3.1"), I(10)}) == str("3"));
  CHECK(call("format_int", {I(-10), I(2)}) == str("-1010"));
  CHECK(call("format_int", {I(8), I(8)}) == str("10"));
  // OPA reads the number as a big.Float with a 64-bit mantissa: the low bits of a 67-bit integer round away.
  CHECK(call("format_int", {*number_from_text("123456789123456789123"), I(16)}) == str("6b14e9f9b0df36a80"));
  BuiltinError e = call_error("format_int", {json("4.1"), I(199)});
  CHECK(e.code() == BuiltinError::Code::Type);
  CHECK(std::string(e.what()) == "operand 2 must be one of {2, 8, 10, 16}");
}

TEST_CASE("indexof and indexof_n count code points", "[builtins]") {
  CHECK(call("indexof", {str("abcdefgh"), str("cde")}) == I(2));
  CHECK(call("indexof", {str("abcabcabcdefgh"), str("cde")}) == I(8));
  CHECK(call("indexof", {str("abcdefgh"), str("xyz")}) == I(-1));
  CHECK(call("indexof", {str("\xCE\xBCx"), str("x")}) == I(1));
  CHECK(call("indexof", {str("sk\xC3\xB6n var v\xC3\xA5ren"), str("v\xC3\xA5r")}) == I(9));
  CHECK(call("indexof", {str("\xF0\x9F\x8D\xA7\xF0\x9F\x8D\xA8\xF0\x9F\xA7\x81\xF0\x9F\x8D\xB0\xF0\x9F\x8D\xAE"),
                         str("\xF0\x9F\x8D\xAE")}) == I(4));
  CHECK(call("indexof_n", {str("dogcatdogcat"), str("cat")}) == json("[3, 9]"));
  CHECK(call("indexof_n", {str("aaa"), str("aa")}) == json("[0, 1]"));
  CHECK(call("indexof_n", {str("dogcat"), str("rabbit")}) == json("[]"));
  CHECK(call("indexof_n", {str("\xF0\x9F\x98\x87\xF0\x9F\x98\x80\xF0\x9F\x98\x87\xF0\x9F\x98\x80"),
                           str("\xF0\x9F\x98\x80")}) == json("[1, 3]"));
  BuiltinError e = call_error("indexof", {str("abc"), str("")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "empty search character");
}

TEST_CASE("lower and upper map Unicode letters", "[builtins]") {
  CHECK(call("lower", {str("AbCdEf")}) == str("abcdef"));
  CHECK(call("upper", {str("AbCdEf")}) == str("ABCDEF"));
  CHECK(call("upper", {str("\xC3\xA5\xC3\xA4\xC3\xB6")}) == str("\xC3\x85\xC3\x84\xC3\x96"));
  CHECK(call("lower", {str("\xCE\xA3")}) == str("\xCF\x83"));  // Greek capital sigma
}

TEST_CASE("split follows Go's strings.Split", "[builtins]") {
  CHECK(call("split", {str("foo.bar.baz"), str(".")}) == json(R"(["foo", "bar", "baz"])"));
  CHECK(call("split", {str(""), str(".")}) == json(R"([""])"));
  CHECK(call("split", {str("test"), str("")}) == json(R"(["t", "e", "s", "t"])"));
  CHECK(call("split", {str(""), str("")}) == json("[]"));
  CHECK(call("split", {str("a,,b,"), str(",")}) == json(R"(["a", "", "b", ""])"));
}

TEST_CASE("replace and strings.replace_n", "[builtins]") {
  CHECK(call("replace", {str(""), str("hi"), str("bye")}) == str(""));
  CHECK(call("replace", {str("foo.bar.baz"), str("."), str(",")}) == str("foo,bar,baz"));
  CHECK(call("replace", {str("foo...bar"), str(".."), str(",,")}) == str("foo,,.bar"));
  CHECK(call("replace", {str("abc"), str(""), str("-")}) == str("-a-b-c-"));
  CHECK(call("strings.replace_n", {json(R"({"<": "&lt;", ">": "&gt;"})"), str("This is <b>HTML</b>!")}) ==
        str("This is &lt;b&gt;HTML&lt;/b&gt;!"));
  CHECK(call("strings.replace_n", {json(R"({"f": "x", "foo": "xxx"})"), str("foobar")}) == str("xoobar"));
  CHECK(call("strings.replace_n", {json(R"({"old1": "new1"})"), str("Everything is new1")}) ==
        str("Everything is new1"));
  Value non_string_key = Value::object({{I(2), str("x")}});
  CHECK(error_text("strings.replace_n", {non_string_key, str("foo")}) == "operand 1 non-string key found in pattern object");
  CHECK(error_text("strings.replace_n", {json(R"({"f": 100})"), str("foo")}) ==
        "operand 1 non-string value found in pattern object");
  CHECK(error_text("strings.replace_n", {json(R"({"foo": "baz"})"), I(100)}) == "operand 2 must be string but got number");
}

TEST_CASE("substring works in code points", "[builtins]") {
  CHECK(call("substring", {str("abcdefgh"), I(2), I(3)}) == str("cde"));
  CHECK(call("substring", {str("\xC3\xA5\xC3\xA4\xC3\xB6"), I(0), I(2)}) == str("\xC3\xA5\xC3\xA4"));
  CHECK(call("substring", {str("abcdefgh"), I(2), I(-1)}) == str("cdefgh"));
  CHECK(call("substring", {str("a\xC3\xA5\xC3\xA4\xC3\xB6"), I(2), I(-1)}) == str("\xC3\xA4\xC3\xB6"));
  CHECK(call("substring", {str("abcdefgh"), I(2), I(10000)}) == str("cdefgh"));
  CHECK(call("substring", {str("aaa"), I(3), I(-1)}) == str(""));
  CHECK(call("substring", {str("\xC3\xA5\xC3\xA4\xC3\xB6"), I(4), I(-1)}) == str(""));
  BuiltinError e = call_error("substring", {str("aaa"), I(-1), I(-1)});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "negative offset");
  CHECK(error_text("substring", {str("aaa"), json("1.5"), I(1)}) ==
        "operand 2 must be integer number but got floating-point number");
  // As OPA reads the operand (json.Number.Int64): 1e2 is a float by its text.
  CHECK(error_text("substring", {str("aaa"), Value::number_with_text("1e2", I(100)), I(1)}) ==
        "operand 2 must be integer number but got floating-point number");
}

TEST_CASE("trim, trim_left, trim_right use cutsets of code points", "[builtins]") {
  CHECK(call("trim", {str("...foo.bar..."), str(".")}) == str("foo.bar"));
  CHECK(call("trim", {str("...foo.bar..."), str(".fr")}) == str("oo.ba"));
  CHECK(call("trim", {str("\xC2\xA1\xC2\xA1\xC2\xA1" "foo, bar!!!"), str("!\xC2\xA1")}) == str("foo, bar"));
  CHECK(call("trim", {str(""), str(".")}) == str(""));
  CHECK(call("trim", {str("..."), str(".")}) == str(""));
  CHECK(call("trim_left", {str("\xC2\xA1\xC2\xA1\xC2\xA1" "foo, bar!!!"), str("!\xC2\xA1")}) == str("foo, bar!!!"));
  CHECK(call("trim_right", {str("\xC2\xA1\xC2\xA1\xC2\xA1" "foo, bar!!!"), str("!\xC2\xA1")}) ==
        str("\xC2\xA1\xC2\xA1\xC2\xA1" "foo, bar"));
  CHECK(call("trim_right", {str("!!!foo, bar\xC2\xA1\xC2\xA1\xC2\xA1"), str("!")}) ==
        str("!!!foo, bar\xC2\xA1\xC2\xA1\xC2\xA1"));
}

TEST_CASE("trim_prefix, trim_suffix and trim_space", "[builtins]") {
  CHECK(call("trim_prefix", {str("abcdef"), str("abc")}) == str("def"));
  CHECK(call("trim_prefix", {str("abcdef"), str("xyz")}) == str("abcdef"));
  CHECK(call("trim_prefix", {str("abcabc"), str("abc")}) == str("abc"));
  CHECK(call("trim_suffix", {str("image:latest"), str(":latest")}) == str("image"));
  CHECK(call("trim_suffix", {str("image"), str(":latest")}) == str("image"));
  CHECK(call("trim_space", {str(" \t\n foo, bar \n\t\r\n")}) == str("foo, bar"));
  CHECK(call("trim_space", {str("\xE3\x80\x80x\xC2\xA0")}) == str("x"));  // U+3000 and U+00A0
  CHECK(call("trim_space", {str("   ")}) == str(""));
}

TEST_CASE("strings.any_prefix_match and any_suffix_match", "[builtins]") {
  Value strings = json(R"(["a/b/c", "a/b/d", "e/f/g"])");
  CHECK(call("strings.any_prefix_match", {strings, json(R"(["a/", "d/"])")}) == B(true));
  CHECK(call("strings.any_prefix_match", {strings, json(R"(["f/", "d/"])")}) == B(false));
  CHECK(call("strings.any_prefix_match", {str("a/b/c"), str("a/")}) == B(true));
  CHECK(call("strings.any_prefix_match", {json("[]"), json("[]")}) == B(false));
  CHECK(call("strings.any_prefix_match", {set_of({str("e/f/g")}), set_of({str("e/f/g")})}) == B(true));
  CHECK(call("strings.any_suffix_match", {strings, json(R"(["/c", "/a"])")}) == B(true));
  CHECK(call("strings.any_suffix_match", {strings, str("/h")}) == B(false));
  CHECK(error_text("strings.any_prefix_match", {json("[1, 2, 3]"), json(R"(["f/"])")}) ==
        "operand 1 must be array of strings but got array containing number");
  CHECK(error_text("strings.any_prefix_match", {I(1), json(R"(["f/"])")}) ==
        "operand 1 must be one of {string, set, array} but got number");
  CHECK(error_text("strings.any_suffix_match", {strings, json("[1, 2]")}) ==
        "operand 2 must be array of strings but got array containing number");
}

TEST_CASE("strings.reverse and strings.count", "[builtins]") {
  CHECK(call("strings.reverse", {str("bar")}) == str("rab"));
  CHECK(call("strings.reverse", {str("2\xEF\xB8\x8F\xE2\x83\xA3")}) == str("\xE2\x83\xA3\xEF\xB8\x8F" "2"));
  CHECK(call("strings.reverse", {str("")}) == str(""));
  CHECK(error_text("strings.reverse", {I(123)}) == "operand 1 must be string but got number");
  CHECK(call("strings.count", {str("cheese"), str("e")}) == I(3));
  CHECK(call("strings.count", {str("hello hello hello world"), str("hello")}) == I(3));
  CHECK(call("strings.count", {str("dummy"), str("")}) == I(6));
  CHECK(call("strings.count", {str(""), str("")}) == I(1));
  CHECK(call("strings.count", {str("11111"), str("11")}) == I(2));
}

TEST_CASE("strings.render_template runs Go text/template actions", "[builtins]") {
  auto render = [](std::string_view tmpl, const Value& vars) {
    return call("strings.render_template", {str(tmpl), vars}).as_string();
  };
  CHECK(render("{{.test}}", json(R"({"test": "hello world"})")) == "hello world");
  CHECK(render("{{.test}}", json(R"({"test": 2023})")) == "2023");
  CHECK(render("{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}",
               json(R"({"hellonames": ["rohan", "john doe"]})")) == "hello rohan,hello john doe");
  CHECK(render("{{.testvarnotprovided}}", json(R"({"test": "hello world"})")) == "<undefined>");
  CHECK(render("test {{.foo}} {{.bar}} {{.baz}}", json(R"({"baz": 1})")) == "test <undefined> <undefined> 1");
  CHECK(render("{{.a.b}}-{{.list}}-{{.obj}}-{{.n}}", json(R"({"a": {"b": "x"}, "list": [1, "y"], "obj": {"k": true}, "n": null})")) ==
        "x-[1 y]-map[k:true]-<no value>");
  CHECK(render("{{if eq .kind \"Pod\"}}pod{{else if .other}}other{{else}}none{{end}}", json(R"({"kind": "Pod"})")) == "pod");
  CHECK(render("{{if eq .kind \"Pod\"}}pod{{else if .other}}other{{else}}none{{end}}", json(R"({"kind": "X"})")) == "none");
  CHECK(render("{{range .items}}[{{.}}]{{else}}empty{{end}}", json(R"({"items": []})")) == "empty");
  CHECK(render("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", json(R"({"m": {"b": 2, "a": 1}})")) == "a=1;b=2;");
  CHECK(render("{{with .a}}{{.b}}{{end}}", json(R"({"a": {"b": "in"}})")) == "in");
  CHECK(render("  {{- .a -}}  !", json(R"({"a": "x"})")) == "x!");
  CHECK(render("{{/* note */}}{{len .l}} {{index .l 1}} {{.s | print}} {{print 1 2}} {{print \"a\" \"b\"}}",
               json(R"({"l": [1, 2], "s": "q"})")) == "2 2 q 1 2 ab");
  CHECK(render("{{$x := .a}}{{$x}}{{$x = \"y\"}}{{$x}}", json(R"({"a": "x"})")) == "xy");
  CHECK(render("{{if and .a (not .b)}}yes{{end}}", json(R"({"a": true, "b": false})")) == "yes");
}

TEST_CASE("strings.render_template reports template errors", "[builtins]") {
  BuiltinError e = call_error("strings.render_template", {str("{{.a"), json("{}")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()).starts_with("template: "));
  CHECK(call_error("strings.render_template", {str("{{if .a}}x"), json("{}")}).code() == BuiltinError::Code::Builtin);
  CHECK(call_error("strings.render_template", {str("x"), str("y")}).code() == BuiltinError::Code::Type);
}

}  // namespace
}  // namespace tollgate::rego
