#include <algorithm>

#include "rules/cel/equality.h"
#include "rules/cel/stdlib.h"

namespace tollgate::cel {

namespace {

using Args = std::span<const Value>;
using T = CelType;

uint64_t list_cost(Args a, const Result&) { return 1 + size_cost(a[0]); }

Result is_sorted(Args a) {
  const auto& items = a[0].items();
  for (size_t i = 1; i < items.size(); ++i) {
    auto c = cel_compare(items[i - 1], items[i]);
    if (!c) return no_such_overload("isSorted");
    if (*c > 0) return Value::boolean(false);
  }
  return Value::boolean(true);
}

Result sum(Args a) {
  const auto& items = a[0].items();
  if (items.empty()) return Value::integer(0);
  const Value& first = items[0];
  if (first.is_int()) {
    int64_t total = 0;
    for (const auto& v : items) {
      if (!v.is_int()) return no_such_overload("sum");
      if (__builtin_add_overflow(total, v.as_int(), &total)) return make_error("integer overflow");
    }
    return Value::integer(total);
  }
  if (first.is_uint()) {
    uint64_t total = 0;
    for (const auto& v : items) {
      if (!v.is_uint()) return no_such_overload("sum");
      if (__builtin_add_overflow(total, v.as_uint(), &total)) return make_error("unsigned integer overflow");
    }
    return Value::uinteger(total);
  }
  if (first.is_double()) {
    double total = 0;
    for (const auto& v : items) {
      if (!v.is_double()) return no_such_overload("sum");
      total += v.as_double();
    }
    return Value::number(total);
  }
  if (as_duration(first)) {
    int64_t total = 0;
    for (const auto& v : items) {
      const auto* d = as_duration(v);
      if (!d) return no_such_overload("sum");
      if (__builtin_add_overflow(total, d->nanos(), &total)) return make_error("duration overflow");
    }
    return make_duration(total);
  }
  return no_such_overload("sum");
}

template <int kSign>
Result extreme(Args a) {
  const auto& items = a[0].items();
  if (items.empty()) return make_error(std::string(kSign < 0 ? "min" : "max") + " called on empty list");
  const Value* best = &items[0];
  for (size_t i = 1; i < items.size(); ++i) {
    auto c = cel_compare(items[i], *best);
    if (!c) return no_such_overload(kSign < 0 ? "min" : "max");
    if (*c * kSign > 0) best = &items[i];
  }
  return *best;
}

template <bool kLast>
Result list_index_of(Args a) {
  const auto& items = a[0].items();
  if (!kLast) {
    for (size_t i = 0; i < items.size(); ++i)
      if (cel_equals(items[i], a[1])) return Value::integer(static_cast<int64_t>(i));
  } else {
    for (size_t i = items.size(); i-- > 0;)
      if (cel_equals(items[i], a[1])) return Value::integer(static_cast<int64_t>(i));
  }
  return Value::integer(-1);
}

Result slice(Args a) {
  const auto& items = a[0].items();
  const int64_t start = a[1].as_int(), end = a[2].as_int();
  if (start < 0 || end < 0)
    return make_error("cannot slice(" + std::to_string(start) + ", " + std::to_string(end) +
                      "), negative indexes not supported");
  if (start > end)
    return make_error("cannot slice(" + std::to_string(start) + ", " + std::to_string(end) +
                      "), start index must be less than or equal to end index");
  if (static_cast<uint64_t>(end) > items.size())
    return make_error("cannot slice(" + std::to_string(start) + ", " + std::to_string(end) + "), list is length " +
                      std::to_string(items.size()));
  return Value::array(std::vector<Value>(items.begin() + start, items.begin() + end));
}

void flatten_into(const Value& list, int64_t depth, std::vector<Value>& out) {
  for (const auto& v : list.items()) {
    if ((v.is_array() || v.is_set()) && depth > 0) flatten_into(v, depth - 1, out);
    else out.push_back(v);
  }
}

Result flatten(Args a) {
  const int64_t depth = a.size() > 1 ? a[1].as_int() : 1;
  if (depth < 0) return make_error("level must be non-negative");
  std::vector<Value> out;
  flatten_into(a[0], depth, out);
  return Value::array(std::move(out));
}

Result distinct(Args a) {
  std::vector<Value> out;
  for (const auto& v : a[0].items()) {
    bool seen = false;
    for (const auto& o : out)
      if (cel_equals(o, v)) {
        seen = true;
        break;
      }
    if (!seen) out.push_back(v);
  }
  return Value::array(std::move(out));
}

Result reverse(Args a) {
  std::vector<Value> out(a[0].items().rbegin(), a[0].items().rend());
  return Value::array(std::move(out));
}

Result sort(Args a) {
  std::vector<Value> out = a[0].items();
  for (size_t i = 0; i < out.size(); ++i) {
    if (!cel_compare(out[i], out[i])) return make_error("list elements must be comparable");
    if (i > 0 && (runtime_type_name(out[i]) != runtime_type_name(out[0])))
      return make_error("list elements must have the same type");
  }
  std::stable_sort(out.begin(), out.end(), [](const Value& x, const Value& y) { return *cel_compare(x, y) < 0; });
  return Value::array(std::move(out));
}

Result range(Args a) {
  const int64_t n = a[0].as_int();
  if (n > (int64_t{1} << 24)) return make_error("lists.range: size too large");
  std::vector<Value> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(Value::integer(i));
  return Value::array(std::move(out));
}
uint64_t range_cost(Args a, const Result&) { return 1 + static_cast<uint64_t>(std::max<int64_t>(0, a[0].as_int())); }

bool list_contains(const Value& list, const Value& v) {
  for (const auto& x : list.items())
    if (cel_equals(x, v)) return true;
  return false;
}
bool superset(const Value& a, const Value& b) {
  for (const auto& v : b.items())
    if (!list_contains(a, v)) return false;
  return true;
}
Result sets_contains(Args a) { return Value::boolean(superset(a[0], a[1])); }
Result sets_equivalent(Args a) { return Value::boolean(superset(a[0], a[1]) && superset(a[1], a[0])); }
Result sets_intersects(Args a) {
  for (const auto& v : a[1].items())
    if (list_contains(a[0], v)) return Value::boolean(true);
  return Value::boolean(false);
}
uint64_t sets_cost(Args a, const Result&) { return 1 + size_cost(a[0]) * std::max<uint64_t>(1, size_cost(a[1])); }

}  // namespace

void register_list_functions(FunctionRegistry& r) {
  const T A = T::param("A"), LA = T::list(A), i = T::int_(), bo = T::bool_();
  // Kubernetes declares isSorted/min/max once per comparable element type and
  // sum once per summable one, in this order (the checker takes the first
  // that fits an element type it has yet to infer: `[].min()` is an int).
  const std::pair<const char*, T> comparable[] = {
      {"int", T::int_()},           {"uint", T::uint_()},
      {"double", T::double_()},     {"bool", T::bool_()},
      {"duration", T::duration()},  {"timestamp", T::timestamp()},
      {"string", T::string()},      {"bytes", T::bytes()}};
  for (const auto& [name, t] : comparable) {
    const std::string n = name;
    r.add_member("isSorted", "list_" + n + "_is_sorted_bool", {T::list(t)}, bo, is_sorted, list_cost);
    r.add_member("max", "list_" + n + "_max_" + n, {T::list(t)}, t, extreme<1>, list_cost);
    r.add_member("min", "list_" + n + "_min_" + n, {T::list(t)}, t, extreme<-1>, list_cost);
  }
  for (const auto& [name, t] : comparable) {
    if (t.kind() != TypeKind::Int && t.kind() != TypeKind::Uint && t.kind() != TypeKind::Double &&
        t.kind() != TypeKind::Duration)
      continue;
    const std::string n = name;
    r.add_member("sum", "list_" + n + "_sum_" + n, {T::list(t)}, t, sum, list_cost);
  }
  r.add_member("indexOf", "list_a_index_of_int", {LA, A}, i, list_index_of<false>, list_cost);
  r.add_member("lastIndexOf", "list_a_last_index_of_int", {LA, A}, i, list_index_of<true>, list_cost);
  r.add_global("sets.contains", "list_sets_contains_list", {LA, LA}, bo, sets_contains, sets_cost);
  r.add_global("sets.equivalent", "list_sets_equivalent_list", {LA, LA}, bo, sets_equivalent, sets_cost);
  r.add_global("sets.intersects", "list_sets_intersects_list", {LA, LA}, bo, sets_intersects, sets_cost);
}

void register_ext_list_functions(FunctionRegistry& r) {
  const T A = T::param("A"), LA = T::list(A), i = T::int_();
  r.add_member("slice", "list_slice", {LA, i, i}, LA, slice, list_cost);
  r.add_member("flatten", "list_flatten", {T::list(T::dyn())}, T::list(T::dyn()), flatten, list_cost);
  r.add_member("flatten", "list_flatten_int", {T::list(T::dyn()), i}, T::list(T::dyn()), flatten, list_cost);
  r.add_member("distinct", "list_distinct", {LA}, LA, distinct, list_cost);
  r.add_member("reverse", "list_reverse", {LA}, LA, reverse, list_cost);
  r.add_member("sort", "list_sort", {LA}, LA, sort, list_cost);
  r.add_global("lists.range", "lists_range", {i}, T::list(i), range, range_cost);
}

}  // namespace tollgate::cel
