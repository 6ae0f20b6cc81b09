// intersection(set of sets), union(set of sets), set_diff (deprecated `-`).
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/set_algebra.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

// Every member of the operand must itself be a set (OPA reports it as operand 1).
const std::vector<Value>& sets_operand(Args args) {
  const std::vector<Value>& sets = set_operand(args, 1).items();
  for (const Value& s : sets) {
    if (!s.is_set()) throw_operand_type_error(1, s, {"set"});
  }
  return sets;
}

std::optional<Value> intersection(Args args, BuiltinContext&) {
  const std::vector<Value>& sets = sets_operand(args);
  if (sets.empty()) return Value::set({});
  Value result = sets.front();
  for (size_t i = 1; i < sets.size() && result.size() > 0; ++i) result = set_intersection(result, sets[i]);
  return result;
}

std::optional<Value> union_of(Args args, BuiltinContext&) {
  const std::vector<Value>& sets = sets_operand(args);
  std::vector<Value> members;
  for (const Value& s : sets) members.insert(members.end(), s.items().begin(), s.items().end());
  return Value::set(std::move(members));
}

std::optional<Value> set_diff(Args args, BuiltinContext&) {
  return set_difference(set_operand(args, 1), set_operand(args, 2));
}

}  // namespace

void register_set_builtins(BuiltinRegistry& r) {
  r.add({.name = "intersection", .arity = 1, .function = intersection});
  r.add({.name = "union", .arity = 1, .function = union_of});
  r.add({.name = "set_diff", .arity = 2, .function = set_diff, .deprecated = true});
}

}  // namespace tollgate::rego
