// IP addresses and CIDR networks the way Go's net package parses and prints
// them (OPA's net.cidr_* builtins): dotted IPv4 without leading zeros, IPv6
// with "::" and an embedded IPv4 tail, no zones. An IPv4-mapped IPv6
// address (::ffff:a.b.c.d) counts as IPv4, as Go's To4 makes it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::rego {

using Uint128 = unsigned __int128;

struct IpAddress {
  bool v4 = false;
  // The address as a number: 32 bits for IPv4, 128 for IPv6.
  Uint128 value = 0;

  int bits() const { return v4 ? 32 : 128; }
  // The 16-byte form Go keeps (IPv4 mapped into ::ffff:0:0/96).
  std::array<uint8_t, 16> bytes16() const;
};

struct IpNetwork {
  IpAddress address;  // masked, except for networks built from a bare IPv4 address
  int prefix = 0;     // in the address family's bits

  Uint128 first() const;  // lowest address
  Uint128 last() const;   // highest address
  bool contains(const IpAddress& ip) const;
};

// net.ParseIP.
std::optional<IpAddress> parse_ip(std::string_view text);
// net.ParseCIDR's network (the address masked to the prefix).
std::optional<IpNetwork> parse_cidr(std::string_view text);
// IPv4 class default mask length (Go's IP.DefaultMask): /8, /16 or /24.
int default_prefix(const IpAddress& v4);

// IP.String and IPNet.String.
std::string ip_text(const IpAddress& ip);
std::string network_text(const IpNetwork& network);

}  // namespace tollgate::rego
