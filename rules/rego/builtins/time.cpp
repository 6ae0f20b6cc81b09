#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_time_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
