// The extra CEL surface of MutatingAdmissionPolicy expressions
// (k8s.io/apiserver pkg/cel/mutation): the `Object`, `Object.<field>...`
// and `JSONPatch` struct types, and `jsonpatch.escapeKey`.
//
//   auto env = Environment::kubernetes_mutating();   // has jsonpatch.escapeKey
//   CompileOptions opts;
//   opts.struct_types = &mutation_struct_types();     // Object{...}, JSONPatch{...}
#pragma once

#include "rules/cel/function_registry.h"
#include "rules/cel/struct_value.h"

namespace tollgate::cel {

inline constexpr std::string_view kObjectTypeName = "Object";
inline constexpr std::string_view kJSONPatchTypeName = "JSONPatch";

// jsonpatch.escapeKey(string): `~` -> `~0`, `/` -> `~1` (RFC 6901).
void register_jsonpatch_library(FunctionRegistry& registry);

// `Object` and every `Object.<f1>.<f2>...` (fields all dyn, any name) and
// `JSONPatch{op, path, from: string, value: dyn}`.
const StructTypeProvider& mutation_struct_types();

// The static types a MAP mutation must have: `Object` (ApplyConfiguration)
// and `list(JSONPatch)` (JSONPatch).
CelType object_struct_type();
CelType json_patch_list_type();

}  // namespace tollgate::cel
