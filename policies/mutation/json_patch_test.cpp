#include <catch2/catch.hpp>

#include <random>

#include "policies/mutation/json_patch_test_support.h"
#include "policies/mutation/mutation_system.h"
#include "rules/value/json.h"

using tollgate::policies::mutation::json_patch;
using tollgate::policies::mutation::testing::apply_json_patch;
using tollgate::value::parse_json_or_throw;
using tollgate::value::to_json;
using tollgate::value::Value;

namespace {

// Patches `before` into `after`, applies the patch and checks the result is
// `after` byte for byte; returns the patch as JSON for exact checks.
std::string patch_applies(const std::string& before_json, const std::string& after_json) {
  Value before = parse_json_or_throw(before_json);
  Value after = parse_json_or_throw(after_json);
  Value patch = json_patch(before, after);
  INFO("before: " << before_json << "\nafter:  " << after_json << "\npatch:  " << to_json(patch));
  Value patched;
  REQUIRE_NOTHROW(patched = apply_json_patch(before, patch));
  CHECK(to_json(patched) == to_json(after));
  return to_json(patch);
}

}  // namespace

TEST_CASE("equal documents need no operation", "[json_patch]") {
  CHECK(patch_applies(R"({"a":{"b":[1,2,{"c":null}]}})", R"({"a":{"b":[1,2,{"c":null}]}})") == "[]");
  CHECK(patch_applies("[]", "[]") == "[]");
  CHECK(patch_applies(R"("x")", R"("x")") == "[]");
}

TEST_CASE("object members are added, removed and replaced one by one", "[json_patch]") {
  CHECK(patch_applies(R"({"a":1,"b":2,"c":3})", R"({"a":1,"c":4,"d":5})") ==
        R"([{"op":"remove","path":"/b"},{"op":"replace","path":"/c","value":4},{"op":"add","path":"/d","value":5}])");
  // Only the changed leaf, however deep.
  CHECK(patch_applies(R"({"spec":{"template":{"spec":{"dnsPolicy":"Default","hostNetwork":false}}}})",
                      R"({"spec":{"template":{"spec":{"dnsPolicy":"ClusterFirst","hostNetwork":false}}}})") ==
        R"([{"op":"replace","path":"/spec/template/spec/dnsPolicy","value":"ClusterFirst"}])");
  // A new subtree is added whole.
  CHECK(patch_applies(R"({"metadata":{"name":"x"}})", R"({"metadata":{"name":"x","labels":{"team":"a"}}})") ==
        R"([{"op":"add","path":"/metadata/labels","value":{"team":"a"}}])");
  patch_applies(R"({})", R"({"a":{"b":{"c":[1]}}})");
  patch_applies(R"({"a":{"b":{"c":[1]}}})", R"({})");
}

TEST_CASE("keys with '/' and '~' are escaped as ~1 and ~0", "[json_patch]") {
  CHECK(patch_applies(R"({"metadata":{"labels":{}}})",
                      R"({"metadata":{"labels":{"app.kubernetes.io/name":"web","a~b":"c"}}})") ==
        R"([{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"},)"
        R"({"op":"add","path":"/metadata/labels/a~0b","value":"c"}])");
  patch_applies(R"({"~1/~0":{"x/y":1}})", R"({"~1/~0":{"x/y":2,"":3}})");
}

TEST_CASE("appended array elements are added at '-'", "[json_patch]") {
  CHECK(patch_applies(R"({"containers":[{"name":"app"}]})",
                      R"({"containers":[{"name":"app"},{"name":"sidecar"},{"name":"proxy"}]})") ==
        R"([{"op":"add","path":"/containers/-","value":{"name":"sidecar"}},)"
        R"({"op":"add","path":"/containers/-","value":{"name":"proxy"}}])");
  patch_applies("[]", "[1,2,3]");
}

TEST_CASE("changed array elements are patched in place", "[json_patch]") {
  CHECK(patch_applies(
            R"({"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"redis"}]})",
            R"({"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"redis","securityContext":{"allowPrivilegeEscalation":false}}]})") ==
        R"([{"op":"add","path":"/containers/1/securityContext","value":{"allowPrivilegeEscalation":false}}])");
  CHECK(patch_applies("[1,2,3]", "[1,9,3]") == R"([{"op":"replace","path":"/1","value":9}])");
}

TEST_CASE("inserted and removed array elements keep every index valid", "[json_patch]") {
  // Removed from the highest index down.
  CHECK(patch_applies("[1,2,3,4,5]", "[1,2]") == R"([{"op":"remove","path":"/4"},{"op":"remove","path":"/3"},)"
                                                 R"({"op":"remove","path":"/2"}])");
  CHECK(patch_applies("[1,2,3]", "[2,3]") == R"([{"op":"remove","path":"/0"}])");
  CHECK(patch_applies("[1,2,3]", "[1,3]") == R"([{"op":"remove","path":"/1"}])");
  CHECK(patch_applies("[1,3]", "[1,2,3]") == R"([{"op":"add","path":"/1","value":2}])");
  CHECK(patch_applies("[2,3]", "[0,1,2,3]") == R"([{"op":"add","path":"/0","value":0},{"op":"add","path":"/1","value":1}])");
  patch_applies("[1,2,3,4]", "[1,7,8,9,4]");
  patch_applies("[1,7,8,9,4]", "[1,2,4]");
  patch_applies("[1,1,1]", "[1,1]");
  patch_applies("[1,2,1,2]", "[2,1,2,1]");
  patch_applies("[[1,2],[3]]", "[[1],[3,4],[5]]");
  patch_applies("[1,2,3]", "[]");
}

TEST_CASE("a change of type replaces the value", "[json_patch]") {
  CHECK(patch_applies(R"({"a":{"b":1}})", R"({"a":[1]})") == R"([{"op":"replace","path":"/a","value":[1]}])");
  CHECK(patch_applies(R"({"a":null})", R"({"a":"x"})") == R"([{"op":"replace","path":"/a","value":"x"}])");
  CHECK(patch_applies(R"({"a":true})", R"({"a":1})") == R"([{"op":"replace","path":"/a","value":1}])");
  CHECK(patch_applies(R"({"a":1})", "[1]") == R"([{"op":"replace","path":"","value":[1]}])");
}

namespace {

// Random JSON-like documents and random edits of them, for the property test.
class RandomDocuments {
 public:
  explicit RandomDocuments(uint32_t seed) : rng_(seed) {}

  Value document(int depth) {
    switch (pick(depth > 0 ? 7 : 4)) {
      case 0: return Value::null();
      case 1: return Value::boolean(pick(2) == 1);
      case 2: return Value::integer(pick(5));
      case 3: return Value::string(std::string(1, static_cast<char>('a' + pick(4))));
      case 4:
      case 5: {
        std::vector<Value::Entry> entries;
        for (int i = 0, n = pick(5); i < n; ++i) entries.emplace_back(Value::string(key()), document(depth - 1));
        return Value::object(std::move(entries));
      }
      default: {
        std::vector<Value> items;
        for (int i = 0, n = pick(6); i < n; ++i) items.push_back(document(depth - 1));
        return Value::array(std::move(items));
      }
    }
  }

  // A few random changes anywhere in `v`.
  Value edit(const Value& v, int depth) {
    if (pick(4) == 0) return document(depth);
    if (v.is_object()) {
      std::vector<Value::Entry> entries = v.entries();
      for (int i = 0, n = pick(3); i < n; ++i) {
        int what = pick(3);
        if (what == 0 || entries.empty()) {
          entries.emplace_back(Value::string(key()), document(depth - 1));
        } else if (what == 1) {
          entries.erase(entries.begin() + pick(static_cast<int>(entries.size())));
        } else {
          auto& entry = entries[static_cast<size_t>(pick(static_cast<int>(entries.size())))];
          entry.second = edit(entry.second, depth - 1);
        }
      }
      return Value::object(std::move(entries));
    }
    if (v.is_array()) {
      std::vector<Value> items = v.items();
      for (int i = 0, n = pick(4); i < n; ++i) {
        int what = pick(3);
        if (what == 0 || items.empty()) {
          items.insert(items.begin() + pick(static_cast<int>(items.size()) + 1), document(depth - 1));
        } else if (what == 1) {
          items.erase(items.begin() + pick(static_cast<int>(items.size())));
        } else {
          auto& item = items[static_cast<size_t>(pick(static_cast<int>(items.size())))];
          item = edit(item, depth - 1);
        }
      }
      return Value::array(std::move(items));
    }
    return v;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string key() {
    static const char* keys[] = {"a", "b", "c/d", "e~f", "", "metadata", "~0", "/"};
    return keys[pick(8)];
  }
  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("the patch of random edits turns before into after", "[json_patch]") {
  RandomDocuments random(20240611);
  for (int i = 0; i < 2000; ++i) {
    Value before = random.document(4);
    Value after = random.edit(before, 4);
    patch_applies(to_json(before), to_json(after));
    // And the patch is empty exactly when nothing changed.
    CHECK(json_patch(before, after).items().empty() == (to_json(before) == to_json(after)));
  }
}
