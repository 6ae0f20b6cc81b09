#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value I(int64_t i) { return Value::integer(i); }
Value B(bool b) { return Value::boolean(b); }

TEST_CASE("regex.match and re_match are unanchored RE2 matches", "[builtins]") {
  CHECK(call("regex.match", {str("^[a-z]+\\[[0-9]+\\]$"), str("foo[1]")}) == B(true));
  CHECK(call("regex.match", {str("^$"), str("")}) == B(true));
  CHECK(call("regex.match", {str(""), str("x")}) == B(true));
  CHECK(call("regex.match", {str("^$"), str("something")}) == B(false));
  CHECK(call("regex.match", {str("b+"), str("abbbc")}) == B(true));
  CHECK(call("re_match", {str("^[0-9]+(Mi|Gi)$"), str("512Mi")}) == B(true));
  CHECK(BuiltinRegistry::standard().find("re_match")->deprecated);
  CHECK_FALSE(BuiltinRegistry::standard().find("regex.match")->deprecated);
}

TEST_CASE("invalid patterns are builtin errors with Go's message", "[builtins]") {
  BuiltinError e = call_error("regex.match", {str("$^[[["), str("something")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "error parsing regexp: missing closing ]: `[[[`");
  CHECK(std::string(call_error("regex.match", {str("(abc"), str("")}).what()) ==
        "error parsing regexp: missing closing ): `(abc`");
  CHECK(std::string(call_error("regex.match", {str("a**"), str("")}).what()) ==
        "error parsing regexp: invalid nested repetition operator: `**`");
  CHECK(call_error("regex.match", {I(1), str("")}).code() == BuiltinError::Code::Type);
}

TEST_CASE("regex.is_valid never fails", "[builtins]") {
  CHECK(call("regex.is_valid", {str(".+")}) == B(true));
  CHECK(call("regex.is_valid", {str("++")}) == B(false));
  CHECK(call("regex.is_valid", {I(10)}) == B(false));
}

TEST_CASE("regex.split follows Go's Regexp.Split", "[builtins]") {
  CHECK(call("regex.split", {str("^[a-z]+\\[[0-9]+\\]$"), str("")}) == json(R"([""])"));
  CHECK(call("regex.split", {str("^[a-z]+"), str("foobar baz")}) == json(R"(["", " baz"])"));
  CHECK(call("regex.split", {str("[a-z]+$"), str("foobar baz")}) == json(R"(["foobar ", ""])"));
  CHECK(call("regex.split", {str("^[a-z]+$"), str("foobar baz")}) == json(R"(["foobar baz"])"));
  CHECK(call("regex.split", {str("^[a-z ]+$"), str("foobar baz")}) == json(R"(["", ""])"));
  CHECK(call("regex.split", {str("a"), str("banana")}) == json(R"(["b", "n", "n", ""])"));
  CHECK(call("regex.split", {str("z+"), str("pizza")}) == json(R"(["pi", "a"])"));
  CHECK(call("regex.split", {str(""), str("abc")}) == json(R"(["a", "b", "c"])"));
}

TEST_CASE("regex.find_n and regex.find_all_string_submatch_n", "[builtins]") {
  CHECK(call("regex.find_n", {str("a."), str("paranormal"), I(-1)}) == json(R"(["ar", "an", "al"])"));
  CHECK(call("regex.find_n", {str("a."), str("paranormal"), I(2)}) == json(R"(["ar", "an"])"));
  CHECK(call("regex.find_n", {str("a."), str("paranormal"), I(0)}) == json("[]"));
  CHECK(call("regex.find_n", {str("^a."), str("abacadaeaf"), I(-1)}) == json(R"(["ab"])"));
  CHECK(call("regex.find_n", {str(".$"), str("abacadaeaf"), I(-1)}) == json(R"(["f"])"));
  CHECK(call("regex.find_n", {str("[abcdef]{2}"), str("abacadaeaf"), I(-1)}) ==
        json(R"(["ab", "ac", "ad", "ae", "af"])"));
  CHECK(call("regex.find_n", {str("a*"), str("baaab"), I(-1)}) == json(R"(["", "aaa", ""])"));
  CHECK(call("regex.find_all_string_submatch_n", {str("a(x*)b"), str("-"), I(-1)}) == json("[]"));
  CHECK(call("regex.find_all_string_submatch_n", {str("a(x*)b"), str("-ab-axb-"), I(-1)}) ==
        json(R"([["ab", ""], ["axb", "x"]])"));
  CHECK(call("regex.find_all_string_submatch_n", {str("[^aouiye]([aouiye])([^aouiye])?"), str("somestri"), I(-1)}) ==
        json(R"([["som", "o", "m"], ["ri", "i", ""]])"));
  CHECK(call("regex.find_all_string_submatch_n", {str("[^aouiye]([aouiye])([^aouiye])?"), str("somestri"), I(1)}) ==
        json(R"([["som", "o", "m"]])"));
  CHECK(call_error("regex.find_n", {str("a"), str("a"), json("1.5")}).code() == BuiltinError::Code::Type);
}

TEST_CASE("regex.replace follows Go's ReplaceAllString with $ expansion", "[builtins]") {
  CHECK(call("regex.replace", {str("-wy-wxxy-"), str("w(x*)y"), str("0")}) == str("-0-0-"));
  CHECK(call("regex.replace", {str("foo"), str("(foo)"), str("$1$1")}) == str("foofoo"));
  CHECK(call("regex.replace", {str("foo"), str("^[a-z]"), str("F")}) == str("Foo"));
  CHECK(call("regex.replace", {str("foo"), str("^[a-z]$"), str("F")}) == str("foo"));
  CHECK(call("regex.replace", {str("foo"), str("^[a-z]+$"), str("M")}) == str("M"));
  CHECK(call("regex.replace", {str("foo"), str("[a-z]$"), str("F")}) == str("foF"));
  CHECK(call("regex.replace", {str("foo bar"), str("[a-z]"), str("_")}) == str("___ ___"));
  CHECK(call("regex.replace", {str("foo barx"), str("[a-z]{3}"), str("_")}) == str("_ _x"));
  CHECK(call("regex.replace", {str("foo barx"), str("[a-z]{2}"), str("_")}) == str("_o __"));
  CHECK(call("regex.replace", {str("abc"), str("x*"), str("-")}) == str("-a-b-c-"));
  CHECK(call("regex.replace", {str("key=val"), str("(?P<k>\\w+)=(?P<v>\\w+)"), str("${v}=$k $$ $9 ${")}) ==
        str("val=key $  ${"));
  CHECK(call_error("regex.replace", {str("foo"), str("["), str("$1")}).code() == BuiltinError::Code::Builtin);
}

TEST_CASE("regex.template_match", "[builtins]") {
  CHECK(call("regex.template_match", {str("urn:foo:{.*}"), str("urn:foo:bar:baz"), str("{"), str("}")}) == B(true));
  CHECK(call("regex.template_match", {str("urn:foo:<.*>"), str("urn:foo:bar:baz"), str("<"), str(">")}) == B(true));
  CHECK(call("regex.template_match", {str("urn:foo.bar:<[0-9]{2}>"), str("urn:foo.bar:12"), str("<"), str(">")}) ==
        B(true));
  CHECK(call("regex.template_match", {str("urn:foo.bar:<[0-9]{2}>"), str("urn:fooxbar:12"), str("<"), str(">")}) ==
        B(false));
  CHECK(std::string(call_error("regex.template_match", {str("a{b"), str("a"), str("{"), str("}")}).what()) ==
        "unbalanced braces in \"a{b\"");
  CHECK(std::string(call_error("regex.template_match", {str("a"), str("a"), str("{{"), str("}")}).what()) ==
        "start delimiter has to be exactly one character long but is 2 long");
}

TEST_CASE("regex.globs_match decides whether two simple patterns share a string", "[builtins]") {
  CHECK(call("regex.globs_match", {str("a.a.[0-9]+z"), str(".b.b2359825792*594823z")}) == B(true));
  CHECK(call("regex.globs_match", {str("[a-z]+"), str("[0-9]*")}) == B(false));
  CHECK(call("regex.globs_match", {str("b.*"), str("bar")}) == B(true));
  CHECK(call("regex.globs_match", {str("[a-z]+\\[[0-9]+\\]"), str("foo\\[1\\]")}) == B(true));
  CHECK(call("regex.globs_match", {str("[a-z]+\\[[0-9]+\\]"), str("foo[\"bar\"]")}) == B(false));
  CHECK(call("regex.globs_match", {str("a*"), str("")}) == B(true));
  CHECK(call("regex.globs_match", {str("a+"), str("")}) == B(false));
  BuiltinError e = call_error("regex.globs_match", {str("pqrs]"), str("[a-b]+")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid");
  CHECK(std::string(call_error("regex.globs_match", {str("*a"), str("a")}).what()) ==
        "input:*a, pos:1, flag '*' must be preceded by a non-flag: the input provided is invalid");
}

}  // namespace
}  // namespace tollgate::rego
