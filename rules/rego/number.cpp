#include "rules/rego/number.h"

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
  return from_decimal(d, std::move(canonical));
}

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

}  // namespace tollgate::rego
