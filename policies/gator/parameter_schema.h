// Validation of a Constraint's spec.parameters against its template's
// openAPIV3Schema, the check behind gator verify's `invalid: true` tests
// (Kubernetes structural-schema rules: types, properties, items, enum,
// required, bounds, patterns; unknown fields are pruned, not rejected, unless
// additionalProperties is false; nulls of non-nullable fields are pruned).
#pragma once

#include <string>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::gator {

using value::Value;

// Errors of `value` against `schema`, each "path: message"; empty when valid.
std::vector<std::string> validate_against_schema(const Value& schema, const Value& value, const std::string& path);

// Errors of constraint.spec.parameters against
// template.spec.crd.spec.validation.openAPIV3Schema.
std::vector<std::string> validate_constraint_parameters(const Value& constraint_template, const Value& constraint);

}  // namespace tollgate::policies::gator
