// Fast ordering, equality and hashing of short strings such as object keys
// (private to rules/value).
//
// A KeyPrefix is the string's first 8 bytes as a big-endian integer, zero
// padded. Integer order on prefixes agrees with byte-wise string order
// whenever two prefixes differ (a zero pad sorts like "shorter string
// first"), and JSON object keys almost always differ within 8 bytes, so
// sorting an object's keys is mostly integer compares instead of memcmp
// calls.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tollgate::value::detail {

static_assert(std::endian::native == std::endian::little, "KeyPrefix::of assembles little-endian loads");

struct KeyPrefix {
  uint64_t bits;

  static KeyPrefix of(std::string_view s) noexcept {
    // Assembled from whole loads in registers: copying the bytes into a
    // zeroed stack buffer and reloading it stalls on store forwarding.
    const char* p = s.data();
    const size_t n = s.size();
    uint64_t raw = 0;  // little-endian: byte i at bits 8i
    if (n >= 8) {
      std::memcpy(&raw, p, 8);
    } else if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);
      raw = head | (static_cast<uint64_t>(tail) << (8 * (n - 4)));  // overlapping bytes agree
    } else if (n > 0) {
      raw = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
            static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << (8 * (n / 2)) |
            static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << (8 * (n - 1));
    }
    return KeyPrefix{__builtin_bswap64(raw)};  // x86 is little-endian
  }
};

// a < b byte-wise (as std::string_view compares, bytes unsigned), given
// their prefixes.
inline bool key_less(KeyPrefix pa, std::string_view a, KeyPrefix pb, std::string_view b) noexcept {
  if (pa.bits != pb.bits) return pa.bits < pb.bits;
  if (a.size() <= 8 || b.size() <= 8) return a.size() < b.size();  // equal prefixes: one is a prefix of the other
  return a.substr(8) < b.substr(8);
}

inline bool key_equal(KeyPrefix pa, std::string_view a, KeyPrefix pb, std::string_view b) noexcept {
  if (pa.bits != pb.bits || a.size() != b.size()) return false;
  const size_t n = a.size();
  if (n <= 8) return true;
  if (n <= 16) {
    // The last 8 bytes overlap the prefix; no call to memcmp for the
    // typical 9-16 byte key.
    uint64_t ta, tb;
    std::memcpy(&ta, a.data() + n - 8, 8);
    std::memcpy(&tb, b.data() + n - 8, 8);
    return ta == tb;
  }
  return std::memcmp(a.data() + 8, b.data() + 8, n - 8) == 0;
}

// A well-mixed hash of a string from its prefix, its length and its last
// 8 bytes (for caches that tolerate collisions between keys that share all
// three).
inline uint64_t key_hash(KeyPrefix p, std::string_view s) noexcept {
  uint64_t tail = 0;
  if (s.size() > 8) std::memcpy(&tail, s.data() + s.size() - 8, 8);
  uint64_t x = p.bits ^ (tail * 0x9e3779b97f4a7c15ULL) ^ (static_cast<uint64_t>(s.size()) << 56);
  x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ULL;
  return x ^ (x >> 29);
}

}  // namespace tollgate::value::detail
