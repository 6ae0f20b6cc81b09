#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_net_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
