#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"
#include "rules/rego/builtins/ip_address.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value strings(std::initializer_list<const char*> xs) {
  std::vector<Value> items;
  for (const char* x : xs) items.push_back(str(x));
  return set_of(std::move(items));
}

TEST_CASE("IP addresses parse and print as Go's net package does", "[builtins]") {
  CHECK(ip_text(*parse_ip("192.168.1.1")) == "192.168.1.1");
  CHECK_FALSE(parse_ip("192.168.01.1"));
  CHECK_FALSE(parse_ip("256.1.1.1"));
  CHECK_FALSE(parse_ip("1.2.3"));
  CHECK_FALSE(parse_ip("fe80::1%eth0"));
  CHECK(ip_text(*parse_ip("2001:0db8:0000:0000:0000:0000:0000:0001")) == "2001:db8::1");
  CHECK(ip_text(*parse_ip("::")) == "::");
  CHECK(ip_text(*parse_ip("1:0:0:2:0:0:0:3")) == "1:0:0:2::3");
  CHECK(ip_text(*parse_ip("1:0:2:3:4:5:6:7")) == "1:0:2:3:4:5:6:7");
  CHECK(ip_text(*parse_ip("::ffff:10.1.2.3")) == "10.1.2.3");
  CHECK(parse_ip("::ffff:10.1.2.3")->v4);
  CHECK_FALSE(parse_ip("1:2:3:4:5:6:7:8:9"));
  CHECK_FALSE(parse_ip("1::2::3"));
  CHECK_FALSE(parse_ip("1:2:3:4:5:6:7::8"));
  CHECK(network_text(*parse_cidr("192.168.1.77/24")) == "192.168.1.0/24");
  CHECK(network_text(*parse_cidr("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64")) == "2601:600:8a80:207e::/64");
  CHECK_FALSE(parse_cidr("192.168.1.1/33"));
  CHECK_FALSE(parse_cidr("192.168.1.1"));
  CHECK_FALSE(parse_cidr("192.168.1.1/"));
}

TEST_CASE("net.cidr_contains takes an address or a CIDR", "[builtins]") {
  CHECK(call("net.cidr_contains", {str("10.0.0.0/8"), str("10.1.0.0/24")}) == Value::boolean(true));
  CHECK(call("net.cidr_contains", {str("172.17.0.0/24"), str("172.17.0.0/16")}) == Value::boolean(false));
  CHECK(call("net.cidr_contains", {str("10.0.0.0/8"), str("10.1.2.3")}) == Value::boolean(true));
  CHECK(call("net.cidr_contains", {str("10.0.0.0/8"), str("192.168.1.1")}) == Value::boolean(false));
  CHECK(call("net.cidr_contains", {str("2001:4860:4860::8888/32"), str("2001:4860:4860:1234::8888/40")}) ==
        Value::boolean(true));
  CHECK(call("net.cidr_contains", {str("2001:4860::/96"), str("2001:4860::/32")}) == Value::boolean(false));
  CHECK(call("net.cidr_contains", {str("10.0.0.0/8"), str("::1")}) == Value::boolean(false));
  CHECK(std::string(call_error("net.cidr_contains", {str("not-a-cidr"), str("1.2.3.4")}).what()) ==
        "invalid CIDR address: not-a-cidr");
  CHECK(std::string(call_error("net.cidr_contains", {str("10.0.0.0/8"), str("nope")}).what()) ==
        "not a valid textual representation of an IP address or CIDR: nope");
  CHECK(call("net.cidr_overlap", {str("10.0.0.0/8"), str("10.1.2.3")}) == Value::boolean(true));
}

TEST_CASE("net.cidr_intersects, net.cidr_is_valid, net.cidr_expand", "[builtins]") {
  CHECK(call("net.cidr_intersects", {str("192.168.1.0/25"), str("192.168.1.64/25")}) == Value::boolean(true));
  CHECK(call("net.cidr_intersects", {str("192.168.1.0/24"), str("192.168.2.0/24")}) == Value::boolean(false));
  CHECK(call("net.cidr_intersects", {str("fd1e:5bfe:8af3:9ddc::/64"), str("fd1e:5bfe:8af3:9ddc:1111::/72")}) ==
        Value::boolean(true));
  CHECK(call("net.cidr_is_valid", {str("192.168.1.0/24")}) == Value::boolean(true));
  CHECK(call("net.cidr_is_valid", {str("2002::1234:abcd:ffff:c0a8:101/64")}) == Value::boolean(true));
  CHECK(call("net.cidr_is_valid", {str("192.168.1.2")}) == Value::boolean(false));
  CHECK(call("net.cidr_is_valid", {json("7")}) == Value::boolean(false));
  CHECK(call("net.cidr_expand", {str("192.168.1.1/30")}) ==
        strings({"192.168.1.0", "192.168.1.1", "192.168.1.2", "192.168.1.3"}));
  CHECK(call("net.cidr_expand", {str("192.168.1.1/32")}) == strings({"192.168.1.1"}));
  CHECK(call("net.cidr_expand", {str("fe80::/127")}) == strings({"fe80::", "fe80::1"}));
  CHECK(std::string(call_error("net.cidr_expand", {str("192.168.1.1/33")}).what()) ==
        "invalid CIDR address: 192.168.1.1/33");
}

TEST_CASE("net.cidr_contains_matches pairs the keys of matches", "[builtins]") {
  CHECK(call("net.cidr_contains_matches", {str("1.1.1.0/24"), str("1.1.1.1")}) ==
        set_of({Value::array({str("1.1.1.0/24"), str("1.1.1.1")})}));
  CHECK(call("net.cidr_contains_matches", {json("[[\"1.1.2.0/24\", 1], \"1.1.1.0/24\"]"),
                                           json("[\"1.1.1.1\", \"1.1.2.1\"]")}) ==
        set_of({json("[0, 1]"), json("[1, 0]")}));
  CHECK(call("net.cidr_contains_matches", {json("{\"k1\": \"1.1.1.1/24\", \"k2\": [\"1.1.1.2/24\", 1]}"),
                                           str("1.1.1.128")}) ==
        set_of({json("[\"k1\", \"1.1.1.128\"]"), json("[\"k2\", \"1.1.1.128\"]")}));
  CHECK(std::string(call_error("net.cidr_contains_matches", {json("[\"1.1.2.0/24\"]"), json("[\"1.1.1.1\", 1]")})
                        .what()) == "operand 2: element must be string or non-empty array");
}

TEST_CASE("net.cidr_merge merges into the fewest CIDRs", "[builtins]") {
  auto merge = [](const char* list) { return call("net.cidr_merge", {json(list)}); };
  CHECK(merge("[\"192.0.128.0/24\", \"192.0.129.0/24\"]") == strings({"192.0.128.0/23"}));
  CHECK(merge("[\"192.0.2.112/30\", \"192.0.2.116/31\", \"192.0.2.118/31\"]") == strings({"192.0.2.112/29"}));
  CHECK(merge("[\"192.0.2.112/31\", \"192.0.2.116/31\", \"192.0.2.118/31\"]") ==
        strings({"192.0.2.112/31", "192.0.2.116/30"}));
  CHECK(merge("[\"192.0.129.0/24\", \"192.0.130.0/24\"]") == strings({"192.0.129.0/24", "192.0.130.0/24"}));
  CHECK(merge("[\"192.0.128.0/24\", \"0.0.0.0/0\"]") == strings({"0.0.0.0/0"}));
  CHECK(merge("[\"::/0\", \"::192.0.2.0/124\", \"ff00::101/128\"]") == strings({"::/0"}));
  CHECK(merge("[\"fe80::/120\", \"192.0.2.0/24\", \"192.0.3.0/24\", \"192.0.4.0/25\", \"192.0.4.128/25\"]") ==
        strings({"192.0.2.0/23", "192.0.4.0/24", "fe80::/120"}));
  CHECK(merge("[\"192.0.2.112\", \"192.0.2.116/31\", \"192.0.2.118/31\"]") == strings({"192.0.2.0/24"}));
  CHECK(merge("[\"192.0.128.0\", \"192.0.129.0\"]") == strings({"192.0.128.0/23"}));
  CHECK(merge("[\"2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64\", \"2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128\"]") ==
        strings({"2601:600:8a80:207e::/64"}));
  CHECK(merge("[\"192.0.1.254/31\", \"192.0.2.0/28\", \"192.0.2.16/28\", \"192.0.2.32/28\", \"192.0.2.48/28\", "
              "\"192.0.2.64/28\", \"192.0.2.80/28\", \"192.0.2.96/28\", \"192.0.2.112/28\", \"192.0.2.128/28\", "
              "\"192.0.2.144/28\", \"192.0.2.160/28\", \"192.0.2.176/28\", \"192.0.2.192/28\", \"192.0.2.208/28\", "
              "\"192.0.2.224/28\", \"192.0.2.240/28\", \"192.0.3.0/28\"]") ==
        strings({"192.0.1.254/31", "192.0.2.0/24", "192.0.3.0/28"}));
  CHECK(merge("[]") == set_of({}));
  CHECK(std::string(call_error("net.cidr_merge", {json("[\"2601:600::1\"]")}).what()) ==
        "IPv6 invalid: needs prefix length");
  CHECK(call_error("net.cidr_merge", {json("[\"foo\"]")}).code() == BuiltinError::Code::Builtin);
}

TEST_CASE("network calls are refused", "[builtins]") {
  const BuiltinInfo* send = BuiltinRegistry::standard().find("http.send");
  REQUIRE(send);
  CHECK(send->refused == "http.send is disabled: Tollgate does not make network calls from policies");
  const BuiltinInfo* lookup = BuiltinRegistry::standard().find("net.lookup_ip_addr");
  REQUIRE(lookup);
  CHECK_FALSE(lookup->refused.empty());
}

}  // namespace
}  // namespace tollgate::rego
