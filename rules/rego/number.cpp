#include "rules/rego/number.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "rules/value/decimal.h"
#include "rules/value/number_format.h"

namespace tollgate::rego {

using value::Decimal;
using value::Kind;
using value::Value;

namespace {

bool is_integral(const Decimal& d) { return d.point >= static_cast<int64_t>(d.digits.size()); }

Value from_decimal(const Decimal& d, std::string canonical) {
  if (is_integral(d)) {
    uint64_t bits = 0;
    if (value::decimal_to_integral_bits(d, &bits)) {
      // decimal_to_integral_bits accepts the uint64 range too; only int64 stays Int.
      bool fits_int64 = d.negative ? bits >= (uint64_t{1} << 63) || bits == 0 : bits < (uint64_t{1} << 63);
      if (fits_int64) return Value::integer(static_cast<int64_t>(bits));
    }
    return Value::bignum(std::move(canonical));
  }
  double x = value::decimal_to_double(d);
  if (std::isfinite(x)) {
    Decimal shortest;
    if (value::parse_decimal(value::format_double_g(x), &shortest, nullptr) &&
        value::compare_decimals(shortest, d) == 0) {
      return Value::number(x);
    }
  }
  return Value::bignum(std::move(canonical));
}

}  // namespace

std::optional<Value> number_from_text(std::string_view text) {
  Decimal d;
  std::string canonical;
  if (!value::parse_decimal(text, &d, &canonical)) return std::nullopt;
  Value v = from_decimal(d, std::move(canonical));
  // OPA's number is its text (ast.Number is a json.Number): 1.0, 2.50 and
  // 1e2 print as written. Keep the text where it is JSON number syntax and
  // differs from how the value prints anyway; plain integers stay Int.
  if (v.is_int() && text.find_first_of(".eE") == std::string_view::npos && text[0] != '+') return v;
  const bool json_syntax = (text[0] >= '0' && text[0] <= '9') ||
                           (text[0] == '-' && text.size() > 1 && text[1] >= '0' && text[1] <= '9');
  if (json_syntax && number_text(v) != text) return Value::number_with_text(std::string(text), v);
  return v;
}

bool integer_text(const Value& v) { return value::written_as_integer(v); }

Value canonical_number(const Value& v) {
  switch (v.kind()) {
    case Kind::Int: return v;
    case Kind::Uint:
      return v.as_uint() <= static_cast<uint64_t>(INT64_MAX) ? Value::integer(static_cast<int64_t>(v.as_uint()))
                                                             : Value::bignum(std::to_string(v.as_uint()));
    case Kind::Double: {
      double x = v.as_double();
      if (!std::isfinite(x)) return v;
      if (x == std::trunc(x) && std::fabs(x) < 9.2e18) return Value::integer(static_cast<int64_t>(x));
      if (x != std::trunc(x)) return v;
      Decimal d = value::decimal_from_double(x);
      std::string text;
      // An integral double beyond int64: its exact integer digits.
      std::string digits = d.digits;
      digits.append(static_cast<size_t>(d.point) - d.digits.size(), '0');
      text = (d.negative ? "-" : "") + digits;
      return Value::bignum(std::move(text));
    }
    case Kind::BigNum: {
      Decimal d;
      std::string canonical;
      if (!value::parse_decimal(v.as_string(), &d, &canonical)) return v;
      return from_decimal(d, std::move(canonical));
    }
    default: return v;
  }
}

std::string number_text(const Value& v) {
  switch (v.kind()) {
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Uint: return std::to_string(v.as_uint());
    case Kind::Double: return value::format_double_g(v.as_double());
    case Kind::BigNum: return v.as_string();
    default: return {};
  }
}

bool opa_key_finds(const Value& probe, const Value& stored) {
  return !probe.is_number() || !integer_text(probe) || integer_text(stored);
}

bool opa_set_contains(const Value& set, const Value& x) {
  const auto& items = set.items();
  auto it = std::lower_bound(items.begin(), items.end(), x, [](const Value& a, const Value& b) { return a < b; });
  // Equal members are adjacent: at most a non-integer and an integer number.
  for (; it != items.end() && *it == x; ++it) {
    if (opa_key_finds(x, *it)) return true;
  }
  return false;
}

const Value* opa_object_get(const Value& object, const Value& key) {
  // Only a number key can find a key it should not: anything else (the
  // string keys of every input lookup) takes Value::find's fast path.
  if (!key.is_number()) return object.find(key);
  const auto& entries = object.entries();
  auto it = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const Value::Entry& e, const Value& k) { return e.first < k; });
  if (it == entries.end() || it->first != key || !opa_key_finds(key, it->first)) return nullptr;
  return &it->second;
}

}  // namespace tollgate::rego
