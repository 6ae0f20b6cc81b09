#include "rules/cel/k8s/ip.h"

#include <catch2/catch.hpp>

using tollgate::cel::k8s::IPAddress;

namespace {

IPAddress ip(const char* text) {
  auto parsed = IPAddress::parse(text);
  INFO("parsing " << text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string error_of(const char* text) {
  std::string error;
  INFO("parsing " << text);
  REQUIRE_FALSE(IPAddress::parse(text, &error).has_value());
  return error;
}

}  // namespace

TEST_CASE("ip: accepts IPv4 and IPv6 as netip does", "[k8s][ip]") {
  CHECK(ip("127.0.0.1").family() == 4);
  CHECK(ip("::1").family() == 6);
  CHECK(ip("2001:db8::abcd").family() == 6);
  CHECK(ip("::1.2.3.4").to_string() == "::102:304");  // embedded IPv4 that is not IPv4-mapped
  CHECK(ip("2001:DB8::ABCD").to_string() == "2001:db8::abcd");
}

TEST_CASE("ip: rejects what Kubernetes rejects, with its messages", "[k8s][ip]") {
  CHECK(error_of("127.0.0.01") ==
        "IP Address \"127.0.0.01\" parse error during conversion from string: ParseAddr(\"127.0.0.01\"): IPv4 field "
        "has octet with leading zero");
  CHECK(error_of("127.0.0.256") ==
        "IP Address \"127.0.0.256\" parse error during conversion from string: ParseAddr(\"127.0.0.256\"): IPv4 "
        "field has value >255");
  CHECK(error_of("1.2.3") ==
        "IP Address \"1.2.3\" parse error during conversion from string: ParseAddr(\"1.2.3\"): IPv4 address too short");
  CHECK(error_of("foo") ==
        "IP Address \"foo\" parse error during conversion from string: ParseAddr(\"foo\"): unable to parse IP");
  CHECK(error_of(":::1") ==
        "IP Address \":::1\" parse error during conversion from string: ParseAddr(\":::1\"): each colon-separated "
        "field must have at least one digit (at \":1\")");
  CHECK(error_of("fe80::1%eth0") == "IP address \"fe80::1%eth0\" with zone value is not allowed");
  CHECK(error_of("::ffff:1.2.3.4") == "IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed");
  CHECK(error_of("::ffff:0102:0304") == "IPv4-mapped IPv6 address \"::ffff:0102:0304\" is not allowed");
  for (const char* bad : {"", "1.2.3.4.5", "1..2.3", "1.2.3.", "12345::", "1:2:3:4:5:6:7:8:9", "1::2::3", "1:2",
                          "::1:", "1.2.3.4:80", "[::1]", " 1.2.3.4", "%eth0", "1:2:3:4:5:6:7::8:9"}) {
    INFO(bad);
    CHECK_FALSE(IPAddress::parse(bad).has_value());
  }
}

TEST_CASE("ip: canonical text is RFC 5952", "[k8s][ip]") {
  CHECK(ip("2001:0db8:0000:0000:0000:0000:0000:0001").to_string() == "2001:db8::1");
  CHECK(ip("1:0:0:1:0:0:0:1").to_string() == "1:0:0:1::1");  // the longest zero run
  CHECK(ip("1:0:0:0:1:0:0:1").to_string() == "1::1:0:0:1");  // the first of equal runs
  CHECK(ip("1:2:3:4:5:6:7:0").to_string() == "1:2:3:4:5:6:7:0");  // a single zero group stays
  CHECK(ip("::").to_string() == "::");
  CHECK(ip("0:0:0:0:0:0:0:0").to_string() == "::");
  CHECK(ip("10.0.0.1").to_string() == "10.0.0.1");
}

TEST_CASE("ip: classification follows Go's netip", "[k8s][ip]") {
  CHECK(ip("127.0.0.1").is_loopback());
  CHECK_FALSE(ip("192.168.0.1").is_loopback());
  CHECK(ip("::1").is_loopback());
  CHECK_FALSE(ip("2001:db8::abcd").is_loopback());
  CHECK(ip("224.0.0.1").is_link_local_multicast());
  CHECK_FALSE(ip("224.0.1.1").is_link_local_multicast());
  CHECK(ip("ff02::1").is_link_local_multicast());
  CHECK_FALSE(ip("fd00::1").is_link_local_multicast());
  CHECK(ip("169.254.169.254").is_link_local_unicast());
  CHECK_FALSE(ip("192.168.0.1").is_link_local_unicast());
  CHECK(ip("fe80::1").is_link_local_unicast());
  CHECK_FALSE(ip("fd80::1").is_link_local_unicast());
  CHECK(ip("192.168.0.1").is_global_unicast());
  CHECK(ip("10.0.0.1").is_global_unicast());  // private ranges still count
  CHECK_FALSE(ip("255.255.255.255").is_global_unicast());
  CHECK(ip("2001:db8::abcd").is_global_unicast());
  CHECK_FALSE(ip("ff00::1").is_global_unicast());
  CHECK_FALSE(ip("0.0.0.0").is_global_unicast());
  CHECK(ip("0.0.0.0").is_unspecified());
  CHECK(ip("::").is_unspecified());
  CHECK_FALSE(ip("127.0.0.1").is_unspecified());
}

TEST_CASE("ip: equality and order", "[k8s][ip]") {
  CHECK(ip("2001:db8::1") == ip("2001:DB8:0::1"));
  CHECK_FALSE(ip("0.0.0.0") == ip("::"));
  CHECK(ip("10.0.0.1").compare(ip("10.0.0.2")) == -1);
  CHECK(ip("255.255.255.255").compare(ip("::")) == -1);
}
