// Validation of a GraphQL query document against a loaded schema: the
// gqlparser validator rules (fields and arguments exist and are provided,
// fragments are known, used, acyclic and possible, variables are defined,
// used, of input types and in allowed positions, values have the right
// type, directives are known and in valid locations, leaf selections).
#pragma once

#include "rules/rego/builtins/graphql_schema.h"

namespace tollgate::rego::graphql {

// Throws GraphQLError with the first rule violation found.
void validate_query(const Schema& schema, const Value& query_document);

}  // namespace tollgate::rego::graphql
