// An IP address as the Kubernetes CEL IP library sees it: Go's netip.Addr
// parsing and classification, minus zones and IPv4-mapped IPv6 addresses,
// which Kubernetes rejects.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::cel::k8s {

class IPAddress {
 public:
  IPAddress() = default;
  static IPAddress v4(const std::array<uint8_t, 4>& bytes);
  static IPAddress v6(const std::array<uint8_t, 16>& bytes);

  // netip.ParseAddr without Kubernetes' restrictions; the error is Go's
  // (`ParseAddr("1.2.3"): IPv4 address too short`). zone receives any zone.
  static std::optional<IPAddress> parse_netip(std::string_view text, std::string* zone, std::string* error);
  // The library's parseIPAddr: the error is the message ip() reports, e.g.
  // `IP Address "x" parse error during conversion from string: ParseAddr("x"): unable to parse IP`.
  static std::optional<IPAddress> parse(std::string_view text, std::string* error = nullptr);

  int family() const { return is_v4_ ? 4 : 6; }
  bool is_v4() const { return is_v4_; }
  // 4 or 16 significant bytes, network order.
  const uint8_t* bytes() const { return bytes_.data(); }
  size_t size() const { return is_v4_ ? 4 : 16; }
  int bit_length() const { return is_v4_ ? 32 : 128; }
  // IPv6 ::ffff:a.b.c.d.
  bool is_4in6() const;

  // netip.Addr.String(): dotted quad, or RFC 5952 IPv6.
  std::string to_string() const;

  bool is_unspecified() const;
  bool is_loopback() const;
  bool is_multicast() const;
  bool is_link_local_multicast() const;
  bool is_link_local_unicast() const;
  bool is_global_unicast() const;

  // The address with every bit after the first prefix_length cleared.
  IPAddress masked(int prefix_length) const;

  friend bool operator==(const IPAddress& a, const IPAddress& b) {
    return a.is_v4_ == b.is_v4_ && a.bytes_ == b.bytes_;
  }
  // IPv4 before IPv6, then by bytes (netip.Addr.Compare without zones).
  int compare(const IPAddress& other) const;

 private:
  bool is_v4_ = true;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first four
};

}  // namespace tollgate::cel::k8s
