#include "rules/value/key_prefix.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

using tollgate::value::detail::key_equal;
using tollgate::value::detail::key_hash;
using tollgate::value::detail::key_less;
using tollgate::value::detail::KeyPrefix;

namespace {

// Strings that stress the prefix: every length around the 4/8/16-byte load
// boundaries, shared 8-byte prefixes, embedded NULs (which the zero padding
// must not confuse with "shorter") and bytes above 0x7f (unsigned order).
std::vector<std::string> tricky_strings() {
  std::vector<std::string> out = {"", std::string(1, '\0'), std::string(2, '\0'), "a", std::string("a\0", 2),
                                  std::string("a\0b", 3), "ab", "requestKind", "requestKinds", "requestResource",
                                  "apiVersion", "apiVersio", "\xff", "\xc3\xa9t\xc3\xa9", std::string("abcdefgh\0", 9),
                                  "abcdefgh", "abcdefghi", "abcdefghij0123456", "abcdefghij0123457"};
  std::mt19937 rng(7);
  const char alphabet[] = {'\0', 'a', 'b', '\x7f', '\x80', '\xff'};
  for (int i = 0; i < 400; ++i) {
    std::string s(rng() % 20, 'a');
    for (char& c : s) c = alphabet[rng() % sizeof alphabet];
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("key prefixes order and compare exactly like the strings", "[key_prefix]") {
  auto strings = tricky_strings();
  for (const auto& a : strings) {
    for (const auto& b : strings) {
      KeyPrefix pa = KeyPrefix::of(a), pb = KeyPrefix::of(b);
      INFO('"' << a << "\" vs \"" << b << '"');
      REQUIRE(key_less(pa, a, pb, b) == (std::string_view(a) < std::string_view(b)));
      REQUIRE(key_equal(pa, a, pb, b) == (a == b));
      if (a == b) REQUIRE(key_hash(pa, a) == key_hash(pb, b));
    }
  }
}

TEST_CASE("key hashes spread typical keys", "[key_prefix]") {
  std::vector<std::string> keys = {"apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations",
                                   "spec", "status", "containers", "image", "resources", "limits", "requests"};
  std::vector<uint64_t> slots;
  for (const auto& k : keys) slots.push_back(key_hash(KeyPrefix::of(k), k) & 2047);
  std::sort(slots.begin(), slots.end());
  CHECK(std::unique(slots.begin(), slots.end()) - slots.begin() >= static_cast<long>(keys.size()) - 1);
}
