#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_operator_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
