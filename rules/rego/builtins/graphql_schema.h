// A loaded GraphQL schema: gqlparser's LoadSchema (the prelude of built-in
// scalars and directives, then the document's definitions merged with
// their extensions) and its schema validation rules.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rules/rego/builtins/graphql_parser.h"

namespace tollgate::rego::graphql {

struct TypeDefinition {
  std::string kind;  // SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT
  std::string name;
  Value node;        // the definition (or first extension) node, for its position
  std::vector<Value> directives;
  std::vector<std::string> interfaces;
  std::vector<Value> fields;  // FieldDefinition nodes (input fields for INPUT_OBJECT)
  std::vector<std::string> types;  // union members
  std::vector<Value> enum_values;
  bool builtin = false;

  const Value* field(std::string_view field_name) const;
  bool is_composite() const { return kind == "OBJECT" || kind == "INTERFACE" || kind == "UNION"; }
  bool is_leaf() const { return kind == "SCALAR" || kind == "ENUM"; }
  bool is_input() const { return kind == "SCALAR" || kind == "ENUM" || kind == "INPUT_OBJECT"; }
};

struct Schema {
  std::map<std::string, TypeDefinition, std::less<>> types;
  std::map<std::string, Value, std::less<>> directives;  // DirectiveDefinition nodes
  std::string query, mutation, subscription;             // root type names ("" when absent)

  const TypeDefinition* type(std::string_view name) const;
  // Object types a value of the named type may be (itself for objects).
  std::vector<std::string> possible_types(std::string_view name) const;
};

// Loads and validates a schema document (as parse_schema_document returns it,
// or an equivalent AST object). Throws GraphQLError.
Schema load_schema(const Value& document);

// The items of the array at node[key] (missing or not an array: none).
std::vector<Value> node_list(const Value& node, std::string_view key);
// node[key] as a string ("" when missing).
std::string node_string(const Value& node, std::string_view key);
// The named type at the bottom of a type reference.
std::string named_type_of(const Value& type);

}  // namespace tollgate::rego::graphql
