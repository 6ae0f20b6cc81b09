// Struct literals (`TypeName{field: value}`) for environments that declare
// struct types: a StructTypeProvider tells the planner which type names
// exist and what their fields' static types are, and builds the runtime
// value. MutatingAdmissionPolicy's `Object{...}` and `JSONPatch{...}`
// (rules/cel/k8s/mutation_library.h) are the users; the default environments
// declare none, so `Foo{}` stays an undeclared reference there.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/cel/cel_types.h"
#include "rules/cel/static_type.h"
#include "rules/cel/step.h"

namespace tollgate::cel {

// A value of a declared struct type: its type name (what `type(v)` reports)
// and its fields as a map from field name to value.
class StructValue final : public value::OpaqueValue {
 public:
  // `zero_string_fields`: fields that read as "" when unset and count as set
  // only when non-empty (JSONPatch's op, path and from).
  StructValue(std::string type_name, Value fields, const std::vector<std::string>* zero_string_fields = nullptr)
      : type_name_(std::move(type_name)), fields_(std::move(fields)), zero_string_fields_(zero_string_fields) {}

  std::string_view type_name() const override { return type_name_; }
  // An object value: field name -> value, only the fields that were set.
  const Value& fields() const { return fields_; }
  // The field's value, or nullptr when it is not set.
  const Value* field(std::string_view name) const;
  // What has(v.name) answers.
  bool is_set(std::string_view name) const;

  bool equals(const OpaqueValue& other) const override;
  std::string debug_string() const override;

 private:
  std::string type_name_;
  Value fields_;
  const std::vector<std::string>* zero_string_fields_;
};

inline const StructValue* as_struct(const Value& v) { return v.opaque_as<StructValue>(); }

class StructTypeProvider {
 public:
  virtual ~StructTypeProvider() = default;
  // Whether `name{...}` names a declared struct type.
  virtual bool has_type(std::string_view name) const = 0;
  // The static type of field `field` of type `type`; nullopt when the type
  // has no such field (a compile error).
  virtual std::optional<CelType> field_type(std::string_view type, std::string_view field) const = 0;
  // Builds the value from the evaluated fields (an object value); an error
  // Result when a runtime check refuses them.
  virtual Result make(const std::string& type, Value fields) const = 0;
};

struct StructFieldStep {
  std::string name;
  StepPtr value;
  bool optional = false;  // `?name: opt`: set only when the optional has a value
};

StepPtr make_struct_step(const StructTypeProvider* provider, std::string type_name,
                         std::vector<StructFieldStep> fields);

}  // namespace tollgate::cel
