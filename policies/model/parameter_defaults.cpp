#include "policies/model/parameter_defaults.h"

#include <optional>
#include <utility>
#include <vector>

namespace tollgate::policies {

using value::Value;

namespace {

// A sub-schema (`properties`, `items`, `additionalProperties`) when it is a
// schema object; `additionalProperties: true|false` and tuple `items` are not.
const Value* schema_at(const Value& schema, std::string_view key) {
  const Value* s = schema.find(key);
  return s != nullptr && s->is_object() ? s : nullptr;
}

bool nullable(const Value& schema) {
  const Value& n = schema["nullable"];
  return n.is_bool() && n.as_bool();
}

// Kubernetes' isNonNullableNull.
bool non_nullable_null(const Value& x, const Value* schema) {
  return x.is_null() && schema != nullptr && !nullable(*schema);
}

// `default: null` is no default.
const Value* non_null_default(const Value& schema) {
  const Value* d = schema.find("default");
  return d != nullptr && !d->is_null() ? d : nullptr;
}

Value default_or_null(const Value& schema) {
  const Value* d = schema.find("default");
  return d != nullptr ? *d : Value::null();
}

// The defaulted value, or nullopt when nothing changed.
std::optional<Value> defaulted(const Value& x, const Value& schema);

std::optional<Value> defaulted_object(const Value& x, const Value& schema) {
  const Value* properties = schema_at(schema, "properties");
  const Value* additional = schema_at(schema, "additionalProperties");
  if (properties == nullptr && additional == nullptr) return std::nullopt;

  std::vector<Value::Entry> entries = x.entries();
  bool changed = false;
  if (properties != nullptr) {
    for (const auto& [key, property] : properties->entries()) {
      if (!property.is_object()) continue;
      const Value* d = non_null_default(property);
      if (d == nullptr) continue;
      const Value* current = x.find(key);
      if (current == nullptr) {
        entries.emplace_back(key, *d);
        changed = true;
      } else if (non_nullable_null(*current, &property)) {
        for (auto& entry : entries) {
          if (entry.first == key) entry.second = *d;
        }
        changed = true;
      }
    }
  }

  for (auto& [key, item] : entries) {
    const Value* property = properties != nullptr ? properties->find(key) : nullptr;
    const Value* item_schema = nullptr;
    if (property != nullptr) {
      item_schema = property->is_object() ? property : nullptr;
    } else if (additional != nullptr) {
      item_schema = additional;
      if (non_nullable_null(item, additional)) {
        Value d = default_or_null(*additional);
        if (!d.is_null()) {
          item = std::move(d);
          changed = true;
        }
      }
    }
    if (item_schema == nullptr) continue;
    if (std::optional<Value> inner = defaulted(item, *item_schema)) {
      item = std::move(*inner);
      changed = true;
    }
  }
  if (!changed) return std::nullopt;
  return Value::object(std::move(entries));
}

std::optional<Value> defaulted_array(const Value& x, const Value& schema) {
  const Value* items = schema_at(schema, "items");
  if (items == nullptr) return std::nullopt;
  std::vector<Value> out;
  bool changed = false;
  const std::vector<Value>& elements = x.items();
  for (size_t i = 0; i < elements.size(); ++i) {
    Value element = elements[i];
    bool element_changed = false;
    if (non_nullable_null(element, items)) {
      Value d = default_or_null(*items);
      if (!d.is_null()) {
        element = std::move(d);
        element_changed = true;
      }
    }
    if (std::optional<Value> inner = defaulted(element, *items)) {
      element = std::move(*inner);
      element_changed = true;
    }
    if (element_changed && !changed) {
      out.assign(elements.begin(), elements.begin() + static_cast<std::ptrdiff_t>(i));
      changed = true;
    }
    if (changed) out.push_back(std::move(element));
  }
  if (!changed) return std::nullopt;
  return Value::array(std::move(out));
}

std::optional<Value> defaulted(const Value& x, const Value& schema) {
  if (!schema.is_object()) return std::nullopt;
  if (x.is_object()) return defaulted_object(x, schema);
  if (x.is_array()) return defaulted_array(x, schema);
  return std::nullopt;
}

// The part of the generated constraint CRD schema that carries defaults
// (metadata, match and status have none).
Value constraint_schema(const Value& parameters_schema) {
  value::ObjectBuilder spec_properties;
  spec_properties.add("enforcementAction", value::ObjectBuilder()
                                                .add("type", Value::string("string"))
                                                .add("default", Value::string("deny"))
                                                .build());
  if (parameters_schema.is_object()) spec_properties.add("parameters", parameters_schema);
  Value spec = value::ObjectBuilder()
                   .add("type", Value::string("object"))
                   .add("properties", spec_properties.build())
                   .build();
  return value::ObjectBuilder()
      .add("type", Value::string("object"))
      .add("properties", value::ObjectBuilder().add("spec", std::move(spec)).build())
      .build();
}

}  // namespace

Value apply_schema_defaults(const Value& x, const Value& schema) {
  std::optional<Value> out = defaulted(x, schema);
  return out ? std::move(*out) : x;
}

Value default_constraint(const Value& constraint, const Value& parameters_schema) {
  if (!constraint["spec"].is_object()) return constraint;
  return apply_schema_defaults(constraint, constraint_schema(parameters_schema));
}

}  // namespace tollgate::policies
