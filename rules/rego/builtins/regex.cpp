#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_regex_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
