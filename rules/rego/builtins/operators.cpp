// Operators: comparisons (the total order of rego-notes.md §4, never an
// error), arithmetic on numbers (arithmetic.h), set algebra, and membership
// (`x in c`, `k, v in c`).
#include "rules/rego/arithmetic.h"
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/set_algebra.h"
#include "rules/rego/number.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

template <bool (*Holds)(int)>
std::optional<Value> comparison(Args args, BuiltinContext&) {
  return Value::boolean(Holds(value::compare(args[0], args[1])));
}

bool is_equal(int c) { return c == 0; }
bool is_not_equal(int c) { return c != 0; }
bool is_less(int c) { return c < 0; }
bool is_less_or_equal(int c) { return c <= 0; }
bool is_greater(int c) { return c > 0; }
bool is_greater_or_equal(int c) { return c >= 0; }

template <Value (*Operation)(const Value&, const Value&)>
std::optional<Value> arithmetic(Args args, BuiltinContext&) {
  return Operation(number_operand(args, 1), number_operand(args, 2));
}

// `-` is subtraction on numbers and difference on sets.
std::optional<Value> minus(Args args, BuiltinContext&) {
  const Value& a = args[0];
  const Value& b = args[1];
  if (a.is_number() && b.is_number()) return subtract_numbers(a, b);
  if (a.is_set() && b.is_set()) return set_difference(a, b);
  if (!a.is_number() && !a.is_set()) throw_operand_type_error(1, a, {"number", "set"});
  if (a.is_set()) throw_operand_type_error(2, b, {"set"});
  throw_operand_type_error(2, b, {"number"});
}

std::optional<Value> intersect(Args args, BuiltinContext&) {
  return set_intersection(set_operand(args, 1), set_operand(args, 2));
}

std::optional<Value> unite(Args args, BuiltinContext&) { return set_union(set_operand(args, 1), set_operand(args, 2)); }

// x in coll: array and set elements, object values; false for anything else.
std::optional<Value> member(Args args, BuiltinContext&) {
  const Value& x = args[0];
  const Value& coll = args[1];
  switch (coll.kind()) {
    case value::Kind::Set: return Value::boolean(opa_set_contains(coll, x));
    case value::Kind::Array:
      for (const Value& item : coll.items()) {
        if (item == x) return Value::boolean(true);
      }
      return Value::boolean(false);
    case value::Kind::Object:
      for (const auto& [key, item] : coll.entries()) {
        if (item == x) return Value::boolean(true);
      }
      return Value::boolean(false);
    default: return Value::boolean(false);
  }
}

// k, v in coll: index/key k holds v (for a set, k and v are both the element).
std::optional<Value> member_with_key(Args args, BuiltinContext&) {
  const Value& key = args[0];
  const Value& val = args[1];
  const Value& coll = args[2];
  switch (coll.kind()) {
    case value::Kind::Set: return Value::boolean(opa_set_contains(coll, key) && key == val);
    case value::Kind::Object: {
      const Value* found = opa_object_get(coll, key);
      return Value::boolean(found != nullptr && *found == val);
    }
    case value::Kind::Array: {
      int64_t index = 0;
      // Array.Get takes Number.Int(): 1.0 indexes nothing.
      if (!key.is_number() || !integer_text(key) || !integral_int64(key, &index) || index < 0)
        return Value::boolean(false);
      const Value* found = coll.at(static_cast<size_t>(index));
      return Value::boolean(found != nullptr && *found == val);
    }
    default: return Value::boolean(false);
  }
}

}  // namespace

void register_operator_builtins(BuiltinRegistry& r) {
  r.add({.name = "equal", .arity = 2, .function = comparison<is_equal>});
  r.add({.name = "neq", .arity = 2, .function = comparison<is_not_equal>});
  r.add({.name = "lt", .arity = 2, .function = comparison<is_less>});
  r.add({.name = "lte", .arity = 2, .function = comparison<is_less_or_equal>});
  r.add({.name = "gt", .arity = 2, .function = comparison<is_greater>});
  r.add({.name = "gte", .arity = 2, .function = comparison<is_greater_or_equal>});
  r.add({.name = "plus", .arity = 2, .function = arithmetic<add_numbers>});
  r.add({.name = "minus", .arity = 2, .function = minus});
  r.add({.name = "mul", .arity = 2, .function = arithmetic<multiply_numbers>});
  r.add({.name = "div", .arity = 2, .function = arithmetic<divide_numbers>});
  r.add({.name = "rem", .arity = 2, .function = arithmetic<remainder_numbers>});
  r.add({.name = "and", .arity = 2, .function = intersect});
  r.add({.name = "or", .arity = 2, .function = unite});
  r.add({.name = "internal.member_2", .arity = 2, .function = member});
  r.add({.name = "internal.member_3", .arity = 3, .function = member_with_key});
}

}  // namespace tollgate::rego
