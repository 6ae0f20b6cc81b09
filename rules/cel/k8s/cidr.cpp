#include "rules/cel/k8s/cidr.h"

#include "rules/value/go_quote.h"

namespace tollgate::cel::k8s {

using value::go_quote;

std::optional<CIDR> CIDR::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string_view msg) -> std::optional<CIDR> {
    if (error != nullptr) {
      *error = "network address parse error during conversion from string: netip.ParsePrefix(" + go_quote(text) +
               "): " + std::string(msg);
    }
    return std::nullopt;
  };
  size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return fail("no '/'");
  std::string zone;
  std::string addr_error;
  auto ip = IPAddress::parse_netip(text.substr(0, slash), &zone, &addr_error);
  if (!ip) return fail(addr_error);
  if (!ip->is_v4() && !zone.empty()) return fail("IPv6 zones cannot be present in a prefix");

  // Go rejects signs and leading zeros in the length, then parses it with Atoi.
  std::string_view bits_text = text.substr(slash + 1);
  std::string bad_bits = "bad bits after slash: " + go_quote(bits_text);
  if (bits_text.empty() || (bits_text.size() > 1 && (bits_text[0] < '1' || bits_text[0] > '9'))) return fail(bad_bits);
  // Atoi fails (bad bits) beyond int64; in range it is a length check.
  int64_t bits = 0;
  for (char c : bits_text) {
    if (c < '0' || c > '9' || __builtin_mul_overflow(bits, int64_t(10), &bits) ||
        __builtin_add_overflow(bits, int64_t(c - '0'), &bits)) {
      return fail(bad_bits);
    }
  }
  if (bits > ip->bit_length()) return fail("prefix length out of range");

  if (ip->is_4in6()) {
    if (error != nullptr) *error = "IPv4-mapped IPv6 address " + go_quote(text) + " is not allowed";
    return std::nullopt;
  }
  return CIDR(*ip, int(bits));
}

bool CIDR::contains(const IPAddress& ip) const {
  return ip.is_v4() == ip_.is_v4() && ip.masked(prefix_length_) == ip_.masked(prefix_length_);
}

bool CIDR::contains(const CIDR& other) const {
  // Kubernetes 1.32: Masked() == PrefixFrom(other.Addr(), Bits()) && Bits() <= other.Bits().
  // PrefixFrom does not mask, so the other network must start exactly at this
  // one's network address: 10.0.0.0/8 contains 10.0.0.0/16 but not 10.1.0.0/16
  // (a reference bug kept on purpose, see rules/cel/README.md).
  return other.ip_ == ip_.masked(prefix_length_) && prefix_length_ <= other.prefix_length_;
}

}  // namespace tollgate::cel::k8s
