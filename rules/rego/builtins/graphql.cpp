// GraphQL builtins (OPA topdown/graphql.go): graphql.parse_query,
// parse_schema, parse, parse_and_verify, is_valid and schema_is_valid.
// ASTs are gqlparser's documents as OPA returns them: without Position
// objects, null values and empty objects or arrays.
#include <string>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/graphql_parser.h"
#include "rules/rego/builtins/graphql_schema.h"
#include "rules/rego/builtins/graphql_validate.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;
using graphql::GraphQLError;

// OPA's pruneIrrelevantGraphQLASTNodes.
Value prune(const Value& v) {
  auto keep = [](const Value& pruned) {
    if (pruned.is_null()) return false;
    if ((pruned.is_array() || pruned.is_object()) && pruned.size() == 0) return false;
    return true;
  };
  if (v.is_array()) {
    std::vector<Value> items;
    for (const Value& item : v.items()) {
      Value p = prune(item);
      if (keep(p)) items.push_back(std::move(p));
    }
    return Value::array(std::move(items));
  }
  if (v.is_object()) {
    std::vector<Value::Entry> entries;
    for (const auto& [k, item] : v.entries()) {
      if (k.is_string() && k.as_string() == "Position") continue;
      Value p = prune(item);
      if (keep(p)) entries.emplace_back(k, std::move(p));
    }
    return Value::object(std::move(entries));
  }
  return v;
}

// Where a failure happened, which decides how OPA words its message.
enum class Stage { Query, Schema, Validation };

std::string located(const GraphQLError& e, Stage stage) {
  std::string message = e.what();
  // OPA trims the period gqlparser ends validation messages with.
  if (stage == Stage::Validation && !message.empty() && message.back() == '.') message.pop_back();
  std::string_view where = stage == Stage::Schema ? "GraphQL schema string" : "GraphQL string";
  return message + " in " + std::string(where) + " at location " + std::to_string(e.line()) + ":" +
         std::to_string(e.column());
}

// A query or schema operand: a GraphQL string, or an AST object as the parse builtins return.
const Value& document_operand(Args args, int pos) {
  const Value& v = args[pos - 1];
  if (!v.is_string() && !v.is_object()) throw_operand_type_error(pos, v, {"string", "object"});
  return v;
}

Value query_document(const Value& operand) {
  return operand.is_string() ? graphql::parse_query_document(operand.as_string()) : operand;
}

Value schema_document(const Value& operand) {
  return operand.is_string() ? graphql::parse_schema_document(operand.as_string()) : operand;
}

// Parses and validates both documents; throws GraphQLError from `stage`.
struct Verified {
  Value query, schema;
};

Verified verify(const Value& query_operand, const Value& schema_operand, Stage* stage) {
  *stage = Stage::Query;
  Value query = query_document(query_operand);
  *stage = Stage::Schema;
  Value schema = schema_document(schema_operand);
  graphql::Schema loaded = graphql::load_schema(schema);
  *stage = Stage::Validation;
  graphql::validate_query(loaded, query);
  return {std::move(query), std::move(schema)};
}

Result graphql_parse_query(Args args, BuiltinContext&) {
  const std::string& text = string_operand(args, 1);
  try {
    return prune(graphql::parse_query_document(text));
  } catch (const GraphQLError& e) {
    throw_builtin_error(located(e, Stage::Query));
  }
}

Result graphql_parse_schema(Args args, BuiltinContext&) {
  const std::string& text = string_operand(args, 1);
  try {
    return prune(graphql::parse_schema_document(text));
  } catch (const GraphQLError& e) {
    throw_builtin_error(located(e, Stage::Query));
  }
}

Result graphql_parse(Args args, BuiltinContext&) {
  const Value& query = document_operand(args, 1);
  const Value& schema = document_operand(args, 2);
  Stage stage = Stage::Query;
  try {
    Verified v = verify(query, schema, &stage);
    return Value::array({prune(v.query), prune(v.schema)});
  } catch (const GraphQLError& e) {
    throw_builtin_error(located(e, stage));
  }
}

Result graphql_parse_and_verify(Args args, BuiltinContext&) {
  const Value& query = document_operand(args, 1);
  const Value& schema = document_operand(args, 2);
  Stage stage = Stage::Query;
  try {
    Verified v = verify(query, schema, &stage);
    return Value::array({Value::boolean(true), prune(v.query), prune(v.schema)});
  } catch (const GraphQLError&) {
    Value empty = Value::object({});
    return Value::array({Value::boolean(false), empty, empty});
  }
}

Result graphql_is_valid(Args args, BuiltinContext&) {
  const Value& query = args[0];
  const Value& schema = args[1];
  if ((!query.is_string() && !query.is_object()) || (!schema.is_string() && !schema.is_object())) {
    return Value::boolean(false);
  }
  Stage stage = Stage::Query;
  try {
    verify(query, schema, &stage);
    return Value::boolean(true);
  } catch (const GraphQLError&) {
    return Value::boolean(false);
  }
}

Result graphql_schema_is_valid(Args args, BuiltinContext&) {
  const Value& schema = args[0];
  if (!schema.is_string() && !schema.is_object()) return Value::boolean(false);
  try {
    graphql::load_schema(schema_document(schema));
    return Value::boolean(true);
  } catch (const GraphQLError&) {
    return Value::boolean(false);
  }
}

}  // namespace

void register_graphql_builtins(BuiltinRegistry& r) {
  r.add({.name = "graphql.parse_query", .arity = 1, .function = graphql_parse_query});
  r.add({.name = "graphql.parse_schema", .arity = 1, .function = graphql_parse_schema});
  r.add({.name = "graphql.parse", .arity = 2, .function = graphql_parse});
  r.add({.name = "graphql.parse_and_verify", .arity = 2, .function = graphql_parse_and_verify});
  r.add({.name = "graphql.is_valid", .arity = 2, .function = graphql_is_valid});
  r.add({.name = "graphql.schema_is_valid", .arity = 1, .function = graphql_schema_is_valid});
}

}  // namespace tollgate::rego
