#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_semver_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
