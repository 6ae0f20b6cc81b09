#include "policies/mutation/assign_field.h"

namespace tollgate::policies::mutation {

using value::Value;

namespace {

const Value* present(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

}  // namespace

std::optional<AssignField> AssignField::parse(const Value& object, const std::string& who, ParseContext& ctx) {
  const char* ptr = "/spec/parameters/assign";
  const Value* assign = object.path({"spec", "parameters", "assign"});
  if (assign != nullptr && !assign->is_null() && !assign->is_object()) {
    ctx.error(ptr, std::string("assign must be an object, got ") + value::kind_name(assign->kind()));
    return std::nullopt;
  }
  const Value& a = assign != nullptr && assign->is_object() ? *assign : Value::empty_object();
  const Value* val = present(a, "value");
  const Value* from = present(a, "fromMetadata");
  const Value* external = present(a, "externalData");
  int set = (val != nullptr) + (from != nullptr) + (external != nullptr);
  if (set == 0) {
    ctx.error(assign != nullptr ? ptr : "/spec",
              who + ": assign must set one of `externalData`, `value` or `fromMetadata`: invalid assign field");
    return std::nullopt;
  }
  if (set > 1) {
    ctx.error(ptr,
              who + ": assign must only set one of `externalData`, `value` or `fromMetadata`: invalid assign field");
    return std::nullopt;
  }
  if (external != nullptr) {
    ctx.error(std::string(ptr) + "/externalData",
              who +
                  ": external data is not supported (spec.parameters.assign.externalData); assign a `value` or "
                  "use `fromMetadata` instead");
    return std::nullopt;
  }
  AssignField out;
  if (val != nullptr) {
    out.value_ = *val;
    return out;
  }
  std::string field_ptr = std::string(ptr) + "/fromMetadata";
  if (!from->is_object()) {
    ctx.error(field_ptr, std::string("fromMetadata must be an object, got ") + value::kind_name(from->kind()));
    return std::nullopt;
  }
  std::string_view field = fields::string_field(*from, "field", field_ptr, ctx);
  if (field == "name") {
    out.source_ = Source::MetadataName;
  } else if (field == "namespace") {
    out.source_ = Source::MetadataNamespace;
  } else {
    ctx.error(
        field_ptr + (from->find("field") != nullptr ? "/field" : ""),
        who + ": field " + std::string(field) + " is not recognized: invalid fromMetadata field (name, namespace)");
    return std::nullopt;
  }
  return out;
}

Value AssignField::resolve(const Value& object) const {
  switch (source_) {
    case Source::Value:
      return value_;
    case Source::MetadataName:
      return Value::string(object["metadata"]["name"].string_or(""));
    case Source::MetadataNamespace:
      return Value::string(object["metadata"]["namespace"].string_or(""));
  }
  return value_;
}

bool AssignSetter::set_value(const Value* existing, std::optional<Value>* out, std::string* error) const {
  *out = value_;
  return true;
}

bool AssignSetter::keyed_list_value(Value* out, std::string* error) const {
  if (!value_.is_object()) {
    *error = "assign.value for keyed list is not an object";
    return false;
  }
  *out = value_;
  return true;
}

}  // namespace tollgate::policies::mutation
