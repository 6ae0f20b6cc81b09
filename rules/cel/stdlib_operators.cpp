#include <cmath>

#include "rules/cel/equality.h"
#include "rules/cel/stdlib.h"

namespace tollgate::cel {

namespace {

using Args = std::span<const Value>;
using T = CelType;

Result int_overflow() { return make_error("integer overflow"); }
Result uint_overflow() { return make_error("unsigned integer overflow"); }

Result add_int(Args a) {
  int64_t r;
  if (__builtin_add_overflow(a[0].as_int(), a[1].as_int(), &r)) return int_overflow();
  return Value::integer(r);
}
Result sub_int(Args a) {
  int64_t r;
  if (__builtin_sub_overflow(a[0].as_int(), a[1].as_int(), &r)) return int_overflow();
  return Value::integer(r);
}
Result mul_int(Args a) {
  int64_t r;
  if (__builtin_mul_overflow(a[0].as_int(), a[1].as_int(), &r)) return int_overflow();
  return Value::integer(r);
}
Result div_int(Args a) {
  const int64_t x = a[0].as_int(), y = a[1].as_int();
  if (y == 0) return make_error("division by zero");
  if (x == INT64_MIN && y == -1) return int_overflow();
  return Value::integer(x / y);
}
Result mod_int(Args a) {
  const int64_t x = a[0].as_int(), y = a[1].as_int();
  if (y == 0) return make_error("modulus by zero");
  if (x == INT64_MIN && y == -1) return int_overflow();
  return Value::integer(x % y);
}
Result neg_int(Args a) {
  if (a[0].as_int() == INT64_MIN) return int_overflow();
  return Value::integer(-a[0].as_int());
}
Result add_uint(Args a) {
  uint64_t r;
  if (__builtin_add_overflow(a[0].as_uint(), a[1].as_uint(), &r)) return uint_overflow();
  return Value::uinteger(r);
}
Result sub_uint(Args a) {
  uint64_t r;
  if (__builtin_sub_overflow(a[0].as_uint(), a[1].as_uint(), &r)) return uint_overflow();
  return Value::uinteger(r);
}
Result mul_uint(Args a) {
  uint64_t r;
  if (__builtin_mul_overflow(a[0].as_uint(), a[1].as_uint(), &r)) return uint_overflow();
  return Value::uinteger(r);
}
Result div_uint(Args a) {
  if (a[1].as_uint() == 0) return make_error("division by zero");
  return Value::uinteger(a[0].as_uint() / a[1].as_uint());
}
Result mod_uint(Args a) {
  if (a[1].as_uint() == 0) return make_error("modulus by zero");
  return Value::uinteger(a[0].as_uint() % a[1].as_uint());
}
double dbl(const Value& v) { return v.is_double() ? v.as_double() : v.to_double(); }
Result add_double(Args a) { return Value::number(dbl(a[0]) + dbl(a[1])); }
Result sub_double(Args a) { return Value::number(dbl(a[0]) - dbl(a[1])); }
Result mul_double(Args a) { return Value::number(dbl(a[0]) * dbl(a[1])); }
Result div_double(Args a) { return Value::number(dbl(a[0]) / dbl(a[1])); }
Result neg_double(Args a) { return Value::number(-dbl(a[0])); }

Result concat_string(Args a) { return Value::string(a[0].as_string() + a[1].as_string()); }
Result concat_bytes(Args a) { return Value::bytes(a[0].as_string() + a[1].as_string()); }
Result concat_list(Args a) {
  if (a[0].items().empty()) return a[1];
  if (a[1].items().empty()) return a[0];
  std::vector<Value> items = a[0].items();
  items.insert(items.end(), a[1].items().begin(), a[1].items().end());
  return Value::array(std::move(items));
}

// ---- time arithmetic ----

constexpr int64_t kNanosPerSecond = 1000000000;

Result checked_timestamp(int64_t secs, int64_t nanos, int32_t offset_seconds) {
  secs += nanos / kNanosPerSecond;
  nanos %= kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    secs -= 1;
  }
  if (secs < kMinTimestampSeconds || secs > kMaxTimestampSeconds) return make_error("timestamp overflow");
  return make_timestamp(secs, static_cast<int32_t>(nanos), offset_seconds);
}

Result timestamp_plus(const TimestampValue& t, int64_t d) {
  return checked_timestamp(t.seconds() + d / kNanosPerSecond, t.nanos() + d % kNanosPerSecond, t.offset_seconds());
}
Result add_ts_dur(Args a) { return timestamp_plus(*as_timestamp(a[0]), as_duration(a[1])->nanos()); }
Result add_dur_ts(Args a) { return timestamp_plus(*as_timestamp(a[1]), as_duration(a[0])->nanos()); }
Result sub_ts_dur(Args a) {
  const int64_t d = as_duration(a[1])->nanos();
  if (d == INT64_MIN) return make_error("duration overflow");
  return timestamp_plus(*as_timestamp(a[0]), -d);
}
Result sub_ts_ts(Args a) {
  const auto* x = as_timestamp(a[0]);
  const auto* y = as_timestamp(a[1]);
  int64_t secs = x->seconds() - y->seconds();
  int64_t r;
  if (__builtin_mul_overflow(secs, kNanosPerSecond, &r) ||
      __builtin_add_overflow(r, int64_t{x->nanos()} - y->nanos(), &r))
    return make_error("duration overflow");
  return make_duration(r);
}
Result add_dur_dur(Args a) {
  int64_t r;
  if (__builtin_add_overflow(as_duration(a[0])->nanos(), as_duration(a[1])->nanos(), &r))
    return make_error("duration overflow");
  return make_duration(r);
}
Result sub_dur_dur(Args a) {
  int64_t r;
  if (__builtin_sub_overflow(as_duration(a[0])->nanos(), as_duration(a[1])->nanos(), &r))
    return make_error("duration overflow");
  return make_duration(r);
}

// ---- comparison (the planner evaluates these inline; the bodies serve dispatch) ----

Result compare_impl(Args a, int want_low, int want_high) {
  std::optional<int> c = is_cel_number(a[0]) && is_cel_number(a[1]) ? compare_numbers(a[0], a[1])
                                                                     : cel_compare(a[0], a[1]);
  if (!c) {
    if (is_cel_number(a[0]) && is_cel_number(a[1])) return Value::boolean(false);
    return no_such_overload("compare");
  }
  return Value::boolean(*c >= want_low && *c <= want_high);
}
Result less(Args a) { return compare_impl(a, -1, -1); }
Result less_eq(Args a) { return compare_impl(a, -1, 0); }
Result greater(Args a) { return compare_impl(a, 1, 1); }
Result greater_eq(Args a) { return compare_impl(a, 0, 1); }
Result equals(Args a) { return Value::boolean(cel_equals(a[0], a[1])); }
Result not_equals(Args a) { return Value::boolean(!cel_equals(a[0], a[1])); }
Result logical_not(Args a) { return Value::boolean(!a[0].as_bool()); }

Result size_string(Args a) {
  int64_t n = 0;
  for (unsigned char c : a[0].as_string())
    if ((c & 0xC0) != 0x80) ++n;
  return Value::integer(n);
}
Result size_bytes(Args a) { return Value::integer(static_cast<int64_t>(a[0].as_string().size())); }
Result size_list(Args a) { return Value::integer(static_cast<int64_t>(a[0].items().size())); }
Result size_map(Args a) { return Value::integer(static_cast<int64_t>(a[0].entries().size())); }
Result identity(Args a) { return a[0]; }
Result not_callable(Args) { return make_error("internal: special form evaluated as a call"); }

uint64_t concat_cost(Args a, const Result&) { return 1 + size_cost(a[0]) + size_cost(a[1]); }

}  // namespace

uint64_t size_cost(const Value& v) {
  size_t n = 0;
  if (v.is_string() || v.is_bytes()) n = v.as_string().size();
  else if (v.is_array() || v.is_set()) n = v.items().size();
  else if (v.is_object()) n = v.entries().size();
  return (n + 9) / 10;
}

void register_operators(FunctionRegistry& r) {
  const T A = T::param("A"), K = T::param("K"), V = T::param("V");
  const T i = T::int_(), u = T::uint_(), d = T::double_(), s = T::string(), b = T::bytes(), bo = T::bool_();
  const T ts = T::timestamp(), du = T::duration();

  // In cel-go's declaration order: the checker commits the first overload
  // that fits an argument whose type is still free (`[].map(x, -x)` makes x a double).
  r.add_global("_+_", "add_bytes", {b, b}, b, concat_bytes, concat_cost);
  r.add_global("_+_", "add_double", {d, d}, d, add_double);
  r.add_global("_+_", "add_duration_duration", {du, du}, du, add_dur_dur);
  r.add_global("_+_", "add_duration_timestamp", {du, ts}, ts, add_dur_ts);
  r.add_global("_+_", "add_timestamp_duration", {ts, du}, ts, add_ts_dur);
  r.add_global("_+_", "add_int64", {i, i}, i, add_int);
  r.add_global("_+_", "add_list", {T::list(A), T::list(A)}, T::list(A), concat_list, concat_cost);
  r.add_global("_+_", "add_string", {s, s}, s, concat_string, concat_cost);
  r.add_global("_+_", "add_uint64", {u, u}, u, add_uint);
  r.add_global("_-_", "subtract_double", {d, d}, d, sub_double);
  r.add_global("_-_", "subtract_duration_duration", {du, du}, du, sub_dur_dur);
  r.add_global("_-_", "subtract_int64", {i, i}, i, sub_int);
  r.add_global("_-_", "subtract_timestamp_duration", {ts, du}, ts, sub_ts_dur);
  r.add_global("_-_", "subtract_timestamp_timestamp", {ts, ts}, du, sub_ts_ts);
  r.add_global("_-_", "subtract_uint64", {u, u}, u, sub_uint);
  r.add_global("_*_", "multiply_double", {d, d}, d, mul_double);
  r.add_global("_*_", "multiply_int64", {i, i}, i, mul_int);
  r.add_global("_*_", "multiply_uint64", {u, u}, u, mul_uint);
  r.add_global("_/_", "divide_double", {d, d}, d, div_double);
  r.add_global("_/_", "divide_int64", {i, i}, i, div_int);
  r.add_global("_/_", "divide_uint64", {u, u}, u, div_uint);
  r.add_global("_%_", "modulo_int64", {i, i}, i, mod_int);
  r.add_global("_%_", "modulo_uint64", {u, u}, u, mod_uint);
  r.add_global("-_", "negate_double", {d}, d, neg_double);
  r.add_global("-_", "negate_int64", {i}, i, neg_int);

  r.add_global("!_", "logical_not", {bo}, bo, logical_not);
  r.add_global("_==_", "equals", {A, A}, bo, equals);
  r.add_global("_!=_", "not_equals", {A, A}, bo, not_equals);

  struct Rel {
    const char* name;
    FunctionImpl impl;
  };
  const Rel rels[] = {{"_<_", less}, {"_<=_", less_eq}, {"_>_", greater}, {"_>=_", greater_eq}};
  // cel-go's declaration order (see the arithmetic operators above).
  const std::pair<T, T> ordered[] = {{bo, bo}, {i, i}, {i, d}, {i, u}, {u, u}, {u, d}, {u, i},
                                     {d, d},   {d, i}, {d, u}, {s, s}, {b, b}, {ts, ts}, {du, du}};
  for (const auto& rel : rels)
    for (const auto& [x, y] : ordered)
      r.add_global(rel.name, std::string(rel.name) + x.to_string() + "_" + y.to_string(), {x, y}, bo, rel.impl);

  r.add_global("@in", "in_list", {A, T::list(A)}, bo, not_callable);
  r.add_global("@in", "in_map", {A, T::map(A, V)}, bo, not_callable);
  r.add_global("_[_]", "index_list", {T::list(A), i}, A, not_callable);
  r.add_global("_[_]", "index_map", {T::map(K, V), K}, V, not_callable);
  r.add_global("_[_]", "optional_list_index_int", {T::optional(T::list(A)), i}, T::optional(A), not_callable);
  r.add_global("_[_]", "optional_map_index_value", {T::optional(T::map(K, V)), K}, T::optional(V), not_callable);
  r.add_global("_[?_]", "list_optindex_optional_int", {T::list(A), i}, T::optional(A), not_callable);
  r.add_global("_[?_]", "map_optindex_optional_value", {T::map(K, V), K}, T::optional(V), not_callable);
  r.add_global("_[?_]", "optional_list_optindex_optional_int", {T::optional(T::list(A)), i}, T::optional(A),
               not_callable);
  r.add_global("_[?_]", "optional_map_optindex_optional_value", {T::optional(T::map(K, V)), K}, T::optional(V),
               not_callable);

  for (bool member : {false, true}) {
    auto add = [&](const char* id, T arg, FunctionImpl impl) {
      if (member) r.add_member("size", std::string(id) + "_member", {arg}, i, impl);
      else r.add_global("size", id, {arg}, i, impl);
    };
    add("size_bytes", b, size_bytes);  // cel-go's declaration order
    add("size_list", T::list(A), size_list);
    add("size_map", T::map(K, V), size_map);
    add("size_string", s, size_string);
  }

  r.add_global("type", "type", {A}, T::type(A), not_callable);
  r.add_global("dyn", "to_dyn", {A}, T::dyn(), identity);
  r.add_global("cel.@mapInsert", "cel_map_insert_key_value", {T::map(K, V), K, V}, T::map(K, V), not_callable);
  r.add_global("cel.@mapInsert", "cel_map_insert_map", {T::map(K, V), T::map(K, V)}, T::map(K, V), not_callable);
}

void register_standard_library(FunctionRegistry& r, StdlibVersion v) {
  register_operators(r);
  register_conversions(r);
  register_time_functions(r, v);
  register_string_functions(r, v);
  register_list_functions(r);
  register_optional_functions(r);
}

}  // namespace tollgate::cel
