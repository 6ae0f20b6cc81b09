#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_array_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
