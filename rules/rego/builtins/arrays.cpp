// array.concat array.slice array.reverse array.flatten
#include <algorithm>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

std::optional<Value> concat(Args args, BuiltinContext&) {
  const std::vector<Value>& a = array_operand(args, 1).items();
  const std::vector<Value>& b = array_operand(args, 2).items();
  if (b.empty()) return args[0];
  if (a.empty()) return args[1];
  std::vector<Value> out;
  out.reserve(a.size() + b.size());
  out.insert(out.end(), a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return Value::array(std::move(out));
}

// Indices are clamped to the array; a start past the stop gives [].
std::optional<Value> slice(Args args, BuiltinContext&) {
  const std::vector<Value>& items = array_operand(args, 1).items();
  int64_t start = int_operand(args, 2);
  int64_t stop = int_operand(args, 3);
  const int64_t length = static_cast<int64_t>(items.size());
  stop = std::clamp<int64_t>(stop, 0, length);
  start = std::clamp<int64_t>(start, 0, stop);
  return Value::array(std::vector<Value>(items.begin() + start, items.begin() + stop));
}

std::optional<Value> reverse(Args args, BuiltinContext&) {
  const std::vector<Value>& items = array_operand(args, 1).items();
  return Value::array(std::vector<Value>(items.rbegin(), items.rend()));
}

// One level: array elements are spliced in, anything else is kept.
std::optional<Value> flatten(Args args, BuiltinContext&) {
  const std::vector<Value>& items = array_operand(args, 1).items();
  std::vector<Value> out;
  out.reserve(items.size());
  for (const Value& item : items) {
    if (item.is_array()) out.insert(out.end(), item.items().begin(), item.items().end());
    else out.push_back(item);
  }
  return Value::array(std::move(out));
}

}  // namespace

void register_array_builtins(BuiltinRegistry& r) {
  r.add({.name = "array.concat", .arity = 2, .function = concat});
  r.add({.name = "array.slice", .arity = 3, .function = slice});
  r.add({.name = "array.reverse", .arity = 1, .function = reverse});
  r.add({.name = "array.flatten", .arity = 1, .function = flatten});
}

}  // namespace tollgate::rego
