#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_glob_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
