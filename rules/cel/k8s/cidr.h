// A network prefix as the Kubernetes CEL CIDR library sees it: Go's
// netip.ParsePrefix, minus IPv4-mapped IPv6 addresses. Like Kubernetes, host
// bits after the prefix are accepted (masked() clears them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/cel/k8s/ip.h"

namespace tollgate::cel::k8s {

class CIDR {
 public:
  CIDR() = default;
  CIDR(IPAddress ip, int prefix_length) : ip_(ip), prefix_length_(prefix_length) {}

  // The library's parseCIDR; the error is its message, e.g.
  // `network address parse error during conversion from string: netip.ParsePrefix("10.0.0.0/"): bad bits after slash: ""`.
  static std::optional<CIDR> parse(std::string_view text, std::string* error = nullptr);

  const IPAddress& ip() const { return ip_; }
  int prefix_length() const { return prefix_length_; }
  CIDR masked() const { return CIDR(ip_.masked(prefix_length_), prefix_length_); }
  bool contains(const IPAddress& ip) const;
  // containsCIDR as Kubernetes 1.32 computes it: other starts at this
  // prefix's network address and is no larger (see cidr.cpp).
  bool contains(const CIDR& other) const;
  // netip.Prefix.String(): "192.168.0.0/16".
  std::string to_string() const { return ip_.to_string() + "/" + std::to_string(prefix_length_); }

  friend bool operator==(const CIDR& a, const CIDR& b) {
    return a.ip_ == b.ip_ && a.prefix_length_ == b.prefix_length_;
  }

 private:
  IPAddress ip_;
  int prefix_length_ = 0;
};

}  // namespace tollgate::cel::k8s
