#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_conversion_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
