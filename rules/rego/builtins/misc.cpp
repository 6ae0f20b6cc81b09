#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_misc_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
