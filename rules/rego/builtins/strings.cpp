#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_string_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
