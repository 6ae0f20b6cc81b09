#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_set_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
