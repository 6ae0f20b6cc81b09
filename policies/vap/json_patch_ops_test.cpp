// JSON Patch as MutatingAdmissionPolicy applies it: evanphx/json-patch v4's
// semantics and error texts.
#include "policies/vap/json_patch_ops.h"

#include <catch2/catch.hpp>

#include "rules/value/json.h"

namespace {

using tollgate::policies::vap::apply_json_patch;
using tollgate::policies::vap::decode_pointer_token;
using tollgate::policies::vap::JsonPatchOperation;
using tollgate::value::Value;

Value json(std::string_view text) { return tollgate::value::parse_json_or_throw(text); }

JsonPatchOperation op(std::string kind, std::string path, std::optional<std::string> value_json = std::nullopt,
                      std::string from = "") {
  JsonPatchOperation o;
  o.op = std::move(kind);
  o.path = std::move(path);
  o.from = std::move(from);
  if (value_json) {
    o.has_value = true;
    o.value = json(*value_json);
  }
  return o;
}

std::string patched(std::string_view doc, std::vector<JsonPatchOperation> ops) {
  auto r = apply_json_patch(json(doc), ops);
  if (!r.ok()) return "error: " + *r.error;
  if (r.test_failed) return "test failed: " + tollgate::value::to_json(r.object);
  return tollgate::value::to_json(r.object);
}

}  // namespace

TEST_CASE("A failed JSON Patch test discards the whole patch without an error") {
  const char* doc = R"({"spec":{"replicas":1}})";
  CHECK(patched(doc, {op("test", "/spec/replicas", "100"), op("replace", "/spec/replicas", "3")}) ==
        R"(test failed: {"spec":{"replicas":1}})");
  CHECK(patched(doc, {op("test", "/spec/replicas", "1"), op("replace", "/spec/replicas", "3")}) ==
        R"({"spec":{"replicas":3}})");
  CHECK(patched(doc, {op("replace", "/spec/replicas", "3"), op("test", "/spec/x", "1")}) ==
        R"(test failed: {"spec":{"replicas":1}})");
}

TEST_CASE("JSON Patch add replaces an existing member and replace adds a missing one") {
  CHECK(patched(R"({"l":{"x":"1"}})", {op("add", "/l", R"({"y":"2"})")}) == R"({"l":{"y":"2"}})");
  CHECK(patched(R"({"l":{"y":"1"}})", {op("replace", "/l/x", R"("2")")}) == R"({"l":{"x":"2","y":"1"}})");
}

TEST_CASE("JSON Patch replace at the end of a list is refused with the library's text") {
  CHECK(patched(R"({"c":[{"name":"a"}]})", {op("replace", "/c/-", R"({"name":"x"})")}) ==
        "error: replace operation does not apply: doc is missing key: /c/-: missing value");
}

TEST_CASE("JSON Patch list operations: remove, move to the end, add by index, negative indices") {
  const char* doc = R"({"c":["a","b","c"]})";
  CHECK(patched(doc, {op("remove", "/c/1")}) == R"({"c":["a","c"]})");
  CHECK(patched(doc, {op("move", "/c/-", std::nullopt, "/c/0")}) == R"({"c":["b","c","a"]})");
  CHECK(patched(doc, {op("add", "/c/0", R"("z")")}) == R"({"c":["z","a","b","c"]})");
  CHECK(patched(doc, {op("add", "/c/3", R"("z")")}) == R"({"c":["a","b","c","z"]})");
  CHECK(patched(doc, {op("remove", "/c/-1")}) == R"({"c":["a","b"]})");
  CHECK(patched(doc, {op("add", "/c/5", R"("z")")}) ==
        "error: error in add for path: '/c/5': Unable to access invalid index: 5: invalid index referenced");
  CHECK(patched(doc, {op("add", "/c/x", R"("z")")}) ==
        "error: error in add for path: '/c/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": "
        "invalid syntax");
}

TEST_CASE("JSON Patch copy duplicates a member") {
  CHECK(patched(R"({"l":{"x":"1"}})", {op("copy", "/l/y", std::nullopt, "/l/x")}) == R"({"l":{"x":"1","y":"1"}})");
}

TEST_CASE("JSON Patch paths through missing members are refused with the library's texts") {
  const char* doc = R"({"a":{}})";
  CHECK(patched(doc, {op("add", "/b/c", "1")}) == "error: add operation does not apply: doc is missing path: \"/b/c\": "
                                                    "missing value");
  CHECK(patched(doc, {op("remove", "/a/x")}) ==
        "error: error in remove for path: '/a/x': Unable to remove nonexistent key: x: missing value");
  CHECK(patched(doc, {op("replace", "/b/c", "1")}) ==
        "error: replace operation does not apply: doc is missing path: /b/c: missing value");
  CHECK(patched(doc, {op("frobnicate", "/a")}) == "error: Unexpected kind: frobnicate");
  CHECK(patched(doc, {op("move", "/a/y")}) ==
        "error: move operation failed to decode from: operation, missing from field: missing value");
}

TEST_CASE("JSON Patch paths decode ~1 and ~0 in one pass") {
  CHECK(decode_pointer_token("k8s.io~1x~0y") == "k8s.io/x~y");
  CHECK(decode_pointer_token("~01") == "~1");
  CHECK(patched(R"({"m":{}})", {op("add", "/m/a~1b", "1")}) == R"({"m":{"a/b":1}})");
}
