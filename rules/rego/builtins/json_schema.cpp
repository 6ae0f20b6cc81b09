// json.verify_schema and json.match_schema (OPA topdown/jsonschema.go, which
// uses gojsonschema): a JSON Schema subset with gojsonschema's messages.
// Supported keywords: type, properties, required, additionalProperties,
// items (one schema), enum, const, minimum, maximum, minLength, maxLength,
// minItems, maxItems. A schema using another validation keyword is refused
// with an error rather than half-checked; annotations ($schema, title,
// description, default, examples, $id, $comment) are ignored.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/number.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

constexpr std::array<std::string_view, 7> kPrimitiveTypes = {"array", "boolean", "integer", "number",
                                                             "null",  "object",  "string"};
// Validation keywords outside the subset: refused, so that no document
// passes a check that was silently skipped.
constexpr std::array<std::string_view, 21> kUnsupportedKeywords = {
    "$ref",          "allOf",        "anyOf",           "oneOf",           "not",           "if",
    "then",          "else",         "pattern",         "format",          "multipleOf",    "exclusiveMinimum",
    "exclusiveMaximum", "patternProperties", "dependencies", "uniqueItems", "additionalItems", "contains",
    "propertyNames", "minProperties", "maxProperties"};

struct SchemaError {
  std::string message;
};

// A schema or document operand: JSON text or a value (sets as arrays, as ast.JSON does).
Value json_operand(const Value& v, int pos) {
  if (v.is_string()) {
    Value out;
    std::string error;
    if (!go_json_parse(v.as_string(), &out, &error)) throw_builtin_error(std::move(error));
    return out;
  }
  if (v.is_object()) {
    Value out;
    std::string error;
    go_json_parse(go_json_marshal(v), &out, &error);
    return out;
  }
  throw_operand_type_error(pos, v, {"string", "object"});
}

void check_schema(const Value& schema) {
  if (schema.is_bool()) return;
  if (!schema.is_object()) throw SchemaError{"Invalid type. Expected: object, given: " + std::string(rego_type_name(schema))};
  for (std::string_view keyword : kUnsupportedKeywords) {
    if (schema.find(keyword)) throw SchemaError{"unsupported JSON Schema keyword: " + std::string(keyword)};
  }
  if (const Value* type = schema.find("type")) {
    std::vector<Value> names = type->is_array() ? type->items() : std::vector<Value>{*type};
    for (const Value& name : names) {
      if (!name.is_string()) throw SchemaError{"type must be of a string"};
      if (std::find(kPrimitiveTypes.begin(), kPrimitiveTypes.end(), name.as_string()) == kPrimitiveTypes.end())
        throw SchemaError{"has a primitive type that is NOT VALID -- given: /" + name.as_string() +
                          "/ Expected valid values are:[array boolean integer number null object string]"};
    }
  }
  if (const Value* properties = schema.find("properties")) {
    if (!properties->is_object()) throw SchemaError{"properties must be of an object"};
    for (const auto& [key, sub] : properties->entries()) check_schema(sub);
  }
  if (const Value* required = schema.find("required")) {
    if (!required->is_array()) throw SchemaError{"required must be of an array"};
    for (const Value& name : required->items())
      if (!name.is_string()) throw SchemaError{"required items must be string"};
  }
  if (const Value* extra = schema.find("additionalProperties")) check_schema(*extra);
  if (const Value* items = schema.find("items")) {
    if (!items->is_object() && !items->is_bool()) throw SchemaError{"items must be of an object"};
    check_schema(*items);
  }
  if (const Value* values = schema.find("enum"); values && !values->is_array())
    throw SchemaError{"enum must be of an array"};
  for (std::string_view bound : {"minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"}) {
    if (const Value* b = schema.find(bound); b && !b->is_number())
      throw SchemaError{std::string(bound) + " must be of a number"};
  }
}

// gojsonschema's name for a document value's type ("integer" for whole numbers).
std::string json_type(const Value& v) {
  if (v.is_number()) {
    int64_t i;
    return integral_int64(canonical_number(v), &i) ? "integer" : "number";
  }
  return rego_type_name(v);
}

bool has_type(const Value& v, std::string_view type) {
  const std::string actual = json_type(v);
  return actual == type || (type == "number" && actual == "integer");
}

class Validator {
 public:
  std::vector<Value> errors;

  void validate(const Value& schema, const Value& doc, const std::string& field) {
    if (schema.is_bool()) {
      if (!schema.as_bool()) add(field, "false_schema", "False always fails validation");
      return;
    }
    if (const Value* type = schema.find("type")) {
      std::vector<Value> names = type->is_array() ? type->items() : std::vector<Value>{*type};
      bool ok = std::any_of(names.begin(), names.end(), [&](const Value& n) { return has_type(doc, n.as_string()); });
      if (!ok) {
        std::string expected;
        for (const Value& n : names) expected += (expected.empty() ? "" : "/") + n.as_string();
        add(field, "invalid_type", "Invalid type. Expected: " + expected + ", given: " + json_type(doc));
        return;
      }
    }
    if (const Value* values = schema.find("enum")) {
      const auto& items = values->items();
      if (std::find(items.begin(), items.end(), doc) == items.end()) {
        std::string allowed;
        for (const Value& v : items) allowed += (allowed.empty() ? "" : ", ") + go_json_marshal(v);
        add(field, "enum", field + " must be one of the following: " + allowed);
      }
    }
    if (const Value* expected = schema.find("const"); expected && !(*expected == doc))
      add(field, "const", field + " does not match: " + go_json_marshal(*expected));
    if (doc.is_number()) validate_number(schema, doc, field);
    if (doc.is_string()) validate_string(schema, doc, field);
    if (doc.is_array()) validate_array(schema, doc, field);
    if (doc.is_object()) validate_object(schema, doc, field);
  }

 private:
  void add(const std::string& field, std::string_view type, const std::string& desc) {
    errors.push_back(Value::object({{Value::string("desc"), Value::string(desc)},
                                    {Value::string("error"), Value::string(field + ": " + desc)},
                                    {Value::string("field"), Value::string(field)},
                                    {Value::string("type"), Value::string(type)}}));
  }

  static std::string child(const std::string& field, std::string_view key) {
    return field == "(root)" ? std::string(key) : field + "." + std::string(key);
  }

  void validate_number(const Value& schema, const Value& doc, const std::string& field) {
    if (const Value* min = schema.find("minimum"); min && value::compare(doc, *min) < 0)
      add(field, "number_gte", "Must be greater than or equal to " + rego_text(*min));
    if (const Value* max = schema.find("maximum"); max && value::compare(doc, *max) > 0)
      add(field, "number_lte", "Must be less than or equal to " + rego_text(*max));
  }

  void validate_string(const Value& schema, const Value& doc, const std::string& field) {
    size_t length = 0;
    for (unsigned char c : doc.as_string()) length += (c & 0xC0) != 0x80;  // code points
    const Value length_value = Value::integer(static_cast<int64_t>(length));
    if (const Value* min = schema.find("minLength"); min && value::compare(length_value, *min) < 0)
      add(field, "string_gte", "String length must be greater than or equal to " + rego_text(*min));
    if (const Value* max = schema.find("maxLength"); max && value::compare(length_value, *max) > 0)
      add(field, "string_lte", "String length must be less than or equal to " + rego_text(*max));
  }

  void validate_array(const Value& schema, const Value& doc, const std::string& field) {
    const Value count = Value::integer(static_cast<int64_t>(doc.size()));
    if (const Value* min = schema.find("minItems"); min && value::compare(count, *min) < 0)
      add(field, "array_min_items", "Array must have at least " + rego_text(*min) + " items");
    if (const Value* max = schema.find("maxItems"); max && value::compare(count, *max) > 0)
      add(field, "array_max_items", "Array must have at most " + rego_text(*max) + " items");
    if (const Value* items = schema.find("items")) {
      for (size_t i = 0; i < doc.size(); ++i) validate(*items, doc.items()[i], child(field, std::to_string(i)));
    }
  }

  void validate_object(const Value& schema, const Value& doc, const std::string& field) {
    if (const Value* required = schema.find("required")) {
      for (const Value& name : required->items()) {
        if (!doc.find(name.as_string())) add(field, "required", name.as_string() + " is required");
      }
    }
    const Value* properties = schema.find("properties");
    const Value* extra = schema.find("additionalProperties");
    for (const auto& [key, value] : doc.entries()) {
      const std::string name = key.is_string() ? key.as_string() : rego_text(key);
      const Value* sub = properties ? properties->find(name) : nullptr;
      if (sub) validate(*sub, value, child(field, name));
      else if (extra && extra->is_bool() && !extra->as_bool())
        add(field, "additional_property_not_allowed", "Additional property " + name + " is not allowed");
      else if (extra && extra->is_object()) validate(*extra, value, child(field, name));
    }
  }
};

Result verify_schema(Args args, BuiltinContext&) {
  const Value schema = json_operand(args[0], 1);
  try {
    check_schema(schema);
  } catch (const SchemaError& e) {
    return Value::array({Value::boolean(false), Value::string("jsonschema: " + e.message)});
  }
  return Value::array({Value::boolean(true), Value::null()});
}

Result match_schema(Args args, BuiltinContext&) {
  const Value document = json_operand(args[0], 1);
  const Value schema = json_operand(args[1], 2);
  try {
    check_schema(schema);
  } catch (const SchemaError& e) {
    throw_builtin_error(e.message);
  }
  Validator validator;
  validator.validate(schema, document, "(root)");
  const bool ok = validator.errors.empty();
  return Value::array({Value::boolean(ok), Value::array(std::move(validator.errors))});
}

}  // namespace

void register_json_schema_builtins(BuiltinRegistry& r) {
  r.add({.name = "json.verify_schema", .arity = 1, .function = verify_schema});
  r.add({.name = "json.match_schema", .arity = 2, .function = match_schema});
}

}  // namespace tollgate::rego
