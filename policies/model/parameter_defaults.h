// Structural-schema defaulting of constraints, as the API server does for
// custom resources (k8s.io/apiextensions-apiserver, pkg/apiserver/schema/
// defaulting) and gator does after validating a constraint
// (gatekeeper-expansion.md §8): the `default:` values of the template's
// spec.crd.spec.validation.openAPIV3Schema fill `spec.parameters` at every
// depth (properties, array items, additionalProperties), and
// `spec.enforcementAction` defaults to "deny" as the generated constraint CRD
// declares. Applied once when a constraint loads, so every command sees the
// same `input.parameters` / CEL `params`.
#pragma once

#include "rules/value/value.h"

namespace tollgate::policies {

// `x` with the defaults of the OpenAPI v3 `schema` applied (Kubernetes'
// Default(x, s)):
// - an object gets, for each of schema.properties with a non-null default,
//   that default when the key is absent or is null and the property is not
//   `nullable`; then every key is defaulted by its property schema, or else
//   by an additionalProperties schema (a non-nullable null first becoming
//   that schema's default);
// - an array's null elements become items.default unless items is
//   `nullable`; then every element is defaulted by items;
// - scalars, and values whose shape does not match the schema, are kept.
// Parents are never created unless they have a default themselves; array
// elements are never created. Unchanged subtrees are shared, not copied.
value::Value apply_schema_defaults(const value::Value& x, const value::Value& schema);

// A constraint object defaulted by the schema of the constraint CRD
// Gatekeeper generates from its template: spec.enforcementAction "deny" when
// absent or null, spec.parameters by `parameters_schema` (the template's
// openAPIV3Schema; null when the template has none). A constraint without
// `spec` is returned as is.
value::Value default_constraint(const value::Value& constraint, const value::Value& parameters_schema);

}  // namespace tollgate::policies
