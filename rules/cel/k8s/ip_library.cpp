// Kubernetes' IP and CIDR CEL libraries (k8s.io/apiserver/pkg/cel/library/ip.go, cidr.go).
#include "rules/cel/k8s/k8s_libraries.h"
#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

const k8s::IPAddress& ip_of(const Value& v) { return v.opaque_as<IPValue>()->ip(); }
const k8s::CIDR& cidr_of(const Value& v) { return v.opaque_as<CIDRValue>()->cidr(); }

Result ip_from_string(std::span<const Value> a) {
  std::string error;
  auto ip = k8s::IPAddress::parse(a[0].as_string(), &error);
  if (!ip) return make_error(error);
  return Value::make_opaque<IPValue>(*ip);
}

Result is_ip(std::span<const Value> a) { return Value::boolean(k8s::IPAddress::parse(a[0].as_string()).has_value()); }

// Unparseable text is an error here, not false.
Result ip_is_canonical(std::span<const Value> a) {
  std::string error;
  auto ip = k8s::IPAddress::parse(a[0].as_string(), &error);
  if (!ip) return make_error(error);
  return Value::boolean(ip->to_string() == a[0].as_string());
}

Result ip_family(std::span<const Value> a) { return Value::integer(ip_of(a[0]).family()); }
Result ip_is_unspecified(std::span<const Value> a) { return Value::boolean(ip_of(a[0]).is_unspecified()); }
Result ip_is_loopback(std::span<const Value> a) { return Value::boolean(ip_of(a[0]).is_loopback()); }
Result ip_is_link_local_multicast(std::span<const Value> a) {
  return Value::boolean(ip_of(a[0]).is_link_local_multicast());
}
Result ip_is_link_local_unicast(std::span<const Value> a) { return Value::boolean(ip_of(a[0]).is_link_local_unicast()); }
Result ip_is_global_unicast(std::span<const Value> a) { return Value::boolean(ip_of(a[0]).is_global_unicast()); }
Result ip_to_string(std::span<const Value> a) { return Value::string(ip_of(a[0]).to_string()); }

Result cidr_from_string(std::span<const Value> a) {
  std::string error;
  auto cidr = k8s::CIDR::parse(a[0].as_string(), &error);
  if (!cidr) return make_error("network address parse error during conversion from string: " + error);
  return Value::make_opaque<CIDRValue>(*cidr);
}

Result is_cidr(std::span<const Value> a) { return Value::boolean(k8s::CIDR::parse(a[0].as_string()).has_value()); }

Result cidr_contains_ip(std::span<const Value> a) { return Value::boolean(cidr_of(a[0]).contains(ip_of(a[1]))); }

Result cidr_contains_ip_string(std::span<const Value> a) {
  auto ip = k8s::IPAddress::parse(a[1].as_string());
  // Kubernetes reports a bad address here as a missing overload, not the parse error.
  if (!ip) return no_such_overload("containsIP");
  return Value::boolean(cidr_of(a[0]).contains(*ip));
}

Result cidr_contains_cidr(std::span<const Value> a) { return Value::boolean(cidr_of(a[0]).contains(cidr_of(a[1]))); }

Result cidr_contains_cidr_string(std::span<const Value> a) {
  Result other = cidr_from_string(a.subspan(1, 1));
  if (other.is_error()) return other;
  return Value::boolean(cidr_of(a[0]).contains(cidr_of(other.value())));
}

Result cidr_ip(std::span<const Value> a) { return Value::make_opaque<IPValue>(cidr_of(a[0]).ip()); }
Result cidr_masked(std::span<const Value> a) { return Value::make_opaque<CIDRValue>(cidr_of(a[0]).masked()); }
Result cidr_prefix_length(std::span<const Value> a) { return Value::integer(cidr_of(a[0]).prefix_length()); }
Result cidr_to_string(std::span<const Value> a) { return Value::string(cidr_of(a[0]).to_string()); }

}  // namespace

void register_ip_library(FunctionRegistry& r) {
  r.add_type(std::string(kIPTypeName));
  r.add_type(std::string(kCIDRTypeName));
  const CelType ip = CelType::opaque(std::string(kIPTypeName));
  const CelType cidr = CelType::opaque(std::string(kCIDRTypeName));
  const CelType str = CelType::string();
  const CelType boolean = CelType::bool_();

  r.add_global("ip", "string_to_ip", {str}, ip, ip_from_string);
  r.add_global("isIP", "is_ip", {str}, boolean, is_ip);
  r.add_global("ip.isCanonical", "ip_is_canonical", {str}, boolean, ip_is_canonical);
  r.add_member("family", "ip_family", {ip}, CelType::int_(), ip_family);
  r.add_member("isUnspecified", "ip_is_unspecified", {ip}, boolean, ip_is_unspecified);
  r.add_member("isLoopback", "ip_is_loopback", {ip}, boolean, ip_is_loopback);
  r.add_member("isLinkLocalMulticast", "ip_is_link_local_multicast", {ip}, boolean, ip_is_link_local_multicast);
  r.add_member("isLinkLocalUnicast", "ip_is_link_local_unicast", {ip}, boolean, ip_is_link_local_unicast);
  r.add_member("isGlobalUnicast", "ip_is_global_unicast", {ip}, boolean, ip_is_global_unicast);
  r.add_global("string", "ip_to_string", {ip}, str, ip_to_string);

  r.add_global("cidr", "string_to_cidr", {str}, cidr, cidr_from_string);
  r.add_global("isCIDR", "is_cidr", {str}, boolean, is_cidr);
  r.add_member("containsIP", "cidr_contains_ip_string", {cidr, str}, boolean, cidr_contains_ip_string);
  r.add_member("containsIP", "cidr_contains_ip_ip", {cidr, ip}, boolean, cidr_contains_ip);
  r.add_member("containsCIDR", "cidr_contains_cidr_string", {cidr, str}, boolean, cidr_contains_cidr_string);
  r.add_member("containsCIDR", "cidr_contains_cidr", {cidr, cidr}, boolean, cidr_contains_cidr);
  r.add_member("ip", "cidr_ip", {cidr}, ip, cidr_ip);
  r.add_member("prefixLength", "cidr_prefix_length", {cidr}, CelType::int_(), cidr_prefix_length);
  r.add_member("masked", "cidr_masked", {cidr}, cidr, cidr_masked);
  r.add_global("string", "cidr_to_string", {cidr}, str, cidr_to_string);
}

}  // namespace tollgate::cel
