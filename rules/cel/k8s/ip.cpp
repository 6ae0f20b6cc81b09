#include "rules/cel/k8s/ip.h"

#include <cstring>

#include "rules/value/go_quote.h"

namespace tollgate::cel::k8s {

using value::go_quote;

namespace {

// netip's parseAddrError text.
std::string addr_error(std::string_view in, std::string_view msg, std::string_view at = {}) {
  std::string out = "ParseAddr(" + go_quote(in) + "): " + std::string(msg);
  if (!at.empty()) out += " (at " + go_quote(at) + ")";
  return out;
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

// parseIPv4Fields: exactly four decimal octets, no leading zeros.
bool parse_ipv4_fields(std::string_view in, size_t off, size_t end, uint8_t* fields, std::string* error) {
  std::string_view s = in.substr(off, end - off);
  int val = 0;
  int pos = 0;
  int digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (digits == 1 && val == 0) return fail(error, addr_error(in, "IPv4 field has octet with leading zero"));
      val = val * 10 + (c - '0');
      ++digits;
      if (val > 255) return fail(error, addr_error(in, "IPv4 field has value >255"));
    } else if (c == '.') {
      if (i == 0 || i == s.size() - 1 || s[i - 1] == '.') {
        return fail(error, addr_error(in, "IPv4 field must have at least one digit", s.substr(i)));
      }
      if (pos == 3) return fail(error, addr_error(in, "IPv4 address too long"));
      fields[pos++] = uint8_t(val);
      val = 0;
      digits = 0;
    } else {
      return fail(error, addr_error(in, "unexpected character", s.substr(i)));
    }
  }
  if (pos < 3) return fail(error, addr_error(in, "IPv4 address too short"));
  fields[3] = uint8_t(val);
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_ipv6(std::string_view in, std::array<uint8_t, 16>* ip, std::string* zone, std::string* error) {
  std::string_view s = in;
  size_t percent = s.find('%');
  if (percent != std::string_view::npos) {
    *zone = std::string(s.substr(percent + 1));
    s = s.substr(0, percent);
    if (zone->empty()) return fail(error, addr_error(in, "zone must be a non-empty string"));
  }
  ip->fill(0);
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) return true;
  }
  int i = 0;
  while (i < 16) {
    size_t off = 0;
    uint32_t acc = 0;
    for (; off < s.size(); ++off) {
      int h = hex_value(s[off]);
      if (h < 0) break;
      acc = (acc << 4) + uint32_t(h);
      if (off > 3) return fail(error, addr_error(in, "each group must have 4 or less digits", s));
      if (acc > 0xFFFF) return fail(error, addr_error(in, "IPv6 field has value >=2^16", s));
    }
    if (off == 0) {
      return fail(error, addr_error(in, "each colon-separated field must have at least one digit", s));
    }
    if (off < s.size() && s[off] == '.') {
      if (ellipsis < 0 && i != 12) {
        return fail(error, addr_error(in, "embedded IPv4 address must replace the final 2 fields of the address", s));
      }
      if (i + 4 > 16) {
        return fail(error,
                    addr_error(in, "too many hex fields to fit an embedded IPv4 at the end of the address", s));
      }
      size_t end = in.size();
      if (!zone->empty()) end -= zone->size() + 1;
      if (!parse_ipv4_fields(in, end - s.size(), end, ip->data() + i, error)) return false;
      s = {};
      i += 4;
      break;
    }
    (*ip)[i] = uint8_t(acc >> 8);
    (*ip)[i + 1] = uint8_t(acc);
    i += 2;
    s.remove_prefix(off);
    if (s.empty()) break;
    if (s[0] != ':') return fail(error, addr_error(in, "unexpected character, want colon", s));
    if (s.size() == 1) return fail(error, addr_error(in, "colon must be followed by more characters", s));
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return fail(error, addr_error(in, "multiple :: in address", s));
      ellipsis = i;
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return fail(error, addr_error(in, "trailing garbage after address", s));
  if (i < 16) {
    if (ellipsis < 0) return fail(error, addr_error(in, "address string too short"));
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; --j) (*ip)[j + n] = (*ip)[j];
    for (int j = ellipsis; j < ellipsis + n; ++j) (*ip)[j] = 0;
  } else if (ellipsis >= 0) {
    return fail(error, addr_error(in, "the :: must expand to at least one field of zeros", s));
  }
  return true;
}

}  // namespace

IPAddress IPAddress::v4(const std::array<uint8_t, 4>& bytes) {
  IPAddress a;
  a.is_v4_ = true;
  std::memcpy(a.bytes_.data(), bytes.data(), 4);
  return a;
}

IPAddress IPAddress::v6(const std::array<uint8_t, 16>& bytes) {
  IPAddress a;
  a.is_v4_ = false;
  a.bytes_ = bytes;
  return a;
}

std::optional<IPAddress> IPAddress::parse_netip(std::string_view text, std::string* zone, std::string* error) {
  zone->clear();
  for (char c : text) {
    if (c == '.') {
      std::array<uint8_t, 4> fields{};
      if (!parse_ipv4_fields(text, 0, text.size(), fields.data(), error)) return std::nullopt;
      return v4(fields);
    }
    if (c == ':') {
      std::array<uint8_t, 16> bytes{};
      if (!parse_ipv6(text, &bytes, zone, error)) return std::nullopt;
      return v6(bytes);
    }
    if (c == '%') {
      fail(error, addr_error(text, "missing IPv6 address"));
      return std::nullopt;
    }
  }
  fail(error, addr_error(text, "unable to parse IP"));
  return std::nullopt;
}

std::optional<IPAddress> IPAddress::parse(std::string_view text, std::string* error) {
  std::string zone;
  std::string netip_error;
  auto addr = parse_netip(text, &zone, &netip_error);
  if (!addr) {
    fail(error, "IP Address " + go_quote(text) + " parse error during conversion from string: " + netip_error);
    return std::nullopt;
  }
  if (!zone.empty()) {
    fail(error, "IP address " + go_quote(text) + " with zone value is not allowed");
    return std::nullopt;
  }
  if (addr->is_4in6()) {
    fail(error, "IPv4-mapped IPv6 address " + go_quote(text) + " is not allowed");
    return std::nullopt;
  }
  return addr;
}

bool IPAddress::is_4in6() const {
  if (is_v4_) return false;
  for (int i = 0; i < 10; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[10] == 0xFF && bytes_[11] == 0xFF;
}

std::string IPAddress::to_string() const {
  if (is_v4_) {
    return std::to_string(bytes_[0]) + "." + std::to_string(bytes_[1]) + "." + std::to_string(bytes_[2]) + "." +
           std::to_string(bytes_[3]);
  }
  auto group = [&](int i) { return uint16_t((bytes_[2 * i] << 8) | bytes_[2 * i + 1]); };
  if (is_4in6()) {
    return "::ffff:" + v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]}).to_string();
  }
  // The longest run of two or more zero groups (the first on ties) becomes "::".
  int zero_start = -1;
  int zero_end = -1;
  for (int i = 0; i < 8; ++i) {
    int j = i;
    while (j < 8 && group(j) == 0) ++j;
    if (j - i >= 2 && j - i > zero_end - zero_start) {
      zero_start = i;
      zero_end = j;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == zero_start) {
      out += "::";
      i = zero_end;
      if (i >= 8) break;
    } else if (i > 0) {
      out += ':';
    }
    uint16_t g = group(i);
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (g >> shift) & 0xF;
      if (nibble != 0 || started || shift == 0) {
        out += kHex[nibble];
        started = true;
      }
    }
  }
  return out;
}

bool IPAddress::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i) {
    if (bytes_[i] != 0) return false;
  }
  return true;
}

bool IPAddress::is_loopback() const {
  if (is_v4_) return bytes_[0] == 127;
  for (int i = 0; i < 15; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[15] == 1;
}

bool IPAddress::is_multicast() const { return is_v4_ ? (bytes_[0] & 0xF0) == 0xE0 : bytes_[0] == 0xFF; }

bool IPAddress::is_link_local_multicast() const {
  if (is_v4_) return bytes_[0] == 224 && bytes_[1] == 0 && bytes_[2] == 0;
  return bytes_[0] == 0xFF && bytes_[1] == 0x02;
}

bool IPAddress::is_link_local_unicast() const {
  if (is_v4_) return bytes_[0] == 169 && bytes_[1] == 254;
  return bytes_[0] == 0xFE && (bytes_[1] & 0xC0) == 0x80;
}

bool IPAddress::is_global_unicast() const {
  // Like Go, private IPv4 ranges and IPv6 ULAs still count as global unicast.
  if (is_v4_ && bytes_[0] == 255 && bytes_[1] == 255 && bytes_[2] == 255 && bytes_[3] == 255) return false;
  return !is_unspecified() && !is_loopback() && !is_multicast() && !is_link_local_unicast();
}

IPAddress IPAddress::masked(int prefix_length) const {
  IPAddress out = *this;
  for (int i = 0; i < int(size()); ++i) {
    int keep = prefix_length - 8 * i;
    if (keep >= 8) continue;
    out.bytes_[i] = keep <= 0 ? 0 : uint8_t(out.bytes_[i] & uint8_t(0xFF << (8 - keep)));
  }
  return out;
}

int IPAddress::compare(const IPAddress& other) const {
  if (is_v4_ != other.is_v4_) return is_v4_ ? -1 : 1;
  int c = std::memcmp(bytes_.data(), other.bytes_.data(), size());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace tollgate::cel::k8s
