#include <catch2/catch.hpp>

#include <chrono>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

TEST_CASE("trace and internal.print record notes and succeed", "[builtins]") {
  std::vector<std::string> notes;
  BuiltinContext ctx;
  ctx.trace_notes = &notes;
  const BuiltinInfo* trace = BuiltinRegistry::standard().find("trace");
  std::vector<Value> args = {str("hello")};
  CHECK(*trace->function(args, ctx) == Value::boolean(true));
  const BuiltinInfo* print = BuiltinRegistry::standard().find("internal.print");
  std::vector<Value> print_args = {Value::array({set_of({str("x")}), set_of({json("[1, \"a\"]")}), set_of({})})};
  CHECK(*print->function(print_args, ctx) == Value::boolean(true));
  CHECK(notes == std::vector<std::string>{"hello", "x [1, \"a\"] <undefined>"});
  CHECK(call("trace", {str("no tracer")}) == Value::boolean(true));
  CHECK(std::string(call_error("trace", {json("1")}).what()) == "operand 1 must be string but got number");
}

TEST_CASE("opa.runtime exposes no environment", "[builtins]") {
  CHECK(call("opa.runtime", {}) == json("{}"));
}

TEST_CASE("uuid.rfc4122 makes a version 4 UUID, stable per key", "[builtins]") {
  const BuiltinInfo* info = BuiltinRegistry::standard().find("uuid.rfc4122");
  CHECK(info->nondeterministic);
  std::unordered_map<std::string, Value> cache;
  BuiltinContext ctx;
  ctx.nondeterministic_cache = &cache;
  std::vector<Value> a = {str("a")}, b = {str("b")};
  Value first = *info->function(a, ctx);
  const std::string& text = first.as_string();
  REQUIRE(text.size() == 36);
  CHECK(text[14] == '4');
  CHECK(std::string("89ab").find(text[19]) != std::string::npos);
  CHECK(*info->function(a, ctx) == first);
  CHECK(*info->function(b, ctx) != first);
  CHECK(call("uuid.parse", {first}) == json("{\"variant\": \"RFC4122\", \"version\": 4}"));
}

TEST_CASE("uuid.parse decodes versions 1 and 2", "[builtins]") {
  Value v2 = json(
      "{\"clocksequence\": 12800, \"domain\": \"Person\", \"id\": 1000, \"macvariables\": \"local:unicast\", "
      "\"nodeid\": \"32-50-96-b3-9f-47\", \"time\": 1693566990121469600, \"variant\": \"RFC4122\", \"version\": 2}");
  CHECK(call("uuid.parse", {str("000003e8-48b9-21ee-b200-325096b39f47")}) == v2);
  CHECK(call("uuid.parse", {str("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")}) == v2);
  CHECK(call("uuid.parse", {str("{00000000-0000-4000-8000-000000000000}")}) ==
        json("{\"variant\": \"RFC4122\", \"version\": 4}"));
  CHECK(call("uuid.parse", {str("6bea8ef2d3d33cd184e09bab06a52ece")}) ==
        json("{\"variant\": \"RFC4122\", \"version\": 3}"));
  CHECK_FALSE(try_call("uuid.parse", {str("not-a-uuid")}).has_value());
}

TEST_CASE("test.sleep pauses and returns null", "[builtins]") {
  auto start = std::chrono::steady_clock::now();
  CHECK(call("test.sleep", {str("10ms")}) == json("null"));
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(10));
  CHECK(call_error("test.sleep", {str("ten")}).code() == BuiltinError::Code::Builtin);
}

TEST_CASE("crypto digests and HMACs are lower-case hex", "[builtins]") {
  CHECK(call("crypto.md5", {str("lorem ipsum")}) == str("80a751fde577028640c419000e33eba6"));
  CHECK(call("crypto.sha1", {str("lorem ipsum")}) == str("bfb7759a67daeb65410490b4d98bb9da7d1ea2ce"));
  CHECK(call("crypto.sha256", {str("lorem ipsum")}) ==
        str("5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269"));
  CHECK(call("crypto.hmac.md5", {str("foo"), str("bar")}) == str("31b6db9e5eb4addb42f1a6ca07367adc"));
  CHECK(call("crypto.hmac.sha1", {str("foo"), str("bar")}) == str("85d155c55ed286a300bd1cf124de08d87e914f3a"));
  CHECK(call("crypto.hmac.sha256", {str("foo"), str("bar")}) ==
        str("147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851"));
  CHECK(call("crypto.hmac.sha512", {str("foo"), str("bar")}) ==
        str("24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2b"
            "cead45c088572ffccdb3d8"));
  CHECK(call("crypto.hmac.equal", {str("31b6db9e"), str("31b6db9e")}) == Value::boolean(true));
  CHECK(call("crypto.hmac.equal", {str("31b6db9e"), str("31b6")}) == Value::boolean(false));
}

}  // namespace
}  // namespace tollgate::rego
