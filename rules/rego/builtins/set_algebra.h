// Difference, intersection and union of two Rego sets. Set items are kept
// sorted (value.h), so each is one linear merge.
#pragma once

#include "rules/value/value.h"

namespace tollgate::rego {

value::Value set_difference(const value::Value& a, const value::Value& b);
value::Value set_intersection(const value::Value& a, const value::Value& b);
value::Value set_union(const value::Value& a, const value::Value& b);

}  // namespace tollgate::rego
