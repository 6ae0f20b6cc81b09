#include "rules/cel/k8s/cidr.h"

#include <catch2/catch.hpp>

using tollgate::cel::k8s::CIDR;
using tollgate::cel::k8s::IPAddress;

namespace {

CIDR cidr(const char* text) {
  auto parsed = CIDR::parse(text);
  INFO("parsing " << text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

IPAddress ip(const char* text) { return *IPAddress::parse(text); }

std::string error_of(const char* text) {
  std::string error;
  INFO("parsing " << text);
  REQUIRE_FALSE(CIDR::parse(text, &error).has_value());
  return error;
}

}  // namespace

TEST_CASE("cidr: parse and accessors", "[k8s][cidr]") {
  CHECK(cidr("192.168.0.0/16").prefix_length() == 16);
  CHECK(cidr("::1/128").prefix_length() == 128);
  CHECK(cidr("2001:db8::/32").ip().to_string() == "2001:db8::");
  CHECK(cidr("192.168.0.0/24").to_string() == "192.168.0.0/24");
  CHECK(cidr("0.0.0.0/0").prefix_length() == 0);
  // Host bits are allowed, as in Kubernetes; masked() clears them.
  CHECK(cidr("192.168.0.1/24").ip().to_string() == "192.168.0.1");
  CHECK(cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24"));
  CHECK_FALSE(cidr("192.168.0.1/24") == cidr("192.168.0.1/24").masked());
  CHECK(cidr("2001:db8:1::/32").masked().to_string() == "2001:db8::/32");
  CHECK(cidr("10.255.255.255/13").masked().to_string() == "10.248.0.0/13");
}

TEST_CASE("cidr: rejects with the library's messages", "[k8s][cidr]") {
  CHECK(error_of("192.168.0.0/") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/\"): bad bits "
        "after slash: \"\"");
  CHECK(error_of("192.168.0.0/33") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/33\"): prefix "
        "length out of range");
  CHECK(error_of("::1/129") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"::1/129\"): prefix length "
        "out of range");
  CHECK(error_of("10.0.0.0") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0\"): no '/'");
  CHECK(error_of("10.0.0.0/08") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0/08\"): bad bits "
        "after slash: \"08\"");
  CHECK(error_of("10.0.0/8") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0/8\"): "
        "ParseAddr(\"10.0.0\"): IPv4 address too short");
  CHECK(error_of("fe80::%eth0/64") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"fe80::%eth0/64\"): IPv6 "
        "zones cannot be present in a prefix");
  CHECK(error_of("::ffff:1.2.3.4/120") == "IPv4-mapped IPv6 address \"::ffff:1.2.3.4/120\" is not allowed");
  CHECK(error_of("10.0.0.0/99999999999999999999") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0/99999999999999999999\"): "
        "bad bits after slash: \"99999999999999999999\"");
  CHECK(error_of("10.0.0.0/9999999999") ==
        "network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0/9999999999\"): prefix "
        "length out of range");
  CHECK_FALSE(CIDR::parse("10.0.0.0/+8").has_value());
  CHECK_FALSE(CIDR::parse("10.0.0.0/-1").has_value());
  CHECK_FALSE(CIDR::parse("010.0.0.0/8").has_value());
}

TEST_CASE("cidr: containment", "[k8s][cidr]") {
  CHECK(cidr("192.168.0.0/24").contains(ip("192.168.0.1")));
  CHECK_FALSE(cidr("192.168.0.0/24").contains(ip("192.168.1.1")));
  CHECK(cidr("2001:db8::/32").contains(ip("2001:db8::1")));
  CHECK_FALSE(cidr("2001:db8::/32").contains(ip("2001:dc8::1")));
  CHECK_FALSE(cidr("0.0.0.0/0").contains(ip("::1")));  // families never mix
  CHECK(cidr("10.0.0.0/8").contains(ip("10.1.2.3")));

  CHECK(cidr("192.168.0.0/24").contains(cidr("192.168.0.0/25")));
  CHECK_FALSE(cidr("192.168.0.0/24").contains(cidr("192.168.0.0/23")));
  // Kubernetes 1.32 (Gatekeeper v3.19.3's) compares the other prefix's address
  // unmasked with this network's address: a subnet that does not start at the
  // network address is "not contained" (fixed upstream in kubernetes#130450).
  CHECK_FALSE(cidr("192.168.0.0/16").contains(cidr("192.168.10.0/24")));
  CHECK_FALSE(cidr("192.168.0.0/16").contains(cidr("192.168.0.1/32")));
  CHECK_FALSE(cidr("0.0.0.0/0").contains(cidr("10.0.0.0/8")));
  CHECK(cidr("192.168.0.0/16").contains(cidr("192.168.0.0/32")));
  CHECK_FALSE(cidr("192.168.1.0/24").contains(cidr("192.168.2.0/24")));
  CHECK(cidr("2001:db8::/32").contains(cidr("2001:db8::/33")));
  CHECK_FALSE(cidr("2001:db8::/32").contains(cidr("2001:db8::/31")));
  CHECK_FALSE(cidr("0.0.0.0/0").contains(cidr("::/0")));
}
