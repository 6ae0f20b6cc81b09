// End to end: the Kubernetes libraries as CEL expressions see them, through
// the kubernetes() environment.
#include <catch2/catch.hpp>

#include "rules/cel/cel.h"
#include "rules/cel/cel_types.h"

using tollgate::cel::EvalResult;
using tollgate::cel::evaluate_once;
using tollgate::value::Value;

namespace {

EvalResult run(const std::string& expression) {
  std::string compile_error;
  EvalResult r = evaluate_once(expression, {}, &compile_error);
  INFO(expression << " -> compile error: " << compile_error);
  REQUIRE(compile_error.empty());
  return r;
}

Value value_of(const std::string& expression) {
  EvalResult r = run(expression);
  INFO(expression << " -> " << r.error.value_or(""));
  REQUIRE(r.ok());
  return r.value;
}

bool is_true(const std::string& expression) {
  Value v = value_of(expression);
  INFO(expression);
  REQUIRE(v.is_bool());
  return v.as_bool();
}

std::string error_of(const std::string& expression) {
  EvalResult r = run(expression);
  INFO(expression);
  REQUIRE_FALSE(r.ok());
  return *r.error;
}

bool compiles(const std::string& expression) {
  std::string compile_error;
  evaluate_once(expression, {}, &compile_error);
  return compile_error.empty();
}

}  // namespace

TEST_CASE("k8s cel: quantity", "[k8s][cel]") {
  CHECK(is_true("quantity('1') == quantity('1000m')"));
  CHECK(is_true("quantity('200M') == quantity('0.2G') && quantity('0.2G') == quantity('200M')"));
  CHECK_FALSE(is_true("quantity('200M') == quantity('0.3G')"));
  CHECK(is_true("isQuantity('200K') == false"));
  CHECK(is_true("isQuantity('1.3Gi') && isQuantity('10000k') && !isQuantity('1,3G')"));
  CHECK(error_of("quantity('10Mm')") == "unable to parse quantity's suffix");
  CHECK(is_true("quantity('50M').isLessThan(quantity('50Mi'))"));
  CHECK(is_true("quantity('150Mi').isGreaterThan(quantity('100Mi'))"));
  CHECK(value_of("quantity('50Mi').compareTo(quantity('50M'))") == Value::integer(1));
  CHECK(is_true("quantity('50k').add(quantity('20')) == quantity('50.02k')"));
  CHECK(is_true("quantity('50k').sub(20) == quantity('49980')"));
  CHECK(value_of("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()") == Value::integer(20));
  CHECK(value_of("quantity('50.703k').asApproximateFloat()") == Value::number(50703.0));
  CHECK(is_true("quantity('9999999999999999999999999999999999999G').isInteger() == false"));
  CHECK(error_of("quantity('9999999999999999999999999999999999999G').asInteger()") ==
        "cannot convert value to integer");
  CHECK(value_of("sign(quantity('-5m'))") == Value::integer(-1));
  CHECK_FALSE(compiles("quantity('1').sign()"));  // sign is a global function in Kubernetes
  CHECK(is_true("type(quantity('1')) == kubernetes.Quantity"));
}

TEST_CASE("k8s cel: url", "[k8s][cel]") {
  Value query = value_of("url('https://a.b:80/x?y=1').getQuery()");
  REQUIRE(query.is_object());
  REQUIRE(query.find("y") != nullptr);
  CHECK(*query.find("y") == Value::array({Value::string("1")}));
  CHECK(is_true("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()['k2'] == ['b', 'c']"));
  CHECK(is_true("url('https://example.com/path').getQuery() == {}"));
  CHECK(value_of("url('https://[::1]:80/').getHostname()") == Value::string("::1"));
  CHECK(value_of("url('https://[::1]:80/').getHost()") == Value::string("[::1]:80"));
  CHECK(value_of("url('https://example.com:80/').getPort()") == Value::string("80"));
  CHECK(value_of("url('HTTPS://example.com/').getScheme()") == Value::string("https"));
  CHECK(value_of("url('https://example.com/path with spaces/').getEscapedPath()") ==
        Value::string("/path%20with%20spaces/"));
  CHECK(is_true("isURL('/absolute-path') && !isURL('../relative-path') && !isURL('https://a:b:c/')"));
  CHECK(error_of("url('../relative-path')") ==
        "URL parse error during conversion from string: parse \"../relative-path\": invalid URI for request");
}

TEST_CASE("k8s cel: ip and cidr", "[k8s][cel]") {
  CHECK(is_true("ip('127.0.0.1').isLoopback()"));
  CHECK(value_of("ip('::1').family()") == Value::integer(6));
  CHECK(is_true("ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()"));
  CHECK(is_true("ip('fe80::1').isLinkLocalUnicast() && ip('ff02::1').isLinkLocalMulticast()"));
  CHECK(is_true("ip('0.0.0.0').isUnspecified()"));
  CHECK(is_true("ip.isCanonical('2001:db8::abcd') && !ip.isCanonical('2001:DB8::ABCD')"));
  CHECK(is_true("!isIP('127.0.0.01') && !isIP('::ffff:1.2.3.4') && !isIP('fe80::1%eth0') && isIP('::1')"));
  CHECK(value_of("string(ip('2001:0db8::0001'))") == Value::string("2001:db8::1"));
  CHECK(is_true("ip('2001:db8::1') == ip('2001:DB8::1')"));
  CHECK(is_true("type(ip('::1')) == net.IP"));

  CHECK(is_true("cidr('10.0.0.0/8').containsIP('10.1.2.3')"));
  CHECK(is_true("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))"));
  CHECK(is_true("cidr('192.168.0.0/16').containsCIDR('192.168.0.0/24')"));
  CHECK_FALSE(is_true("cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')"));  // as Kubernetes 1.32
  CHECK_FALSE(is_true("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))"));
  CHECK(is_true("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')"));
  CHECK_FALSE(is_true("cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()"));
  CHECK(value_of("cidr('::1/128').prefixLength()") == Value::integer(128));
  CHECK(value_of("cidr('192.168.0.1/24').ip().family()") == Value::integer(4));
  CHECK(value_of("string(cidr('192.168.0.0/24'))") == Value::string("192.168.0.0/24"));
  CHECK(is_true("type(cidr('192.168.0.0/24')) == net.CIDR"));
  CHECK(is_true("isCIDR('::1/128') && !isCIDR('192.168.0.0/33')"));
  CHECK(error_of("cidr('192.168.0.0/')") ==
        "network address parse error during conversion from string: network address parse error during conversion "
        "from string: netip.ParsePrefix(\"192.168.0.0/\"): bad bits after slash: \"\"");
}

TEST_CASE("k8s cel: semver", "[k8s][cel]") {
  CHECK(is_true("semver('1.2.3').isLessThan(semver('1.10.0'))"));
  CHECK(is_true("semver('1.2.3').isGreaterThan(semver('1.0.0'))"));
  CHECK(value_of("semver('1.2.3').compareTo(semver('2.0.0'))") == Value::integer(-1));
  CHECK(value_of("semver('1.2.3').minor()") == Value::integer(2));
  CHECK(is_true("semver('v01.01', true) == semver('1.1.0')"));
  CHECK(is_true("isSemver('1.2.3-beta.1+build.1') && !isSemver('v1.0.0') && isSemver('v1.0.0', true)"));
  CHECK(error_of("semver('v1.0')") == "No Major.Minor.Patch elements found");
  CHECK(is_true("semver('1.0.0+a') == semver('1.0.0+b')"));
}

TEST_CASE("k8s cel: named formats", "[k8s][cel]") {
  CHECK(is_true("format.dns1123Label().validate('Not_Valid').hasValue()"));
  CHECK_FALSE(is_true("format.dns1123Label().validate('my-label-name').hasValue()"));
  CHECK(is_true("format.named('dns1123Label').value() == format.dns1123Label()"));
  CHECK(is_true("format.dns1123Label() != format.dns1035Label()"));
  CHECK_FALSE(is_true("format.named('unknown').hasValue()"));
  CHECK(value_of("format.dns1123Label().validate('a.b').value()") ==
        Value::array({Value::string("must not contain dots")}));
  CHECK(is_true("format.date().validate('2020-01-32').value() == ['invalid date']"));
  CHECK(is_true("!format.uri().validate('http://example.com').hasValue()"));
  CHECK(is_true("!format.dns1123SubdomainPrefix().validate('mysubdomain.prefix.-').hasValue()"));
  for (const char* name : {"dns1123Label", "dns1123Subdomain", "dns1035Label", "qualifiedName", "dns1123LabelPrefix",
                           "dns1123SubdomainPrefix", "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date",
                           "datetime"}) {
    std::string n = name;
    INFO(n);
    CHECK(is_true("format.named('" + n + "').value() == format." + n + "()"));
  }
}
