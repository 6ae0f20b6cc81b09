// Kubernetes' quantity CEL library (k8s.io/apiserver/pkg/cel/library/quantity.go).
#include <optional>

#include "rules/cel/k8s/k8s_libraries.h"
#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

using k8s::Quantity;
using k8s::QuantityFormat;

const Quantity& quantity_of(const Value& v) { return v.opaque_as<QuantityValue>()->quantity(); }

Result wrap(std::optional<Quantity> q) {
  if (!q) return make_error("quantity is too large to represent exactly");
  return Value::make_opaque<QuantityValue>(std::move(*q));
}

// Integers take part in arithmetic as resource.NewQuantity(i, DecimalExponent).
Quantity from_int(const Value& v) { return Quantity::from_int64(v.as_int(), QuantityFormat::DecimalExponent); }

Result quantity_from_string(std::span<const Value> a) {
  std::string error;
  auto q = Quantity::parse(a[0].as_string(), &error);
  if (!q) return make_error(error);
  return Value::make_opaque<QuantityValue>(std::move(*q));
}

Result is_quantity(std::span<const Value> a) { return Value::boolean(Quantity::parse(a[0].as_string()).has_value()); }

Result quantity_sign(std::span<const Value> a) { return Value::integer(quantity_of(a[0]).sign()); }

Result quantity_is_greater_than(std::span<const Value> a) {
  return Value::boolean(quantity_of(a[0]).compare(quantity_of(a[1])) == 1);
}

Result quantity_is_less_than(std::span<const Value> a) {
  return Value::boolean(quantity_of(a[0]).compare(quantity_of(a[1])) == -1);
}

Result quantity_compare_to(std::span<const Value> a) {
  return Value::integer(quantity_of(a[0]).compare(quantity_of(a[1])));
}

Result quantity_as_approximate_float(std::span<const Value> a) {
  return Value::number(quantity_of(a[0]).as_approximate_float());
}

Result quantity_as_integer(std::span<const Value> a) {
  auto i = quantity_of(a[0]).as_int64();
  if (!i) return make_error("cannot convert value to integer");
  return Value::integer(*i);
}

Result quantity_is_integer(std::span<const Value> a) { return Value::boolean(quantity_of(a[0]).as_int64().has_value()); }

Result quantity_add(std::span<const Value> a) { return wrap(quantity_of(a[0]).add(quantity_of(a[1]))); }
Result quantity_add_int(std::span<const Value> a) { return wrap(quantity_of(a[0]).add(from_int(a[1]))); }
Result quantity_sub(std::span<const Value> a) { return wrap(quantity_of(a[0]).sub(quantity_of(a[1]))); }
Result quantity_sub_int(std::span<const Value> a) { return wrap(quantity_of(a[0]).sub(from_int(a[1]))); }

}  // namespace

void register_quantity_library(FunctionRegistry& r) {
  r.add_type(std::string(kQuantityTypeName));
  const CelType quantity = CelType::opaque(std::string(kQuantityTypeName));
  const CelType str = CelType::string();
  const CelType integer = CelType::int_();
  const CelType boolean = CelType::bool_();

  r.add_global("quantity", "string_to_quantity", {str}, quantity, quantity_from_string);
  r.add_global("isQuantity", "is_quantity_string", {str}, boolean, is_quantity);
  // Declared global in Kubernetes, so `sign(q)` compiles and `q.sign()` does not.
  r.add_global("sign", "quantity_sign", {quantity}, integer, quantity_sign);
  r.add_member("isGreaterThan", "quantity_is_greater_than", {quantity, quantity}, boolean, quantity_is_greater_than);
  r.add_member("isLessThan", "quantity_is_less_than", {quantity, quantity}, boolean, quantity_is_less_than);
  r.add_member("compareTo", "quantity_compare_to", {quantity, quantity}, integer, quantity_compare_to);
  r.add_member("asApproximateFloat", "quantity_get_float", {quantity}, CelType::double_(),
               quantity_as_approximate_float);
  r.add_member("asInteger", "quantity_get_int", {quantity}, integer, quantity_as_integer);
  r.add_member("isInteger", "quantity_is_integer", {quantity}, boolean, quantity_is_integer);
  r.add_member("add", "quantity_add", {quantity, quantity}, quantity, quantity_add);
  r.add_member("add", "quantity_add_int", {quantity, integer}, quantity, quantity_add_int);
  r.add_member("sub", "quantity_sub", {quantity, quantity}, quantity, quantity_sub);
  r.add_member("sub", "quantity_sub_int", {quantity, integer}, quantity, quantity_sub_int);
}

}  // namespace tollgate::cel
