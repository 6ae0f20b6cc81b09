#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_unit_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
