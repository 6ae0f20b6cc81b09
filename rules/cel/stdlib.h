// The CEL standard library and the extension libraries Kubernetes enables,
// each registering overloads into a FunctionRegistry.
#pragma once

#include "rules/cel/function_registry.h"

namespace tollgate::cel {

// Operators: arithmetic, comparison, logic, indexing, `in`, size, type, dyn.
void register_operators(FunctionRegistry& r);
// int() uint() double() string() bytes() bool() duration() timestamp().
void register_conversions(FunctionRegistry& r);
// Timestamp and duration getters.
void register_time_functions(FunctionRegistry& r);
// contains/startsWith/endsWith/matches and ext.Strings v2, plus the Kubernetes regex library (find, findAll).
void register_string_functions(FunctionRegistry& r);
// Kubernetes lists, ext.Lists and ext.Sets.
void register_list_functions(FunctionRegistry& r);
// optional.of/none/ofNonZeroValue, hasValue, value, or, orValue, unwrap.
void register_optional_functions(FunctionRegistry& r);

// Everything above.
void register_standard_library(FunctionRegistry& r);

// Cost helpers shared by the libraries: ceil(len * 0.1) of a string/bytes/list size.
uint64_t size_cost(const Value& v);

}  // namespace tollgate::cel
