// The CEL standard library and the extension libraries Kubernetes enables,
// each registering overloads into a FunctionRegistry.
#pragma once

#include "rules/cel/function_registry.h"

namespace tollgate::cel {

// cel-go v0.22 (what Kubernetes 1.32, and so Gatekeeper v3.19.3, runs) answers
// a few calls differently from the cel-spec conformance data that later cel-go
// follows: duration.getMilliseconds() is the whole duration in milliseconds
// (cel-spec: the millisecond part of the second), and a string indexOf or
// lastIndexOf offset past the end finds nothing (-1; cel-spec: an error).
// Environment::kubernetes() asks for the v0.22 answers.
struct StdlibVersion {
  bool cel_go_v0_22 = false;
};

// Operators: arithmetic, comparison, logic, indexing, `in`, size, type, dyn.
void register_operators(FunctionRegistry& r);
// int() uint() double() string() bytes() bool() duration() timestamp().
void register_conversions(FunctionRegistry& r);
// Timestamp and duration getters.
void register_time_functions(FunctionRegistry& r, StdlibVersion v = {});
// contains/startsWith/endsWith/matches and ext.Strings v2, plus the Kubernetes regex library (find, findAll).
void register_string_functions(FunctionRegistry& r, StdlibVersion v = {});
// Kubernetes lists and ext.Sets (what Kubernetes 1.32's environment declares).
void register_list_functions(FunctionRegistry& r);
// ext.Lists v3: slice, flatten, distinct, reverse, sort, lists.range. Not in
// Kubernetes 1.32 (its base environment enables them from 1.34), so only
// Environment::standard() has them.
void register_ext_list_functions(FunctionRegistry& r);
// optional.of/none/ofNonZeroValue, hasValue, value, or, orValue, unwrap.
void register_optional_functions(FunctionRegistry& r);

// Everything above.
void register_standard_library(FunctionRegistry& r, StdlibVersion v = {});

// Cost helpers shared by the libraries: ceil(len * 0.1) of a string/bytes/list size.
uint64_t size_cost(const Value& v);

}  // namespace tollgate::cel
