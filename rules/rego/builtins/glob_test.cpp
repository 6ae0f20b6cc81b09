#include "rules/rego/builtins/glob_pattern.h"

#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

bool glob(std::string_view pattern, const Value& delimiters, std::string_view s) {
  return call("glob.match", {str(pattern), delimiters, str(s)}).as_bool();
}

TEST_CASE("glob.match: * stays within delimiters, ** crosses them", "[builtins]") {
  Value dot = json(R"(["."])");
  CHECK(glob("*.github.com", dot, "api.github.com"));
  CHECK_FALSE(glob("*.github.com", dot, "api.not-github.com"));
  CHECK(glob("api.**.com", dot, "api.github.com"));
  CHECK(glob("api.**.com", dot, "api.cdn.github.com"));
  CHECK(glob("*:github:com", json(R"([":"])"), "api:github:com"));
  CHECK_FALSE(glob("*", dot, "foo.bar"));
  CHECK_FALSE(glob("*", json("[]"), "foo.bar"));  // [] means the default "."
  CHECK(glob("*", Value::null(), "foo.bar"));     // null means no delimiters
  CHECK(glob("foo*", Value::null(), "foo.bar"));
  CHECK(glob("*", json("[]"), ""));
  CHECK(glob("a/*/c", json(R"(["/"])"), "a/b/c"));
  CHECK_FALSE(glob("a/*/c", json(R"(["/"])"), "a/b/x/c"));
  CHECK(glob("a/**/c", json(R"(["/"])"), "a/b/x/c"));
}

TEST_CASE("glob.match: ?, character lists, ranges and alternatives", "[builtins]") {
  Value none = json("[]");
  CHECK(glob("[abc]at", none, "cat"));
  CHECK_FALSE(glob("[abc]at", none, "fat"));
  CHECK(glob("[!abc]at", none, "fat"));
  CHECK_FALSE(glob("[!abc]at", none, "cat"));
  CHECK(glob("[a-c]at", none, "bat"));
  CHECK_FALSE(glob("[!a-c]at", none, "bat"));
  CHECK(glob("?at", none, "fat"));
  CHECK_FALSE(glob("?at", none, "at"));
  CHECK(glob("?at", json(R"(["f"])"), "bat"));
  CHECK_FALSE(glob("?at", json(R"(["f"])"), "fat"));
  CHECK(glob("{cat,bat,[fr]at}", none, "rat"));
  CHECK_FALSE(glob("{cat,bat,[fr]at}", none, "at"));
  CHECK(glob("img-{a*,b{x,y}}-z", none, "img-b y-z") == false);
  CHECK(glob("img-{a*,b{x,y}}-z", none, "img-by-z"));
  CHECK(glob("img-{a*,b{x,y}}-z", none, "img-aaa-z"));
  CHECK(glob("\\*.txt", none, "*.txt"));
  CHECK_FALSE(glob("\\*.txt", none, "a.txt"));
  CHECK(glob("\xC3\xA5?", none, "\xC3\xA5\xC3\xA4"));
}

TEST_CASE("glob.match: operand and pattern errors", "[builtins]") {
  CHECK(std::string(call_error("glob.match", {str("*"), str("."), str("a")}).what()) ==
        "operand 2 must be one of {array, null} but got string");
  CHECK(std::string(call_error("glob.match", {str("*"), json(R"(["ab"])"), str("a")}).what()) ==
        "operand 2 must be array of runes but got array containing string");
  BuiltinError e = call_error("glob.match", {str("[a"), json("[]"), str("a")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "unexpected end of input");
  CHECK(std::string(call_error("glob.match", {str("[]"), json("[]"), str("a")}).what()) == "could not parse range");
}

TEST_CASE("glob.quote_meta escapes the glob metacharacters", "[builtins]") {
  CHECK(call("glob.quote_meta", {str("*.github.com")}) == str("\\*.github.com"));
  CHECK(call("glob.quote_meta", {str("a?[b]{c}\\")}) == str("a\\?\\[b\\]\\{c\\}\\\\"));
  std::string error;
  auto quoted = GlobPattern::compile(glob_quote_meta("*{a,b}?"), {'.'}, &error);
  REQUIRE(quoted);
  CHECK(quoted->matches("*{a,b}?"));
  CHECK_FALSE(quoted->matches("xa?"));
}

}  // namespace
}  // namespace tollgate::rego
