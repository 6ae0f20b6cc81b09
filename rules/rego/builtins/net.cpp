// net.cidr_* on IPv4 and IPv6 (ip_address.h), and the network builtins
// Tollgate refuses: policies make no network calls.
#include <algorithm>
#include <string>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/ip_address.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

// net.cidr_expand builds the whole set at once; a /8 is already 16M strings.
constexpr Uint128 kMaxExpandedAddresses = 1 << 20;

// OPA reads both CIDR operands with StringOperand(v, 1), so both report operand 1.
IpNetwork network_operand(const Value& v) {
  if (!v.is_string()) throw_operand_type_error(1, v, {"string"});
  std::optional<IpNetwork> network = parse_cidr(v.as_string());
  if (!network) throw_builtin_error("invalid CIDR address: " + v.as_string());
  return *network;
}

// Whether CIDR `a` contains `b`, an address or a CIDR.
bool cidr_contains(const Value& a, const Value& b) {
  IpNetwork outer = network_operand(a);
  if (!b.is_string()) throw_operand_type_error(1, b, {"string"});
  if (std::optional<IpAddress> ip = parse_ip(b.as_string())) return outer.contains(*ip);
  std::optional<IpNetwork> inner = parse_cidr(b.as_string());
  if (!inner) throw_builtin_error("not a valid textual representation of an IP address or CIDR: " + b.as_string());
  if (!outer.contains(inner->address)) return false;
  return outer.contains(IpAddress{inner->address.v4, inner->last()});
}

std::optional<Value> net_cidr_contains(Args args, BuiltinContext&) {
  return Value::boolean(cidr_contains(args[0], args[1]));
}

std::optional<Value> net_cidr_intersects(Args args, BuiltinContext&) {
  IpNetwork a = network_operand(args[0]);
  IpNetwork b = network_operand(args[1]);
  return Value::boolean(a.contains(b.address) || b.contains(a.address));
}

// The CIDRs of one net.cidr_contains_matches operand with the key each match
// reports: a string is its own key; arrays report indices, sets members,
// objects keys; an array element may be [cidr, extra...].
std::vector<std::pair<Value, Value>> match_operand(const Value& v, int pos) {
  auto cidr_of = [pos](const Value& element) {
    if (element.is_string()) return element;
    if (element.is_array() && !element.items().empty()) return element.items()[0];
    throw_builtin_error("operand " + std::to_string(pos) + ": element must be string or non-empty array");
  };
  std::vector<std::pair<Value, Value>> out;
  switch (v.kind()) {
    case value::Kind::String: out.emplace_back(v, v); break;
    case value::Kind::Array:
      for (size_t i = 0; i < v.items().size(); ++i) {
        out.emplace_back(cidr_of(v.items()[i]), Value::integer(static_cast<int64_t>(i)));
      }
      break;
    case value::Kind::Set:
      for (const Value& element : v.items()) out.emplace_back(cidr_of(element), element);
      break;
    case value::Kind::Object:
      for (const auto& [key, element] : v.entries()) out.emplace_back(cidr_of(element), key);
      break;
    default: break;  // OPA yields nothing for other types
  }
  return out;
}

std::optional<Value> net_cidr_contains_matches(Args args, BuiltinContext&) {
  std::vector<std::pair<Value, Value>> cidrs = match_operand(args[0], 1);
  std::vector<std::pair<Value, Value>> addresses = match_operand(args[1], 2);
  std::vector<Value> matches;
  for (const auto& [cidr, cidr_key] : cidrs) {
    for (const auto& [address, address_key] : addresses) {
      if (cidr_contains(cidr, address)) matches.push_back(Value::array({cidr_key, address_key}));
    }
  }
  return Value::set(std::move(matches));
}

std::optional<Value> net_cidr_expand(Args args, BuiltinContext&) {
  IpNetwork network = network_operand(args[0]);
  Uint128 first = network.first(), last = network.last();
  if (last - first >= kMaxExpandedAddresses) {
    throw_builtin_error("too many addresses in " + args[0].as_string() + " (more than " +
                        std::to_string(static_cast<uint64_t>(kMaxExpandedAddresses)) + ")");
  }
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(last - first + 1));
  for (Uint128 a = first;; ++a) {
    out.push_back(Value::string(ip_text(IpAddress{network.address.v4, a})));
    if (a == last) break;
  }
  return Value::set(std::move(out));
}

std::optional<Value> net_cidr_is_valid(Args args, BuiltinContext&) {
  return Value::boolean(args[0].is_string() && parse_cidr(args[0].as_string()).has_value());
}

// ---- net.cidr_merge ----

// An address range in Go's 16-byte space (IPv4 mapped into ::ffff:0:0/96),
// with the network it came from while it is unmerged.
struct AddressRange {
  Uint128 first, last;
  std::optional<IpNetwork> network;
};

Uint128 in_16_byte_space(bool v4, Uint128 value) { return v4 ? ((Uint128{0xFFFF} << 32) | value) : value; }

IpNetwork merge_element(const Value& element) {
  if (!element.is_string()) throw_builtin_error("element must be string");
  const std::string& text = element.as_string();
  if (std::optional<IpAddress> ip = parse_ip(text)) {
    if (!ip->v4) throw_builtin_error("IPv6 invalid: needs prefix length");
    return IpNetwork{*ip, default_prefix(*ip)};  // the address itself is kept unmasked, as Go does
  }
  std::optional<IpNetwork> network = parse_cidr(text);
  if (!network) throw_builtin_error("invalid CIDR address: " + text);
  return *network;
}

// The fewest CIDR blocks covering [first, last] of one address family.
void append_range_networks(Uint128 first, Uint128 last, bool v4, std::vector<Value>& out) {
  const int bits = v4 ? 32 : 128;
  while (true) {
    int host_bits = 0;
    while (host_bits < bits) {
      Uint128 size = Uint128{1} << host_bits;  // trying the next size up: 2 * size
      if ((first & ((size << 1) - 1)) != 0) break;
      Uint128 block_last = first + ((size << 1) - 1);
      if (block_last < first || block_last > last) break;
      ++host_bits;
    }
    out.push_back(Value::string(network_text(IpNetwork{IpAddress{v4, first}, bits - host_bits})));
    Uint128 block_last = host_bits == 128 ? ~Uint128{0} : first + ((Uint128{1} << host_bits) - 1);
    if (block_last >= last) return;
    first = block_last + 1;
  }
}

std::optional<Value> net_cidr_merge(Args args, BuiltinContext&) {
  const Value& operand = args[0];
  if (!operand.is_array() && !operand.is_set()) throw_builtin_error("operand must be an array");
  std::vector<AddressRange> ranges;
  for (const Value& element : operand.items()) {
    IpNetwork network = merge_element(element);
    bool v4 = network.address.v4;
    ranges.push_back({in_16_byte_space(v4, network.first()), in_16_byte_space(v4, network.last()), network});
  }
  std::sort(ranges.begin(), ranges.end(), [](const AddressRange& a, const AddressRange& b) {
    return a.last != b.last ? a.last < b.last : a.first < b.first;
  });
  // Merge from the end: a range merges into its predecessor when they touch or overlap.
  const Uint128 v4_zero = in_16_byte_space(true, 0);
  for (size_t i = ranges.size(); i-- > 1;) {
    Uint128 previous = ranges[i].first;
    if (previous != 0 && previous != v4_zero) --previous;
    if (previous <= ranges[i - 1].last) {
      ranges[i - 1] = {std::min(ranges[i - 1].first, ranges[i].first), ranges[i].last, std::nullopt};
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  std::vector<Value> out;
  for (const AddressRange& range : ranges) {
    if (range.network) {
      out.push_back(Value::string(network_text(*range.network)));
      continue;
    }
    const bool v4 = (range.first >> 32) == 0xFFFF && (range.last >> 32) == 0xFFFF;
    const Uint128 low_bits = 0xFFFFFFFFu;
    if (v4) append_range_networks(range.first & low_bits, range.last & low_bits, true, out);
    else append_range_networks(range.first, range.last, false, out);
  }
  return Value::set(std::move(out));
}

}  // namespace

void register_net_builtins(BuiltinRegistry& r) {
  r.add({.name = "net.cidr_contains", .arity = 2, .function = net_cidr_contains});
  r.add({.name = "net.cidr_overlap", .arity = 2, .function = net_cidr_contains, .deprecated = true});
  r.add({.name = "net.cidr_intersects", .arity = 2, .function = net_cidr_intersects});
  r.add({.name = "net.cidr_contains_matches", .arity = 2, .function = net_cidr_contains_matches});
  r.add({.name = "net.cidr_expand", .arity = 1, .function = net_cidr_expand});
  r.add({.name = "net.cidr_is_valid", .arity = 1, .function = net_cidr_is_valid});
  r.add({.name = "net.cidr_merge", .arity = 1, .function = net_cidr_merge});
  r.add({.name = "net.lookup_ip_addr", .arity = 1, .nondeterministic = true,
         .refused = "net.lookup_ip_addr is disabled: Tollgate does not make network calls from policies"});
  r.add({.name = "http.send", .arity = 1, .nondeterministic = true,
         .refused = "http.send is disabled: Tollgate does not make network calls from policies"});
}

}  // namespace tollgate::rego
