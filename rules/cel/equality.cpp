#include "rules/cel/equality.h"

#include <cmath>

namespace tollgate::cel {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

// cel-go compares int/uint with double by converting the integer to double
// once the double is inside the integer's range (so 2^63-1 == 2^63 as double).
int compare_doubles(double x, double y) { return x < y ? -1 : (x > y ? 1 : 0); }

int compare_int_double(int64_t i, double d) {
  if (d < -kTwo63) return 1;
  if (d > kTwo63) return -1;
  return compare_doubles(static_cast<double>(i), d);
}

int compare_uint_double(uint64_t u, double d) {
  if (d < 0) return 1;
  if (d > kTwo64) return -1;
  return compare_doubles(static_cast<double>(u), d);
}

double as_double_value(const Value& v) { return v.is_double() ? v.as_double() : v.to_double(); }

int compare_bytes(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

std::optional<int> compare_numbers(const Value& a, const Value& b) {
  if (a.is_int()) {
    if (b.is_int()) return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
    if (b.is_uint()) {
      if (a.as_int() < 0) return -1;
      const auto au = static_cast<uint64_t>(a.as_int());
      return au < b.as_uint() ? -1 : (au > b.as_uint() ? 1 : 0);
    }
    const double d = as_double_value(b);
    if (std::isnan(d)) return std::nullopt;
    return compare_int_double(a.as_int(), d);
  }
  if (a.is_uint()) {
    if (b.is_uint()) return a.as_uint() < b.as_uint() ? -1 : (a.as_uint() > b.as_uint() ? 1 : 0);
    if (b.is_int()) {
      auto r = compare_numbers(b, a);
      return -*r;
    }
    const double d = as_double_value(b);
    if (std::isnan(d)) return std::nullopt;
    return compare_uint_double(a.as_uint(), d);
  }
  const double x = as_double_value(a);
  if (std::isnan(x)) return std::nullopt;
  if (b.is_int() || b.is_uint()) {
    auto r = compare_numbers(b, a);
    if (!r) return std::nullopt;
    return -*r;
  }
  const double y = as_double_value(b);
  if (std::isnan(y)) return std::nullopt;
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool cel_equals(const Value& a, const Value& b) {
  if (is_cel_number(a) && is_cel_number(b)) {
    auto c = compare_numbers(a, b);
    return c && *c == 0;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case value::Kind::Null: return true;
    case value::Kind::Bool: return a.as_bool() == b.as_bool();
    case value::Kind::String:
    case value::Kind::Bytes: return a.as_string() == b.as_string();
    case value::Kind::Array:
    case value::Kind::Set: {
      const auto& x = a.items();
      const auto& y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!cel_equals(x[i], y[i])) return false;
      return true;
    }
    case value::Kind::Object: {
      if (a.identity() == b.identity()) return true;
      const auto& x = a.entries();
      if (x.size() != b.entries().size()) return false;
      for (const auto& [k, v] : x) {
        const Value* other = b.find(k);
        if (other == nullptr || !cel_equals(v, *other)) return false;
      }
      return true;
    }
    case value::Kind::Opaque:
      return a.as_opaque().type_name() == b.as_opaque().type_name() && a.as_opaque().equals(b.as_opaque());
    default: return false;
  }
}

std::optional<int> cel_compare(const Value& a, const Value& b) {
  if (is_cel_number(a) && is_cel_number(b)) return compare_numbers(a, b);
  if (a.kind() != b.kind()) return std::nullopt;
  switch (a.kind()) {
    case value::Kind::Bool: return a.as_bool() == b.as_bool() ? 0 : (a.as_bool() ? 1 : -1);
    case value::Kind::String:
    case value::Kind::Bytes: return compare_bytes(a.as_string(), b.as_string());
    case value::Kind::Opaque: {
      const auto& x = a.as_opaque();
      const auto& y = b.as_opaque();
      if (x.type_name() != y.type_name()) return std::nullopt;
      if (x.type_name() != "google.protobuf.Duration" && x.type_name() != "google.protobuf.Timestamp")
        return std::nullopt;
      return x.compare(y);
    }
    default: return std::nullopt;
  }
}

}  // namespace tollgate::cel
