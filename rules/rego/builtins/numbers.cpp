#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_number_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
