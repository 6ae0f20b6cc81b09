#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_object_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
