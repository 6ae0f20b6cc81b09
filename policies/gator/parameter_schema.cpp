#include "policies/gator/parameter_schema.h"

#include <re2/re2.h>

#include <cmath>

#include "rules/value/json.h"

namespace tollgate::policies::gator {
namespace {

std::string type_of(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return "null";
    case value::Kind::Bool: return "boolean";
    case value::Kind::Int:
    case value::Kind::Uint: return "integer";
    case value::Kind::Double:
    case value::Kind::BigNum: return "number";
    case value::Kind::String: return "string";
    case value::Kind::Array:
    case value::Kind::Set: return "array";
    case value::Kind::Object: return "object";
    default: return "unknown";
  }
}

bool is_integral(const Value& v) {
  if (v.is_int() || v.is_uint()) return true;
  if (v.is_double()) return std::isfinite(v.as_double()) && std::floor(v.as_double()) == v.as_double();
  return false;
}

bool has_type(const Value& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return is_integral(v);
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  return true;  // unknown or empty type: no constraint
}

bool flag(const Value& schema, std::string_view key) {
  const Value* v = schema.find(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

class Validator {
 public:
  std::vector<std::string> errors;

  void validate(const Value& schema, const Value& v, const std::string& path) {
    if (!schema.is_object()) return;
    if (v.is_null()) {
      // Kubernetes prunes nulls of non-nullable fields before validating.
      return;
    }
    if (flag(schema, "x-kubernetes-int-or-string")) {
      if (!is_integral(v) && !v.is_string()) invalid(path, v, "must be an integer or a string");
    } else if (const Value* type = schema.find("type"); type != nullptr && type->is_string()) {
      if (!has_type(v, type->as_string())) {
        invalid(path, Value::string(type_of(v)), "must be of type " + type->as_string());
        return;
      }
    }
    check_enum(schema, v, path);
    check_bounds(schema, v, path);
    if (v.is_object()) check_object(schema, v, path);
    if (v.is_array()) check_array(schema, v, path);
    check_combinators(schema, v, path);
  }

 private:
  void invalid(const std::string& path, const Value& v, const std::string& message) {
    errors.push_back(path + ": Invalid value: " + value::to_json(v) + ": " + message);
  }

  void check_enum(const Value& schema, const Value& v, const std::string& path) {
    const Value* options = schema.find("enum");
    if (options == nullptr || !options->is_array()) return;
    for (const Value& option : options->items()) {
      if (option == v) return;
    }
    std::string allowed;
    for (const Value& option : options->items()) {
      if (!allowed.empty()) allowed += ", ";
      allowed += value::to_json(option);
    }
    errors.push_back(path + ": Unsupported value: " + value::to_json(v) + ": supported values: " + allowed);
  }

  void check_bounds(const Value& schema, const Value& v, const std::string& path) {
    auto number = [&](std::string_view key, double* out) {
      const Value* n = schema.find(key);
      if (n == nullptr || !n->is_number()) return false;
      *out = n->to_double();
      return true;
    };
    double bound = 0;
    if (v.is_number()) {
      double d = v.to_double();
      bool exclusive_min = flag(schema, "exclusiveMinimum");
      bool exclusive_max = flag(schema, "exclusiveMaximum");
      if (number("minimum", &bound) && (exclusive_min ? d <= bound : d < bound)) {
        invalid(path, v, std::string("should be greater than ") + (exclusive_min ? "" : "or equal to ") +
                             value::to_json(*schema.find("minimum")));
      }
      if (number("maximum", &bound) && (exclusive_max ? d >= bound : d > bound)) {
        invalid(path, v, std::string("should be less than ") + (exclusive_max ? "" : "or equal to ") +
                             value::to_json(*schema.find("maximum")));
      }
    }
    if (v.is_string()) {
      size_t length = utf8_length(v.as_string());
      if (number("minLength", &bound) && length < bound) invalid(path, v, "should be at least " + fmt(bound) + " chars long");
      if (number("maxLength", &bound) && length > bound) invalid(path, v, "may not be longer than " + fmt(bound));
      const Value* pattern = schema.find("pattern");
      if (pattern != nullptr && pattern->is_string()) {
        RE2::Options options;
        options.set_log_errors(false);
        RE2 re(pattern->as_string(), options);
        // A pattern RE2 cannot compile (ECMA-only syntax) is not enforced.
        if (re.ok() && !RE2::PartialMatch(v.as_string(), re)) {
          invalid(path, v, "should match '" + pattern->as_string() + "'");
        }
      }
    }
    if (v.is_array()) {
      if (number("minItems", &bound) && v.size() < bound) invalid(path, Value::integer(static_cast<int64_t>(v.size())), "should have at least " + fmt(bound) + " items");
      if (number("maxItems", &bound) && v.size() > bound) errors.push_back(path + ": Too many: " + std::to_string(v.size()) + ": must have at most " + fmt(bound) + " items");
      if (flag(schema, "uniqueItems")) {
        const auto& items = v.items();
        for (size_t i = 0; i < items.size(); ++i) {
          for (size_t j = i + 1; j < items.size(); ++j) {
            if (items[i] == items[j]) {
              errors.push_back(path + "[" + std::to_string(j) + "]: Duplicate value: " + value::to_json(items[j]));
            }
          }
        }
      }
    }
    if (v.is_object()) {
      if (number("minProperties", &bound) && v.size() < bound) invalid(path, v, "should have at least " + fmt(bound) + " properties");
      if (number("maxProperties", &bound) && v.size() > bound) invalid(path, v, "should have at most " + fmt(bound) + " properties");
    }
  }

  void check_object(const Value& schema, const Value& v, const std::string& path) {
    if (const Value* required = schema.find("required"); required != nullptr && required->is_array()) {
      for (const Value& key : required->items()) {
        if (key.is_string() && v.find(key.as_string()) == nullptr) {
          errors.push_back(path + "." + key.as_string() + ": Required value");
        }
      }
    }
    const Value* properties = schema.find("properties");
    const Value* additional = schema.find("additionalProperties");
    for (const auto& [key, field] : v.entries()) {
      std::string name = key.is_string() ? key.as_string() : value::to_json(key);
      std::string field_path = path + "." + name;
      const Value* property = properties != nullptr ? properties->find(key) : nullptr;
      if (property != nullptr) {
        validate(*property, field, field_path);
      } else if (additional != nullptr && additional->is_object()) {
        validate(*additional, field, field_path);
      } else if (additional != nullptr && additional->is_bool() && !additional->as_bool() &&
                 !flag(schema, "x-kubernetes-preserve-unknown-fields")) {
        errors.push_back(field_path + ": Forbidden: field not declared in schema");
      }
      // Otherwise the field is unknown and Kubernetes prunes it.
    }
  }

  void check_array(const Value& schema, const Value& v, const std::string& path) {
    const Value* items = schema.find("items");
    if (items == nullptr || !items->is_object()) return;
    for (size_t i = 0; i < v.size(); ++i) validate(*items, *v.at(i), path + "[" + std::to_string(i) + "]");
  }

  void check_combinators(const Value& schema, const Value& v, const std::string& path) {
    auto count_valid = [&](const Value& list) {
      size_t valid = 0;
      for (const Value& sub : list.items()) {
        Validator probe;
        probe.validate(sub, v, path);
        if (probe.errors.empty()) ++valid;
      }
      return valid;
    };
    if (const Value* all = schema.find("allOf"); all != nullptr && all->is_array()) {
      for (const Value& sub : all->items()) validate(sub, v, path);
    }
    if (const Value* any = schema.find("anyOf"); any != nullptr && any->is_array() && !any->items().empty() &&
                                                 count_valid(*any) == 0) {
      invalid(path, v, "must validate at least one schema (anyOf)");
    }
    if (const Value* one = schema.find("oneOf"); one != nullptr && one->is_array() && !one->items().empty() &&
                                                 count_valid(*one) != 1) {
      invalid(path, v, "must validate one and only one schema (oneOf)");
    }
    if (const Value* negated = schema.find("not"); negated != nullptr && negated->is_object()) {
      Validator probe;
      probe.validate(*negated, v, path);
      if (probe.errors.empty()) invalid(path, v, "must not validate the schema (not)");
    }
  }

  static size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }
  static std::string fmt(double d) { return value::to_json(Value::number(d)); }
};

}  // namespace

std::vector<std::string> validate_against_schema(const Value& schema, const Value& value, const std::string& path) {
  Validator validator;
  validator.validate(schema, value, path);
  return validator.errors;
}

std::vector<std::string> validate_constraint_parameters(const Value& constraint_template, const Value& constraint) {
  const Value* schema =
      constraint_template.path({"spec", "crd", "spec", "validation", "openAPIV3Schema"});
  const Value* parameters = constraint.path({"spec", "parameters"});
  if (schema == nullptr || parameters == nullptr) return {};
  return validate_against_schema(*schema, *parameters, "spec.parameters");
}

}  // namespace tollgate::policies::gator
