// GraphQL parser producing gqlparser's AST (QueryDocument, SchemaDocument)
// as Values with gqlparser's field names, as OPA's graphql.* builtins expose
// them. Nodes carry a "Position" object ({"Line", "Column"}) that the
// builtins prune before returning; the validators use it for messages.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::rego::graphql {

using value::Value;

// A parse or validation failure with gqlparser's message and location
// (line and column are 0 when the node had no position).
class GraphQLError : public std::runtime_error {
 public:
  GraphQLError(std::string message, int line, int column)
      : std::runtime_error(std::move(message)), line_(line), column_(column) {}
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

// Value kinds of gqlparser's ast.Value ("Kind" field).
enum ValueKind { kVariable = 0, kInt = 1, kFloat = 2, kString = 3, kBlock = 4, kBoolean = 5, kNull = 6, kEnum = 7,
                 kList = 8, kObject = 9 };

Value parse_query_document(std::string_view text);   // throws GraphQLError
Value parse_schema_document(std::string_view text);  // throws GraphQLError

// The node's "Position", or 0:0.
void position_of(const Value& node, int* line, int* column);

// The type reference as GraphQL writes it: "[String!]!".
std::string type_string(const Value& type);

}  // namespace tollgate::rego::graphql
