// Type tests (OPA topdown/type.go, type_name.go): never errors, false for
// other types.
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

Result is_string(Args args, BuiltinContext&) { return Value::boolean(args[0].is_string()); }
Result is_number(Args args, BuiltinContext&) { return Value::boolean(args[0].is_number()); }
Result is_boolean(Args args, BuiltinContext&) { return Value::boolean(args[0].is_bool()); }
Result is_array(Args args, BuiltinContext&) { return Value::boolean(args[0].is_array()); }
Result is_set(Args args, BuiltinContext&) { return Value::boolean(args[0].is_set()); }
Result is_object(Args args, BuiltinContext&) { return Value::boolean(args[0].is_object()); }
Result is_null(Args args, BuiltinContext&) { return Value::boolean(args[0].is_null()); }
Result type_name(Args args, BuiltinContext&) { return Value::string(rego_type_name(args[0])); }

}  // namespace

void register_type_builtins(BuiltinRegistry& r) {
  r.add({.name = "is_string", .arity = 1, .function = is_string});
  r.add({.name = "is_number", .arity = 1, .function = is_number});
  r.add({.name = "is_boolean", .arity = 1, .function = is_boolean});
  r.add({.name = "is_array", .arity = 1, .function = is_array});
  r.add({.name = "is_set", .arity = 1, .function = is_set});
  r.add({.name = "is_object", .arity = 1, .function = is_object});
  r.add({.name = "is_null", .arity = 1, .function = is_null});
  r.add({.name = "type_name", .arity = 1, .function = type_name});
}

}  // namespace tollgate::rego
