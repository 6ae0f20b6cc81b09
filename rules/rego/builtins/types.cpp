#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_type_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
