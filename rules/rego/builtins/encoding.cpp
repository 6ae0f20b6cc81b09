#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void register_encoding_builtins(BuiltinRegistry&) {}

}  // namespace tollgate::rego
