#include "rules/cel/stdlib.h"

namespace tollgate::cel {

namespace {

using Args = std::span<const Value>;
using T = CelType;

bool is_zero_value(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return true;
    case value::Kind::Bool: return !v.as_bool();
    case value::Kind::Int: return v.as_int() == 0;
    case value::Kind::Uint: return v.as_uint() == 0;
    case value::Kind::Double: return v.as_double() == 0;
    case value::Kind::String:
    case value::Kind::Bytes: return v.as_string().empty();
    case value::Kind::Array:
    case value::Kind::Set: return v.items().empty();
    case value::Kind::Object: return v.entries().empty();
    case value::Kind::Opaque:
      if (const auto* d = as_duration(v)) return d->nanos() == 0;
      if (const auto* t = as_timestamp(v)) return t->seconds() == 0 && t->nanos() == 0;
      return false;
    default: return false;
  }
}

Result of(Args a) { return optional_of(a[0]); }
Result of_non_zero(Args a) { return is_zero_value(a[0]) ? optional_none() : optional_of(a[0]); }
Result none(Args) { return optional_none(); }
Result has_value(Args a) { return Value::boolean(as_optional(a[0])->has_value()); }
Result value_of(Args a) {
  const auto* o = as_optional(a[0]);
  if (!o->has_value()) return make_error("optional.none() dereference");
  return o->value();
}
Result unwrap(Args a) {
  std::vector<Value> out;
  for (const auto& v : a[0].items()) {
    const auto* o = as_optional(v);
    if (o == nullptr) return no_such_overload("optional.unwrap");
    if (o->has_value()) out.push_back(o->value());
  }
  return Value::array(std::move(out));
}

}  // namespace

void register_optional_functions(FunctionRegistry& r) {
  const T A = T::param("A"), OA = T::optional(A);
  r.add_global("optional.of", "optional_of", {A}, OA, of);
  r.add_global("optional.ofNonZeroValue", "optional_ofNonZeroValue", {A}, OA, of_non_zero);
  r.add_global("optional.none", "optional_none", {}, OA, none);
  r.add_member("hasValue", "optional_hasValue", {OA}, T::bool_(), has_value);
  r.add_member("value", "optional_value", {OA}, A, value_of);
  r.add_global("optional.unwrap", "optional_unwrap", {T::list(OA)}, T::list(A), unwrap);
  r.add_member("unwrapOpt", "optional_unwrapOpt", {T::list(OA)}, T::list(A), unwrap);
}

}  // namespace tollgate::cel
