#include "rules/rego/builtins/ip_address.h"

#include <vector>

namespace tollgate::rego {

namespace {

constexpr Uint128 kV4MappedPrefix = Uint128{0xFFFF} << 32;

Uint128 host_mask(int host_bits) {
  if (host_bits >= 128) return ~Uint128{0};
  return (Uint128{1} << host_bits) - 1;
}

// Four decimal fields 0-255, no leading zeros (netip.parseIPv4).
std::optional<uint32_t> parse_ipv4(std::string_view s) {
  uint32_t out = 0;
  int fields = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    uint32_t field = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      field = field * 10 + static_cast<uint32_t>(s[i] - '0');
      if (field > 255) return std::nullopt;
      ++i;
    }
    size_t length = i - start;
    if (length == 0 || (length > 1 && s[start] == '0')) return std::nullopt;
    out = (out << 8) | field;
    ++fields;
    if (i == s.size()) break;
    if (s[i] != '.' || fields == 4) return std::nullopt;
    ++i;
  }
  if (fields != 4) return std::nullopt;
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// netip.parseIPv6 without zones.
std::optional<Uint128> parse_ipv6(std::string_view s) {
  std::array<uint8_t, 16> ip{};
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) return Uint128{0};
  }
  int i = 0;
  while (i < 16) {
    size_t off = 0;
    uint32_t acc = 0;
    for (; off < s.size(); ++off) {
      int h = hex_value(s[off]);
      if (h < 0) break;
      if (off > 3) return std::nullopt;
      acc = (acc << 4) | static_cast<uint32_t>(h);
    }
    if (off == 0) return std::nullopt;
    if (off < s.size() && s[off] == '.') {
      if ((ellipsis < 0 && i != 12) || i + 4 > 16) return std::nullopt;
      std::optional<uint32_t> v4 = parse_ipv4(s);
      if (!v4) return std::nullopt;
      for (int k = 0; k < 4; ++k) ip[static_cast<size_t>(i + k)] = static_cast<uint8_t>(*v4 >> (24 - 8 * k));
      s = {};
      i += 4;
      break;
    }
    ip[static_cast<size_t>(i)] = static_cast<uint8_t>(acc >> 8);
    ip[static_cast<size_t>(i + 1)] = static_cast<uint8_t>(acc);
    i += 2;
    s.remove_prefix(off);
    if (s.empty()) break;
    if (s[0] != ':' || s.size() == 1) return std::nullopt;
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return std::nullopt;
      ellipsis = i;
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return std::nullopt;
  if (i < 16) {
    if (ellipsis < 0) return std::nullopt;
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; --j) ip[static_cast<size_t>(j + n)] = ip[static_cast<size_t>(j)];
    for (int j = ellipsis; j < ellipsis + n; ++j) ip[static_cast<size_t>(j)] = 0;
  } else if (ellipsis >= 0) {
    return std::nullopt;
  }
  Uint128 value = 0;
  for (uint8_t b : ip) value = (value << 8) | b;
  return value;
}

// A 128-bit IPv6 value; IPv4-mapped ones become IPv4 (Go's To4).
IpAddress from_v6(Uint128 value) {
  if ((value >> 32) == 0xFFFF) return IpAddress{true, value & 0xFFFFFFFFu};
  return IpAddress{false, value};
}

void append_hex16(std::string& out, unsigned v) {
  static const char digits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (v >> shift) & 0xF;
    if (d || started || shift == 0) {
      out.push_back(digits[d]);
      started = true;
    }
  }
}

}  // namespace

std::array<uint8_t, 16> IpAddress::bytes16() const {
  Uint128 v = v4 ? (kV4MappedPrefix | value) : value;
  std::array<uint8_t, 16> out{};
  for (int i = 15; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
  return out;
}

Uint128 IpNetwork::first() const { return address.value & ~host_mask(address.bits() - prefix); }

Uint128 IpNetwork::last() const { return first() | host_mask(address.bits() - prefix); }

bool IpNetwork::contains(const IpAddress& ip) const {
  if (ip.v4 != address.v4) return false;
  Uint128 mask = ~host_mask(address.bits() - prefix);
  return (ip.value & mask) == (address.value & mask);
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  for (char c : text) {
    if (c == '.') {
      std::optional<uint32_t> v4 = parse_ipv4(text);
      if (!v4) return std::nullopt;
      return IpAddress{true, *v4};
    }
    if (c == ':') {
      std::optional<Uint128> v6 = parse_ipv6(text);
      if (!v6) return std::nullopt;
      return from_v6(*v6);
    }
    if (c == '%') return std::nullopt;
  }
  return std::nullopt;
}

std::optional<IpNetwork> parse_cidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view address = text.substr(0, slash), mask = text.substr(slash + 1);
  std::optional<IpAddress> ip;
  int bits = 32;
  if (address.find(':') != std::string_view::npos) {
    std::optional<Uint128> v6 = parse_ipv6(address);
    if (!v6) return std::nullopt;
    ip = IpAddress{false, *v6};
    bits = 128;
  } else {
    ip = parse_ip(address);
    if (!ip) return std::nullopt;
  }
  // Go's dtoi: decimal digits only, capped well before overflow.
  if (mask.empty()) return std::nullopt;
  int prefix = 0;
  for (char c : mask) {
    if (c < '0' || c > '9') return std::nullopt;
    prefix = prefix * 10 + (c - '0');
    if (prefix > 0xFFFFFF) return std::nullopt;
  }
  if (prefix > bits) return std::nullopt;
  IpNetwork network{*ip, prefix};
  network.address.value = network.first();
  // An IPv4-mapped network with a prefix inside the IPv4 part is an IPv4 network.
  if (bits == 128 && prefix >= 96 && (network.address.value >> 32) == 0xFFFF) {
    network = IpNetwork{IpAddress{true, network.address.value & 0xFFFFFFFFu}, prefix - 96};
  }
  return network;
}

int default_prefix(const IpAddress& v4) {
  unsigned first_octet = static_cast<unsigned>(v4.value >> 24) & 0xFF;
  if (first_octet < 0x80) return 8;
  if (first_octet < 0xC0) return 16;
  return 24;
}

std::string ip_text(const IpAddress& ip) {
  std::string out;
  if (ip.v4) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      if (shift != 24) out.push_back('.');
      out += std::to_string(static_cast<unsigned>(ip.value >> shift) & 0xFF);
    }
    return out;
  }
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<unsigned>(ip.value >> (112 - 16 * i)) & 0xFFFF;
  // The first longest run of two or more zero groups becomes "::".
  int zero_start = -1, zero_end = -1;
  for (int i = 0; i < 8; ++i) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i >= 2 && j - i > zero_end - zero_start) {
      zero_start = i;
      zero_end = j;
    }
  }
  for (int i = 0; i < 8; ++i) {
    if (i == zero_start) {
      out += "::";
      i = zero_end - 1;
      continue;
    }
    if (i > 0 && i != zero_end) out.push_back(':');
    append_hex16(out, groups[i]);
  }
  return out;
}

std::string network_text(const IpNetwork& network) {
  return ip_text(network.address) + "/" + std::to_string(network.prefix);
}

}  // namespace tollgate::rego
