#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

std::string builtin_error_message(std::string_view name, std::vector<Value> args) {
  try {
    testing::try_call(name, std::move(args));
  } catch (const BuiltinError& e) {
    CHECK(e.code() == BuiltinError::Code::Builtin);
    return e.what();
  }
  return "";
}

const char* const kSchema = R"(
  type Query {
    employee(id: String!): Employee
    employees(role: Role = STAFF): [Employee!]!
  }
  type Employee {
    id: String!
    salary: Int!
    manager: Employee
  }
  enum Role { STAFF MANAGER }
)";

TEST_CASE("graphql.parse_query returns gqlparser's pruned AST") {
  CHECK(call("graphql.parse_query", {str("query Q($id: String!) { e: employee(id: $id) { salary } }")}) ==
        json(R"({"Operations": [{"Name": "Q", "Operation": "query",
          "SelectionSet": [{"Alias": "e", "Name": "employee",
            "Arguments": [{"Name": "id", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0, "Raw": "id"}}],
            "SelectionSet": [{"Alias": "salary", "Name": "salary"}]}],
          "VariableDefinitions": [{"Type": {"NamedType": "String", "NonNull": true}, "Used": false,
            "Variable": "id"}]}]})"));
  CHECK(call("graphql.parse_query", {str("{ f(l: [1, 2.5], s: \"\"\"\n    block\n      text\n  \"\"\") }")}) ==
        json(R"({"Operations": [{"Name": "", "Operation": "query", "SelectionSet": [{"Alias": "f", "Name": "f",
          "Arguments": [
            {"Name": "l", "Value": {"Children": [
              {"Name": "", "Value": {"ExpectedTypeHasDefault": false, "Kind": 1, "Raw": "1"}},
              {"Name": "", "Value": {"ExpectedTypeHasDefault": false, "Kind": 2, "Raw": "2.5"}}],
              "ExpectedTypeHasDefault": false, "Kind": 8, "Raw": ""}},
            {"Name": "s", "Value": {"ExpectedTypeHasDefault": false, "Kind": 4, "Raw": "block\n  text"}}]}]}]})"));
}

TEST_CASE("graphql.parse_query reports syntax errors with gqlparser's message and location") {
  CHECK(builtin_error_message("graphql.parse_query", {str("{")}) ==
        "Expected Name, found <EOF> in GraphQL string at location 1:2");
  CHECK(builtin_error_message("graphql.parse_query", {str("{ ...MissingOn }\nfragment MissingOn Type")}) ==
        "Expected \"on\", found Name \"Type\" in GraphQL string at location 2:20");
  CHECK(builtin_error_message("graphql.parse_query", {str("query Foo($x: T = $v) { f }")}) ==
        "Unexpected $ in GraphQL string at location 1:19");
}

TEST_CASE("graphql.parse_query refuses absurdly deep nesting instead of exhausting the stack") {
  std::string deep = "{ f(a: " + std::string(100000, '[') + std::string(100000, ']') + ") }";
  CHECK(builtin_error_message("graphql.parse_query", {str(deep)}).rfind("Exceeded maximum nesting depth", 0) == 0);
  std::string fine = "{ f(a: " + std::string(50, '[') + std::string(50, ']') + ") }";
  CHECK(call("graphql.parse_query", {str(fine)}).is_object());
}

TEST_CASE("graphql.parse_schema returns definitions, extensions and directives") {
  CHECK(call("graphql.parse_schema", {str("\"Doc\" type A implements B & C { f(x: Int = 1): [A!] }")}) ==
        json(R"({"Definitions": [{"BuiltIn": false, "Description": "Doc", "Interfaces": ["B", "C"], "Kind": "OBJECT",
          "Name": "A", "Fields": [{"Description": "", "Name": "f",
            "Arguments": [{"Description": "", "Name": "x", "Type": {"NamedType": "Int", "NonNull": false},
              "DefaultValue": {"ExpectedTypeHasDefault": false, "Kind": 1, "Raw": "1"}}],
            "Type": {"Elem": {"NamedType": "A", "NonNull": true}, "NamedType": "", "NonNull": false}}]}]})"));
  CHECK(call("graphql.parse_schema", {str("extend union U = | A | B directive @d repeatable on FIELD | QUERY")}) ==
        json(R"({"Extensions": [{"BuiltIn": false, "Description": "", "Kind": "UNION", "Name": "U", "Types": ["A", "B"]}],
          "Directives": [{"Description": "", "IsRepeatable": true, "Locations": ["FIELD", "QUERY"], "Name": "d"}]})"));
  CHECK(builtin_error_message("graphql.parse_schema", {str("enum E {}")}) ==
        "expected at least one definition, found } in GraphQL string at location 1:9");
}

TEST_CASE("graphql.schema_is_valid applies gqlparser's schema rules") {
  CHECK(call("graphql.schema_is_valid", {str(kSchema)}) == Value::boolean(true));
  CHECK(call("graphql.schema_is_valid", {str("type A implements Missing { f: Int }")}) == Value::boolean(false));
  CHECK(call("graphql.schema_is_valid", {str("input I { o: O } type O { f: Int }")}) == Value::boolean(false));
  CHECK(call("graphql.schema_is_valid", {str("scalar S @deprecated")}) == Value::boolean(false));
  CHECK(call("graphql.schema_is_valid", {str("schema { query: Missing }")}) == Value::boolean(false));
  CHECK(call("graphql.schema_is_valid", {call("graphql.parse_schema", {str(kSchema)})}) == Value::boolean(true));
}

TEST_CASE("graphql.is_valid validates queries against the schema") {
  auto valid = [](const char* query) { return call("graphql.is_valid", {str(query), str(kSchema)}).as_bool(); };
  CHECK(valid("{ employee(id: \"a\") { salary manager { id } } }"));
  CHECK(valid("query($r: Role) { employees(role: $r) { ...F } } fragment F on Employee { id }"));
  CHECK_FALSE(valid("{ employee { salary } }"));                         // required argument missing
  CHECK_FALSE(valid("{ employee(id: \"a\", x: 1) { salary } }"));        // unknown argument
  CHECK_FALSE(valid("{ employee(id: \"a\") { bonus } }"));               // unknown field
  CHECK_FALSE(valid("{ employee(id: \"a\") }"));                         // composite without selection
  CHECK_FALSE(valid("{ employees(role: BOSS) { id } }"));                // unknown enum value
  CHECK_FALSE(valid("query($v: String) { employees { id } }"));          // unused variable
  CHECK_FALSE(valid("{ employee(id: $id) { id } }"));                    // undefined variable
  CHECK_FALSE(valid("query($id: String) { employee(id: $id) { id } }"));  // nullable variable, non-null position
  CHECK_FALSE(valid("{ employees { ...F } } fragment F on Employee { ...F }"));  // fragment cycle
  CHECK_FALSE(valid("{ employees { id @unknown } }"));                   // unknown directive
  CHECK(call("graphql.is_valid", {Value::integer(1), str(kSchema)}) == Value::boolean(false));
}

TEST_CASE("graphql.parse returns both ASTs or the first validation error") {
  Value result = call("graphql.parse", {str("{ employees { id } }"), str(kSchema)});
  CHECK(result.size() == 2);
  CHECK(*result.at(0) == call("graphql.parse_query", {str("{ employees { id } }")}));
  CHECK(*result.at(1) == call("graphql.parse_schema", {str(kSchema)}));
  CHECK(builtin_error_message("graphql.parse", {str("{\n  employee { id }\n}"), str(kSchema)}) ==
        "Field \"employee\" argument \"id\" of type \"String!\" is required, but it was not provided in GraphQL "
        "string at location 2:3");
}

TEST_CASE("graphql.parse_and_verify reports validity instead of failing") {
  Value ok = call("graphql.parse_and_verify", {str("{ employees { id } }"), str(kSchema)});
  CHECK(*ok.at(0) == Value::boolean(true));
  CHECK(call("graphql.parse_and_verify", {str("{ nope }"), str(kSchema)}) == json(R"([false, {}, {}])"));
}

}  // namespace
}  // namespace tollgate::rego
