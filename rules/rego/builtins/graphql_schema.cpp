#include "rules/rego/builtins/graphql_schema.h"

#include <algorithm>

namespace tollgate::rego::graphql {

namespace {

// gqlparser's prelude: the built-in scalars, directives and introspection types.
constexpr std::string_view kPrelude = R"(
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @oneOf on INPUT_OBJECT
type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type subscriptionType: __Type directives: [__Directive!]! }
type __Type { kind: __TypeKind! name: String description: String fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!] possibleTypes: [__Type!] enumValues(includeDeprecated: Boolean = false): [__EnumValue!] inputFields: [__InputValue!] ofType: __Type specifiedByURL: String }
type __Field { name: String! description: String args: [__InputValue!]! type: __Type! isDeprecated: Boolean! deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive { name: String! description: String locations: [__DirectiveLocation!]! args: [__InputValue!]! isRepeatable: Boolean! }
enum __DirectiveLocation { QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION }
)";

[[noreturn]] void fail_at(const Value& node, std::string message) {
  int line = 0, column = 0;
  position_of(node, &line, &column);
  throw GraphQLError(std::move(message), line, column);
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

void append(std::vector<Value>& to, const std::vector<Value>& from) { to.insert(to.end(), from.begin(), from.end()); }

void add_definition(Schema& schema, const Value& def, bool builtin) {
  TypeDefinition t;
  t.kind = node_string(def, "Kind");
  t.name = node_string(def, "Name");
  t.node = def;
  t.directives = node_list(def, "Directives");
  for (const Value& i : node_list(def, "Interfaces")) {
    if (i.is_string()) t.interfaces.push_back(i.as_string());
  }
  t.fields = node_list(def, "Fields");
  for (const Value& m : node_list(def, "Types")) {
    if (m.is_string()) t.types.push_back(m.as_string());
  }
  t.enum_values = node_list(def, "EnumValues");
  const Value* b = def.find("BuiltIn");
  t.builtin = builtin || (b != nullptr && b->is_bool() && b->as_bool());
  if (schema.types.count(t.name) != 0) fail_at(def, "Cannot redeclare type " + t.name + ".");
  schema.types.emplace(t.name, std::move(t));
}

void validate_name(const Value& node, const std::string& name) {
  if (name.rfind("__", 0) == 0) {
    fail_at(node, "Name \"" + name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
  }
}

void validate_type_ref(const Schema& schema, const Value& type) {
  if (schema.type(named_type_of(type)) == nullptr) fail_at(type, "Undefined type " + named_type_of(type) + ".");
}

void validate_directives(const Schema& schema, const std::vector<Value>& dirs, std::string_view location,
                         const std::string* current_directive) {
  for (const Value& dir : dirs) {
    std::string name = node_string(dir, "Name");
    validate_name(dir, name);
    if (current_directive != nullptr && name == *current_directive) {
      fail_at(dir, "Directive " + name + " cannot refer to itself.");
    }
    auto found = schema.directives.find(name);
    if (found == schema.directives.end()) fail_at(dir, "Undefined directive " + name + ".");
    bool applicable = false;
    for (const Value& loc : node_list(found->second, "Locations")) {
      if (loc.is_string() && loc.as_string() == location) applicable = true;
    }
    if (!applicable) fail_at(dir, "Directive " + name + " is not applicable on " + std::string(location) + ".");
  }
}

void validate_args(const Schema& schema, const std::vector<Value>& args, const std::string* current_directive) {
  for (const Value& arg : args) {
    std::string name = node_string(arg, "Name");
    validate_name(arg, name);
    const Value& type = arg["Type"];
    validate_type_ref(schema, type);
    const TypeDefinition* def = schema.type(named_type_of(type));
    if (!def->is_input()) {
      fail_at(arg, "cannot use " + type_string(type) + " as argument " + name + " because " + def->kind +
                       " is not a valid input type");
    }
    validate_directives(schema, node_list(arg, "Directives"), "ARGUMENT_DEFINITION", current_directive);
  }
}

bool non_null(const Value& type) {
  const Value* n = type.find("NonNull");
  return n != nullptr && n->is_bool() && n->as_bool();
}

bool is_covariant(const Schema& schema, const Value& required, const Value& actual) {
  if (non_null(required) && !non_null(actual)) return false;
  std::string required_name = node_string(required, "NamedType");
  if (!required_name.empty()) {
    std::string actual_name = node_string(actual, "NamedType");
    if (required_name == actual_name) return true;
    for (const std::string& t : schema.possible_types(required_name)) {
      if (t == actual_name) return true;
    }
    return false;
  }
  const Value* required_elem = required.find("Elem");
  const Value* actual_elem = actual.find("Elem");
  if (required_elem == nullptr || actual_elem == nullptr || !actual_elem->is_object()) return false;
  return is_covariant(schema, *required_elem, *actual_elem);
}

const Value* find_named(const std::vector<Value>& nodes, std::string_view name) {
  for (const Value& n : nodes) {
    if (node_string(n, "Name") == name) return &n;
  }
  return nullptr;
}

void validate_implements(const Schema& schema, const TypeDefinition& def, const std::string& interface_name) {
  const TypeDefinition* intf = schema.type(interface_name);
  if (intf == nullptr) fail_at(def.node, "Undefined type " + quote(interface_name) + ".");
  if (intf->kind != "INTERFACE") fail_at(def.node, quote(interface_name) + " is a non interface type " + intf->kind + ".");
  for (const std::string& inherited : intf->interfaces) {
    if (std::find(def.interfaces.begin(), def.interfaces.end(), inherited) == def.interfaces.end()) {
      fail_at(def.node, def.name + " must implement " + inherited + " because it is implemented by " + intf->name + ".");
    }
  }
  for (const Value& required_field : intf->fields) {
    std::string field_name = node_string(required_field, "Name");
    const Value* found = find_named(def.fields, field_name);
    if (found == nullptr) {
      fail_at(def.node, "For " + def.name + " to implement " + intf->name + " it must have a field called " +
                            field_name + ".");
    }
    if (!is_covariant(schema, required_field["Type"], (*found)["Type"])) {
      fail_at(*found, "For " + def.name + " to implement " + intf->name + " the field " + field_name +
                          " must have type " + type_string(required_field["Type"]) + ".");
    }
    std::vector<Value> required_args = node_list(required_field, "Arguments");
    std::vector<Value> found_args = node_list(*found, "Arguments");
    for (const Value& required_arg : required_args) {
      std::string arg_name = node_string(required_arg, "Name");
      const Value* found_arg = find_named(found_args, arg_name);
      if (found_arg == nullptr) {
        fail_at(*found, "For " + def.name + " to implement " + intf->name + " the field " + field_name +
                            " must have the same arguments but it is missing " + arg_name + ".");
      }
      if (type_string(required_arg["Type"]) != type_string((*found_arg)["Type"])) {
        fail_at(*found_arg, "For " + def.name + " to implement " + intf->name + " the field " + field_name +
                                " must have the same arguments but " + arg_name + " has the wrong type.");
      }
    }
    for (const Value& found_arg : found_args) {
      if (find_named(required_args, node_string(found_arg, "Name")) == nullptr && non_null(found_arg["Type"]) &&
          found_arg.find("DefaultValue") == nullptr) {
        fail_at(found_arg, "For " + def.name + " to implement " + intf->name + " any additional arguments on " +
                               field_name + " must be optional or have a default value but " +
                               node_string(found_arg, "Name") + " is required.");
      }
    }
  }
}

void validate_definition(const Schema& schema, const TypeDefinition& def) {
  for (const Value& field : def.fields) {
    validate_name(field, node_string(field, "Name"));
    validate_type_ref(schema, field["Type"]);
    validate_args(schema, node_list(field, "Arguments"), nullptr);
    validate_directives(schema, node_list(field, "Directives"), "FIELD_DEFINITION", nullptr);
  }
  for (const std::string& member : def.types) {
    const TypeDefinition* t = schema.type(member);
    if (t == nullptr) fail_at(def.node, "Undefined type " + quote(member) + ".");
    if (t->kind != "OBJECT") fail_at(def.node, def.kind + " type " + quote(member) + " must be OBJECT.");
  }
  for (const std::string& intf : def.interfaces) validate_implements(schema, def, intf);

  auto check_field_kinds = [&](std::initializer_list<std::string_view> allowed, const char* allowed_text) {
    for (const Value& field : def.fields) {
      const TypeDefinition* t = schema.type(named_type_of(field["Type"]));
      if (t == nullptr) continue;
      if (std::find(allowed.begin(), allowed.end(), t->kind) == allowed.end()) {
        fail_at(field, def.kind + " field must be one of " + allowed_text + ".");
      }
    }
  };
  if (def.kind == "OBJECT" || def.kind == "INTERFACE") {
    if (def.fields.empty()) fail_at(def.node, def.kind + " must define one or more fields.");
    check_field_kinds({"SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM"}, "SCALAR, OBJECT, INTERFACE, UNION, ENUM");
  } else if (def.kind == "ENUM") {
    if (def.enum_values.empty()) fail_at(def.node, def.kind + " must define one or more unique enum values.");
  } else if (def.kind == "INPUT_OBJECT") {
    if (def.fields.empty()) fail_at(def.node, def.kind + " must define one or more input fields.");
    check_field_kinds({"SCALAR", "ENUM", "INPUT_OBJECT"}, "SCALAR, ENUM, INPUT_OBJECT");
  }
  for (size_t i = 0; i < def.fields.size(); ++i) {
    for (size_t j = i + 1; j < def.fields.size(); ++j) {
      if (node_string(def.fields[i], "Name") == node_string(def.fields[j], "Name")) {
        fail_at(def.fields[j], "Field " + def.name + "." + node_string(def.fields[j], "Name") +
                                   " can only be defined once.");
      }
    }
  }
  if (!def.builtin) validate_name(def.node, def.name);
  validate_directives(schema, def.directives, def.kind, nullptr);
}

void set_root(Schema& schema, const Value& entrypoint) {
  std::string operation = node_string(entrypoint, "Operation");
  std::string type = node_string(entrypoint, "Type");
  if (schema.type(type) == nullptr) {
    fail_at(entrypoint, "Schema root " + operation + " refers to a type " + type + " that does not exist.");
  }
  if (operation == "query") schema.query = type;
  else if (operation == "mutation") schema.mutation = type;
  else if (operation == "subscription") schema.subscription = type;
}

}  // namespace

std::vector<Value> node_list(const Value& node, std::string_view key) {
  const Value* v = node.find(key);
  if (v == nullptr || !v->is_array()) return {};
  return v->items();
}

std::string node_string(const Value& node, std::string_view key) {
  const Value* v = node.find(key);
  if (v == nullptr || !v->is_string()) return "";
  return v->as_string();
}

std::string named_type_of(const Value& type) {
  const Value* elem = type.find("Elem");
  if (elem != nullptr && elem->is_object()) return named_type_of(*elem);
  return node_string(type, "NamedType");
}

const Value* TypeDefinition::field(std::string_view field_name) const { return find_named(fields, field_name); }

const TypeDefinition* Schema::type(std::string_view name) const {
  auto it = types.find(name);
  return it == types.end() ? nullptr : &it->second;
}

std::vector<std::string> Schema::possible_types(std::string_view name) const {
  std::vector<std::string> out;
  const TypeDefinition* t = type(name);
  if (t == nullptr) return out;
  if (t->kind == "OBJECT") {
    out.push_back(t->name);
  } else if (t->kind == "UNION") {
    out = t->types;
  } else if (t->kind == "INTERFACE") {
    for (const auto& [other_name, other] : types) {
      if (other.kind == "OBJECT" &&
          std::find(other.interfaces.begin(), other.interfaces.end(), t->name) != other.interfaces.end()) {
        out.push_back(other_name);
      }
    }
  }
  return out;
}

Schema load_schema(const Value& document) {
  static const Value prelude = parse_schema_document(kPrelude);
  Schema schema;
  for (const Value& def : node_list(prelude, "Definitions")) add_definition(schema, def, true);
  for (const Value& def : node_list(document, "Definitions")) add_definition(schema, def, false);

  for (const Value& ext : node_list(document, "Extensions")) {
    std::string name = node_string(ext, "Name");
    std::string kind = node_string(ext, "Kind");
    auto it = schema.types.find(name);
    if (it == schema.types.end()) {
      TypeDefinition t;
      t.kind = kind;
      t.name = name;
      t.node = ext;
      it = schema.types.emplace(name, std::move(t)).first;
    }
    TypeDefinition& def = it->second;
    if (def.kind != kind) {
      fail_at(ext, "Cannot extend type " + name + " because the base type is a " + def.kind + ", not " + kind + ".");
    }
    append(def.directives, node_list(ext, "Directives"));
    for (const Value& i : node_list(ext, "Interfaces")) {
      if (i.is_string()) def.interfaces.push_back(i.as_string());
    }
    append(def.fields, node_list(ext, "Fields"));
    for (const Value& m : node_list(ext, "Types")) {
      if (m.is_string()) def.types.push_back(m.as_string());
    }
    append(def.enum_values, node_list(ext, "EnumValues"));
  }

  auto add_directives = [&](const Value& doc) {
    for (const Value& dir : node_list(doc, "Directives")) {
      std::string name = node_string(dir, "Name");
      if (schema.directives.count(name) != 0) fail_at(dir, "Cannot redeclare directive " + name + ".");
      schema.directives.emplace(name, dir);
    }
  };
  add_directives(prelude);
  add_directives(document);

  std::vector<Value> schema_defs = node_list(document, "Schema");
  if (schema_defs.size() > 1) {
    fail_at(schema_defs[1], "Cannot have multiple schema entry points, consider schema extensions instead.");
  }
  for (const Value& def : schema_defs) {
    for (const Value& entrypoint : node_list(def, "OperationTypes")) set_root(schema, entrypoint);
  }
  for (const Value& ext : node_list(document, "SchemaExtension")) {
    for (const Value& entrypoint : node_list(ext, "OperationTypes")) set_root(schema, entrypoint);
  }

  for (const auto& [name, def] : schema.types) validate_definition(schema, def);
  for (const auto& [name, dir] : schema.directives) {
    validate_name(dir, name);
    validate_args(schema, node_list(dir, "Arguments"), &name);
  }
  for (const Value& def : schema_defs) validate_directives(schema, node_list(def, "Directives"), "SCHEMA", nullptr);
  for (const Value& ext : node_list(document, "SchemaExtension")) {
    validate_directives(schema, node_list(ext, "Directives"), "SCHEMA", nullptr);
  }

  if (schema.query.empty() && schema.type("Query") != nullptr) schema.query = "Query";
  if (schema.mutation.empty() && schema.type("Mutation") != nullptr) schema.mutation = "Mutation";
  if (schema.subscription.empty() && schema.type("Subscription") != nullptr) schema.subscription = "Subscription";
  return schema;
}

}  // namespace tollgate::rego::graphql
