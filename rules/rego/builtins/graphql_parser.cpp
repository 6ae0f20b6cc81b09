#include "rules/rego/builtins/graphql_parser.h"

#include <functional>
#include <vector>

#include "rules/rego/builtins/graphql_lexer.h"

namespace tollgate::rego::graphql {

namespace {

using value::ObjectBuilder;

Value position(const Token& t) {
  return ObjectBuilder().add("Line", Value::integer(t.line)).add("Column", Value::integer(t.column)).build();
}

Value str(std::string_view s) { return Value::string(s); }

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { current_ = lexer_.next(); }

  Value query_document() {
    std::vector<Value> operations, fragments;
    while (peek().kind != TokenKind::Eof) {
      const Token& t = peek();
      if (t.kind == TokenKind::BraceL) {
        operations.push_back(operation_definition());
      } else if (t.kind == TokenKind::Name) {
        if (t.value == "query" || t.value == "mutation" || t.value == "subscription") {
          operations.push_back(operation_definition());
        } else if (t.value == "fragment") {
          fragments.push_back(fragment_definition());
        } else {
          unexpected(t);
        }
      } else {
        unexpected(t);
      }
    }
    return ObjectBuilder()
        .add("Operations", Value::array(std::move(operations)))
        .add("Fragments", Value::array(std::move(fragments)))
        .build();
  }

  Value schema_document() {
    std::vector<Value> schema, schema_ext, directives, definitions, extensions;
    while (peek().kind != TokenKind::Eof) {
      std::string description;
      Token before_description = peek();
      bool has_description = false;
      if (peek().kind == TokenKind::String || peek().kind == TokenKind::BlockString) {
        description = next().value;
        has_description = true;
      }
      const Token& t = peek();
      if (t.kind != TokenKind::Name) unexpected(t);
      const std::string& word = t.value;
      if (word == "scalar" || word == "type" || word == "interface" || word == "union" || word == "enum" ||
          word == "input") {
        definitions.push_back(type_definition(description));
      } else if (word == "schema") {
        schema.push_back(schema_definition(description, false));
      } else if (word == "directive") {
        directives.push_back(directive_definition(description));
      } else if (word == "extend") {
        if (has_description && !description.empty()) unexpected(before_description);
        next();
        const Token& kind = peek();
        if (kind.kind == TokenKind::Name && kind.value == "schema") {
          schema_ext.push_back(schema_definition("", true));
        } else if (kind.kind == TokenKind::Name &&
                   (kind.value == "scalar" || kind.value == "type" || kind.value == "interface" ||
                    kind.value == "union" || kind.value == "enum" || kind.value == "input")) {
          extensions.push_back(type_extension());
        } else {
          unexpected(kind);
        }
      } else {
        unexpected(t);
      }
    }
    return ObjectBuilder()
        .add("Schema", Value::array(std::move(schema)))
        .add("SchemaExtension", Value::array(std::move(schema_ext)))
        .add("Directives", Value::array(std::move(directives)))
        .add("Definitions", Value::array(std::move(definitions)))
        .add("Extensions", Value::array(std::move(extensions)))
        .build();
  }

 private:
  // ---- token handling ----

  const Token& peek() const { return current_; }
  Token next() {
    Token t = std::move(current_);
    current_ = lexer_.next();
    return t;
  }
  bool skip(TokenKind kind) {
    if (peek().kind != kind) return false;
    next();
    return true;
  }
  [[noreturn]] void fail(const Token& at, std::string message) {
    throw GraphQLError(std::move(message), at.line, at.column);
  }
  [[noreturn]] void unexpected(const Token& t) { fail(t, "Unexpected " + describe_token(t)); }
  Token expect(TokenKind kind) {
    if (peek().kind != kind) {
      fail(peek(), "Expected " + token_kind_name(kind) + ", found " + describe_token(peek()));
    }
    return next();
  }
  bool peek_keyword(std::string_view word) const {
    return peek().kind == TokenKind::Name && peek().value == word;
  }
  Token expect_keyword(std::string_view word) {
    if (!peek_keyword(word)) {
      fail(peek(), "Expected \"" + std::string(word) + "\", found " + describe_token(peek()));
    }
    return next();
  }
  std::string name() { return expect(TokenKind::Name).value; }

  // Bounds the recursion of nested selections, values and types so that a
  // hostile document cannot exhaust the stack.
  class Nesting {
   public:
    explicit Nesting(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) p_.fail(p_.peek(), "Exceeded maximum nesting depth");
    }
    ~Nesting() { --p_.depth_; }

   private:
    static constexpr int kMaxDepth = 500;
    Parser& p_;
  };

  // Zero or more items between start and end; nothing when start is absent.
  void many(TokenKind start, TokenKind end, const std::function<void()>& item) {
    if (!skip(start)) return;
    while (peek().kind != end) item();
    next();
  }
  // One or more items between start and end; nothing when start is absent.
  void some(TokenKind start, TokenKind end, const std::function<void()>& item) {
    if (!skip(start)) return;
    bool called = false;
    while (peek().kind != end) {
      called = true;
      item();
    }
    if (!called) fail(peek(), "expected at least one definition, found " + token_kind_name(peek().kind));
    next();
  }

  // ---- executable definitions ----

  Value operation_definition() {
    Token start = peek();
    std::string operation = "query";
    std::string op_name;
    std::vector<Value> variables, directive_list;
    if (start.kind == TokenKind::Name) {
      operation = operation_type();
      if (peek().kind == TokenKind::Name) op_name = next().value;
      variables = variable_definitions();
      directive_list = directives(false);
    }
    Value selections = required_selection_set();
    return ObjectBuilder()
        .add("Operation", str(operation))
        .add("Name", str(op_name))
        .add("VariableDefinitions", Value::array(std::move(variables)))
        .add("Directives", Value::array(std::move(directive_list)))
        .add("SelectionSet", std::move(selections))
        .add("Position", position(start))
        .build();
  }

  std::string operation_type() {
    Token t = expect(TokenKind::Name);
    if (t.value == "query" || t.value == "mutation" || t.value == "subscription") return t.value;
    unexpected(t);
  }

  std::vector<Value> variable_definitions() {
    std::vector<Value> out;
    many(TokenKind::ParenL, TokenKind::ParenR, [&] {
      Token start = peek();
      expect(TokenKind::Dollar);
      std::string variable = name();
      expect(TokenKind::Colon);
      ObjectBuilder b;
      b.add("Variable", str(variable)).add("Type", type_reference());
      if (skip(TokenKind::Equals)) b.add("DefaultValue", value_literal(true));
      b.add("Directives", Value::array(directives(true)));
      b.add("Used", Value::boolean(false)).add("Position", position(start));
      out.push_back(b.build());
    });
    return out;
  }

  Value fragment_definition() {
    Token start = expect_keyword("fragment");
    if (peek_keyword("on")) unexpected(peek());
    std::string fragment_name = name();
    std::vector<Value> variables = variable_definitions();
    expect_keyword("on");
    std::string type_condition = name();
    std::vector<Value> directive_list = directives(false);
    Value selections = required_selection_set();
    return ObjectBuilder()
        .add("Name", str(fragment_name))
        .add("VariableDefinition", Value::array(std::move(variables)))
        .add("TypeCondition", str(type_condition))
        .add("Directives", Value::array(std::move(directive_list)))
        .add("SelectionSet", std::move(selections))
        .add("Position", position(start))
        .build();
  }

  Value required_selection_set() {
    if (peek().kind != TokenKind::BraceL) {
      fail(peek(), "Expected " + token_kind_name(TokenKind::BraceL) + ", found " + token_kind_name(peek().kind));
    }
    return selection_set();
  }

  Value selection_set() {
    Nesting nesting(*this);
    std::vector<Value> selections;
    some(TokenKind::BraceL, TokenKind::BraceR, [&] { selections.push_back(selection()); });
    return Value::array(std::move(selections));
  }

  Value selection() {
    if (peek().kind == TokenKind::Spread) return fragment();
    return field();
  }

  Value field() {
    Token start = peek();
    std::string alias = name();
    std::string field_name = alias;
    if (skip(TokenKind::Colon)) field_name = name();
    std::vector<Value> args = arguments(false);
    std::vector<Value> directive_list = directives(false);
    Value selections = Value::array({});
    if (peek().kind == TokenKind::BraceL) selections = selection_set();
    return ObjectBuilder()
        .add("Alias", str(alias))
        .add("Name", str(field_name))
        .add("Arguments", Value::array(std::move(args)))
        .add("Directives", Value::array(std::move(directive_list)))
        .add("SelectionSet", std::move(selections))
        .add("Position", position(start))
        .build();
  }

  Value fragment() {
    Token start = expect(TokenKind::Spread);
    if (peek().kind == TokenKind::Name && peek().value != "on") {
      std::string spread_name = name();
      return ObjectBuilder()
          .add("Name", str(spread_name))
          .add("Directives", Value::array(directives(false)))
          .add("Position", position(start))
          .build();
    }
    std::string type_condition;
    if (peek_keyword("on")) {
      next();
      type_condition = name();
    }
    std::vector<Value> directive_list = directives(false);
    Value selections = required_selection_set();
    return ObjectBuilder()
        .add("TypeCondition", str(type_condition))
        .add("Directives", Value::array(std::move(directive_list)))
        .add("SelectionSet", std::move(selections))
        .add("Position", position(start))
        .build();
  }

  std::vector<Value> arguments(bool is_const) {
    std::vector<Value> out;
    many(TokenKind::ParenL, TokenKind::ParenR, [&] {
      Token start = peek();
      std::string arg_name = name();
      expect(TokenKind::Colon);
      Value v = value_literal(is_const);
      out.push_back(
          ObjectBuilder().add("Name", str(arg_name)).add("Value", std::move(v)).add("Position", position(start)).build());
    });
    return out;
  }

  std::vector<Value> directives(bool is_const) {
    std::vector<Value> out;
    while (peek().kind == TokenKind::At) {
      Token start = next();
      std::string directive_name = name();
      std::vector<Value> args = arguments(is_const);
      out.push_back(ObjectBuilder()
                        .add("Name", str(directive_name))
                        .add("Arguments", Value::array(std::move(args)))
                        .add("Location", str(""))
                        .add("Position", position(start))
                        .build());
    }
    return out;
  }

  Value make_value(int kind, std::string raw, std::vector<Value> children, const Token& at) {
    return ObjectBuilder()
        .add("Kind", Value::integer(kind))
        .add("Raw", str(raw))
        .add("Children", Value::array(std::move(children)))
        .add("ExpectedTypeHasDefault", Value::boolean(false))
        .add("Position", position(at))
        .build();
  }

  Value value_literal(bool is_const) {
    Nesting nesting(*this);
    Token t = peek();
    switch (t.kind) {
      case TokenKind::BracketL: {
        std::vector<Value> children;
        many(TokenKind::BracketL, TokenKind::BracketR, [&] {
          Token at = peek();
          Value v = value_literal(is_const);
          children.push_back(
              ObjectBuilder().add("Name", str("")).add("Value", std::move(v)).add("Position", position(at)).build());
        });
        return make_value(kList, "", std::move(children), t);
      }
      case TokenKind::BraceL: {
        std::vector<Value> children;
        many(TokenKind::BraceL, TokenKind::BraceR, [&] {
          Token at = peek();
          std::string field_name = name();
          expect(TokenKind::Colon);
          Value v = value_literal(is_const);
          children.push_back(ObjectBuilder()
                                 .add("Name", str(field_name))
                                 .add("Value", std::move(v))
                                 .add("Position", position(at))
                                 .build());
        });
        return make_value(kObject, "", std::move(children), t);
      }
      case TokenKind::Dollar: {
        if (is_const) unexpected(t);
        next();
        return make_value(kVariable, name(), {}, t);
      }
      case TokenKind::Int: next(); return make_value(kInt, t.value, {}, t);
      case TokenKind::Float: next(); return make_value(kFloat, t.value, {}, t);
      case TokenKind::String: next(); return make_value(kString, t.value, {}, t);
      case TokenKind::BlockString: next(); return make_value(kBlock, t.value, {}, t);
      case TokenKind::Name: {
        next();
        if (t.value == "true" || t.value == "false") return make_value(kBoolean, t.value, {}, t);
        if (t.value == "null") return make_value(kNull, t.value, {}, t);
        return make_value(kEnum, t.value, {}, t);
      }
      default:
        unexpected(t);
    }
  }

  Value type_reference() {
    Nesting nesting(*this);
    Token start = peek();
    ObjectBuilder b;
    if (skip(TokenKind::BracketL)) {
      b.add("Elem", type_reference());
      b.add("NamedType", str(""));
      expect(TokenKind::BracketR);
    } else {
      b.add("NamedType", str(name()));
    }
    b.add("NonNull", Value::boolean(skip(TokenKind::Bang)));
    b.add("Position", position(start));
    return b.build();
  }

  // ---- type system definitions ----

  Value definition(std::string_view kind, const std::string& description, const std::string& def_name,
                   const Token& start, std::vector<Value> directive_list, std::vector<Value> interfaces,
                   std::vector<Value> fields, std::vector<Value> types, std::vector<Value> enum_values) {
    return ObjectBuilder()
        .add("Kind", str(kind))
        .add("Description", str(description))
        .add("Name", str(def_name))
        .add("Directives", Value::array(std::move(directive_list)))
        .add("Interfaces", Value::array(std::move(interfaces)))
        .add("Fields", Value::array(std::move(fields)))
        .add("Types", Value::array(std::move(types)))
        .add("EnumValues", Value::array(std::move(enum_values)))
        .add("BuiltIn", Value::boolean(false))
        .add("Position", position(start))
        .build();
  }

  static std::string_view kind_of_keyword(std::string_view word) {
    if (word == "scalar") return "SCALAR";
    if (word == "type") return "OBJECT";
    if (word == "interface") return "INTERFACE";
    if (word == "union") return "UNION";
    if (word == "enum") return "ENUM";
    return "INPUT_OBJECT";
  }

  struct TypeParts {
    std::vector<Value> directives, interfaces, fields, types, enum_values;
  };

  // The parts after the type name, shared by definitions and extensions.
  TypeParts type_parts(std::string_view kind) {
    TypeParts p;
    if (kind == "OBJECT" || kind == "INTERFACE") {
      p.interfaces = implements_interfaces();
      p.directives = directives(true);
      some(TokenKind::BraceL, TokenKind::BraceR, [&] { p.fields.push_back(field_definition()); });
    } else if (kind == "UNION") {
      p.directives = directives(true);
      if (skip(TokenKind::Equals)) {
        skip(TokenKind::Pipe);
        p.types.push_back(str(name()));
        while (skip(TokenKind::Pipe)) p.types.push_back(str(name()));
      }
    } else if (kind == "ENUM") {
      p.directives = directives(true);
      some(TokenKind::BraceL, TokenKind::BraceR, [&] {
        std::string description = optional_description();
        Token start = peek();
        std::string value_name = name();
        p.enum_values.push_back(ObjectBuilder()
                                    .add("Description", str(description))
                                    .add("Name", str(value_name))
                                    .add("Directives", Value::array(directives(true)))
                                    .add("Position", position(start))
                                    .build());
      });
    } else if (kind == "INPUT_OBJECT") {
      p.directives = directives(true);
      some(TokenKind::BraceL, TokenKind::BraceR, [&] { p.fields.push_back(input_value_definition()); });
    } else {
      p.directives = directives(true);
    }
    return p;
  }

  Value type_definition(const std::string& description) {
    Token start = next();
    std::string_view kind = kind_of_keyword(start.value);
    std::string type_name = name();
    TypeParts p = type_parts(kind);
    return definition(kind, description, type_name, start, std::move(p.directives), std::move(p.interfaces),
                      std::move(p.fields), std::move(p.types), std::move(p.enum_values));
  }

  Value type_extension() {
    Token start = next();
    std::string_view kind = kind_of_keyword(start.value);
    std::string type_name = name();
    TypeParts p = type_parts(kind);
    if (p.directives.empty() && p.interfaces.empty() && p.fields.empty() && p.types.empty() &&
        p.enum_values.empty()) {
      unexpected(peek());
    }
    return definition(kind, "", type_name, start, std::move(p.directives), std::move(p.interfaces),
                      std::move(p.fields), std::move(p.types), std::move(p.enum_values));
  }

  std::vector<Value> implements_interfaces() {
    std::vector<Value> out;
    if (!peek_keyword("implements")) return out;
    next();
    skip(TokenKind::Amp);
    out.push_back(str(name()));
    while (skip(TokenKind::Amp)) out.push_back(str(name()));
    return out;
  }

  std::string optional_description() {
    if (peek().kind == TokenKind::String || peek().kind == TokenKind::BlockString) return next().value;
    return "";
  }

  std::vector<Value> argument_definitions() {
    std::vector<Value> out;
    many(TokenKind::ParenL, TokenKind::ParenR, [&] { out.push_back(input_value_definition()); });
    return out;
  }

  Value field_definition() {
    std::string description = optional_description();
    Token start = peek();
    std::string field_name = name();
    std::vector<Value> args = argument_definitions();
    expect(TokenKind::Colon);
    Value type = type_reference();
    return ObjectBuilder()
        .add("Description", str(description))
        .add("Name", str(field_name))
        .add("Arguments", Value::array(std::move(args)))
        .add("Type", std::move(type))
        .add("Directives", Value::array(directives(true)))
        .add("Position", position(start))
        .build();
  }

  Value input_value_definition() {
    std::string description = optional_description();
    Token start = peek();
    std::string value_name = name();
    expect(TokenKind::Colon);
    ObjectBuilder b;
    b.add("Description", str(description)).add("Name", str(value_name)).add("Type", type_reference());
    if (skip(TokenKind::Equals)) b.add("DefaultValue", value_literal(true));
    b.add("Directives", Value::array(directives(true))).add("Position", position(start));
    return b.build();
  }

  Value schema_definition(const std::string& description, bool extension) {
    Token start = expect_keyword("schema");
    std::vector<Value> directive_list = directives(true);
    std::vector<Value> operation_types;
    some(TokenKind::BraceL, TokenKind::BraceR, [&] {
      Token at = peek();
      std::string operation = operation_type();
      expect(TokenKind::Colon);
      std::string type_name = name();
      operation_types.push_back(ObjectBuilder()
                                    .add("Operation", str(operation))
                                    .add("Type", str(type_name))
                                    .add("Position", position(at))
                                    .build());
    });
    if (extension && directive_list.empty() && operation_types.empty()) unexpected(peek());
    return ObjectBuilder()
        .add("Description", str(description))
        .add("Directives", Value::array(std::move(directive_list)))
        .add("OperationTypes", Value::array(std::move(operation_types)))
        .add("Position", position(start))
        .build();
  }

  static bool is_directive_location(std::string_view s) {
    static const char* const kLocations[] = {
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION",
        "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION"};
    for (const char* l : kLocations) {
      if (s == l) return true;
    }
    return false;
  }

  Value directive_definition(const std::string& description) {
    Token start = expect_keyword("directive");
    expect(TokenKind::At);
    std::string directive_name = name();
    std::vector<Value> args = argument_definitions();
    bool repeatable = false;
    if (peek_keyword("repeatable")) {
      next();
      repeatable = true;
    }
    expect_keyword("on");
    std::vector<Value> locations;
    skip(TokenKind::Pipe);
    do {
      Token t = expect(TokenKind::Name);
      if (!is_directive_location(t.value)) unexpected(t);
      locations.push_back(str(t.value));
    } while (skip(TokenKind::Pipe));
    return ObjectBuilder()
        .add("Description", str(description))
        .add("Name", str(directive_name))
        .add("Arguments", Value::array(std::move(args)))
        .add("Locations", Value::array(std::move(locations)))
        .add("IsRepeatable", Value::boolean(repeatable))
        .add("Position", position(start))
        .build();
  }

  Lexer lexer_;
  Token current_;
  int depth_ = 0;
};

}  // namespace

Value parse_query_document(std::string_view text) { return Parser(text).query_document(); }

Value parse_schema_document(std::string_view text) { return Parser(text).schema_document(); }

void position_of(const Value& node, int* line, int* column) {
  *line = 0;
  *column = 0;
  const Value* pos = node.find("Position");
  if (pos == nullptr || !pos->is_object()) return;
  const Value* l = pos->find("Line");
  const Value* c = pos->find("Column");
  if (l != nullptr && l->is_int()) *line = static_cast<int>(l->as_int());
  if (c != nullptr && c->is_int()) *column = static_cast<int>(c->as_int());
}

std::string type_string(const Value& type) {
  std::string out;
  const Value* elem = type.find("Elem");
  if (elem != nullptr && elem->is_object()) {
    out = "[" + type_string(*elem) + "]";
  } else if (const Value* named = type.find("NamedType"); named != nullptr && named->is_string()) {
    out = named->as_string();
  }
  const Value* non_null = type.find("NonNull");
  if (non_null != nullptr && non_null->is_bool() && non_null->as_bool()) out += "!";
  return out;
}

}  // namespace tollgate::rego::graphql
