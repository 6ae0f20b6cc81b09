#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "rules/cel/go_format.h"
#include "rules/cel/stdlib.h"
#include "rules/cel/time_util.h"
#include "rules/cel/utf8.h"

namespace tollgate::cel {

namespace {

using Args = std::span<const Value>;
using T = CelType;

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

Result range_error(const char* what) { return make_error(std::string(what) + " out of range"); }

Result int_from_uint(Args a) {
  if (a[0].as_uint() > static_cast<uint64_t>(INT64_MAX)) return range_error("int");
  return Value::integer(static_cast<int64_t>(a[0].as_uint()));
}
Result int_from_double(Args a) {
  const double d = a[0].is_double() ? a[0].as_double() : a[0].to_double();
  if (!(d > -kTwo63 && d < kTwo63)) return range_error("int");
  return Value::integer(static_cast<int64_t>(std::trunc(d)));
}
Result int_from_string(Args a) {
  const std::string& s = a[0].as_string();
  std::string_view v = s;
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  int64_t out;
  auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || (v[0] == '-' && s[0] == '+'))
    return make_error("type conversion error from 'string' to 'int'");
  return Value::integer(out);
}
Result int_from_timestamp(Args a) { return Value::integer(as_timestamp(a[0])->seconds()); }
Result int_from_duration(Args a) { return Value::integer(as_duration(a[0])->nanos()); }
Result identity(Args a) { return a[0]; }

Result uint_from_int(Args a) {
  if (a[0].as_int() < 0) return range_error("uint");
  return Value::uinteger(static_cast<uint64_t>(a[0].as_int()));
}
Result uint_from_double(Args a) {
  const double d = a[0].is_double() ? a[0].as_double() : a[0].to_double();
  if (!(d >= 0 && d < kTwo64)) return range_error("uint");
  return Value::uinteger(static_cast<uint64_t>(std::trunc(d)));
}
Result uint_from_string(Args a) {
  const std::string& s = a[0].as_string();
  uint64_t out;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
    return make_error("type conversion error from 'string' to 'uint'");
  return Value::uinteger(out);
}

Result double_from_int(Args a) { return Value::number(static_cast<double>(a[0].as_int())); }
Result double_from_uint(Args a) { return Value::number(static_cast<double>(a[0].as_uint())); }
Result double_from_double(Args a) { return Value::number(a[0].is_double() ? a[0].as_double() : a[0].to_double()); }
Result double_from_string(Args a) {
  const std::string& s = a[0].as_string();
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0])) || s.find('_') != std::string::npos)
    return make_error("type conversion error from 'string' to 'double'");
  errno = 0;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return make_error("type conversion error from 'string' to 'double'");
  if (std::isinf(d) && errno == ERANGE) return make_error("type conversion error from 'string' to 'double'");
  return Value::number(d);
}

Result string_from_int(Args a) { return Value::string(std::to_string(a[0].as_int())); }
Result string_from_uint(Args a) { return Value::string(std::to_string(a[0].as_uint())); }
Result string_from_double(Args a) {
  return Value::string(format_double_go(a[0].is_double() ? a[0].as_double() : a[0].to_double()));
}
Result string_from_bytes(Args a) {
  if (!valid_utf8(a[0].as_string())) return make_error("invalid UTF-8 in bytes, cannot convert to string");
  return Value::string(a[0].as_string());
}
Result string_from_bool(Args a) { return Value::string(a[0].as_bool() ? "true" : "false"); }
Result string_from_timestamp(Args a) {
  const auto* t = as_timestamp(a[0]);
  return Value::string(format_rfc3339(t->seconds(), t->nanos(), t->offset_seconds()));
}
Result string_from_duration(Args a) { return Value::string(format_duration(as_duration(a[0])->nanos())); }

Result bytes_from_string(Args a) { return Value::bytes(a[0].as_string()); }

Result bool_from_string(Args a) {
  const std::string& s = a[0].as_string();
  // Go's strconv.ParseBool.
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return Value::boolean(true);
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return Value::boolean(false);
  return make_error("type conversion error from 'string' to 'bool'");
}

Result duration_from_string(Args a) {
  auto d = parse_go_duration(a[0].as_string());
  if (!d) return make_error("invalid duration: '" + a[0].as_string() + "'");
  return make_duration(*d);
}
std::optional<std::string> check_duration(Args a) {
  if (!a[0].is_string() || parse_go_duration(a[0].as_string())) return std::nullopt;
  return "invalid duration: '" + a[0].as_string() + "'";
}

Result timestamp_from_string(Args a) {
  int64_t secs;
  int32_t nanos;
  int32_t offset;
  if (!parse_rfc3339(a[0].as_string(), &secs, &nanos, &offset))
    return make_error("invalid timestamp: '" + a[0].as_string() + "'");
  return make_timestamp(secs, nanos, offset);
}
std::optional<std::string> check_timestamp(Args a) {
  int64_t secs;
  int32_t nanos;
  if (!a[0].is_string() || parse_rfc3339(a[0].as_string(), &secs, &nanos)) return std::nullopt;
  return "invalid timestamp: '" + a[0].as_string() + "'";
}
Result timestamp_from_int(Args a) {
  const int64_t s = a[0].as_int();
  if (s < kMinTimestampSeconds || s > kMaxTimestampSeconds) return make_error("timestamp overflow");
  return make_timestamp(s, 0);
}

}  // namespace

void register_conversions(FunctionRegistry& r) {
  const T i = T::int_(), u = T::uint_(), d = T::double_(), s = T::string(), b = T::bytes(), bo = T::bool_();
  const T ts = T::timestamp(), du = T::duration();
  r.add_global("int", "int64_to_int64", {i}, i, identity);
  r.add_global("int", "uint64_to_int64", {u}, i, int_from_uint);
  r.add_global("int", "double_to_int64", {d}, i, int_from_double);
  r.add_global("int", "string_to_int64", {s}, i, int_from_string);
  r.add_global("int", "timestamp_to_int64", {ts}, i, int_from_timestamp);
  r.add_global("int", "duration_to_int64", {du}, i, int_from_duration);
  r.add_global("uint", "uint64_to_uint64", {u}, u, identity);
  r.add_global("uint", "int64_to_uint64", {i}, u, uint_from_int);
  r.add_global("uint", "double_to_uint64", {d}, u, uint_from_double);
  r.add_global("uint", "string_to_uint64", {s}, u, uint_from_string);
  r.add_global("double", "double_to_double", {d}, d, double_from_double);
  r.add_global("double", "int64_to_double", {i}, d, double_from_int);
  r.add_global("double", "uint64_to_double", {u}, d, double_from_uint);
  r.add_global("double", "string_to_double", {s}, d, double_from_string);
  r.add_global("string", "string_to_string", {s}, s, identity);
  r.add_global("string", "int64_to_string", {i}, s, string_from_int);
  r.add_global("string", "uint64_to_string", {u}, s, string_from_uint);
  r.add_global("string", "double_to_string", {d}, s, string_from_double);
  r.add_global("string", "bytes_to_string", {b}, s, string_from_bytes);
  r.add_global("string", "bool_to_string", {bo}, s, string_from_bool);
  r.add_global("string", "timestamp_to_string", {ts}, s, string_from_timestamp);
  r.add_global("string", "duration_to_string", {du}, s, string_from_duration);
  r.add_global("bytes", "bytes_to_bytes", {b}, b, identity);
  r.add_global("bytes", "string_to_bytes", {s}, b, bytes_from_string);
  r.add_global("bool", "bool_to_bool", {bo}, bo, identity);
  r.add_global("bool", "string_to_bool", {s}, bo, bool_from_string);

  r.add({.function = "duration", .id = "string_to_duration", .args = {s}, .result = du, .impl = duration_from_string,
         .constant_check = check_duration});
  r.add_global("duration", "duration_to_duration", {du}, du, identity);

  r.add({.function = "timestamp", .id = "string_to_timestamp", .args = {s}, .result = ts, .impl = timestamp_from_string,
         .constant_check = check_timestamp});
  r.add_global("timestamp", "int64_to_timestamp", {i}, ts, timestamp_from_int);
  r.add_global("timestamp", "timestamp_to_timestamp", {ts}, ts, identity);
}

}  // namespace tollgate::cel
