#include "rules/cel/cel_types.h"

#include <array>

#include "rules/cel/equality.h"
#include "rules/cel/time_util.h"

namespace tollgate::cel {

Result no_such_overload(std::string_view function) {
  return make_error("no such overload: " + std::string(function));
}

bool DurationValue::equals(const OpaqueValue& other) const {
  return nanos_ == static_cast<const DurationValue&>(other).nanos_;
}
int DurationValue::compare(const OpaqueValue& other) const {
  const int64_t o = static_cast<const DurationValue&>(other).nanos_;
  return nanos_ < o ? -1 : (nanos_ > o ? 1 : 0);
}
std::string DurationValue::debug_string() const { return format_duration(nanos_); }

bool TimestampValue::equals(const OpaqueValue& other) const { return compare(other) == 0; }
int TimestampValue::compare(const OpaqueValue& other) const {
  const auto& o = static_cast<const TimestampValue&>(other);
  if (seconds_ != o.seconds_) return seconds_ < o.seconds_ ? -1 : 1;
  if (nanos_ != o.nanos_) return nanos_ < o.nanos_ ? -1 : 1;
  return 0;
}
std::string TimestampValue::debug_string() const { return format_rfc3339(seconds_, nanos_, offset_); }

bool TypeValue::equals(const OpaqueValue& other) const {
  return name_ == static_cast<const TypeValue&>(other).name_;
}
int TypeValue::compare(const OpaqueValue& other) const {
  const int c = name_.compare(static_cast<const TypeValue&>(other).name_);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool OptionalValue::equals(const OpaqueValue& other) const {
  const auto& o = static_cast<const OptionalValue&>(other);
  if (has_value_ != o.has_value_) return false;
  return !has_value_ || cel_equals(value_, o.value_);
}
std::string OptionalValue::debug_string() const {
  return has_value_ ? "optional.of(" + std::string(value::kind_name(value_.kind())) + ")" : "optional.none()";
}

Value make_type(std::string_view name) {
  static const std::array<Value, 14> builtin = {
      Value::make_opaque<TypeValue>("int"),       Value::make_opaque<TypeValue>("uint"),
      Value::make_opaque<TypeValue>("double"),    Value::make_opaque<TypeValue>("bool"),
      Value::make_opaque<TypeValue>("string"),    Value::make_opaque<TypeValue>("bytes"),
      Value::make_opaque<TypeValue>("list"),      Value::make_opaque<TypeValue>("map"),
      Value::make_opaque<TypeValue>("null_type"), Value::make_opaque<TypeValue>("type"),
      Value::make_opaque<TypeValue>("google.protobuf.Duration"),
      Value::make_opaque<TypeValue>("google.protobuf.Timestamp"),
      Value::make_opaque<TypeValue>("optional_type"), Value::make_opaque<TypeValue>("dyn"),
  };
  for (const auto& v : builtin)
    if (as_type(v)->name() == name) return v;
  return Value::make_opaque<TypeValue>(std::string(name));
}

Value optional_none() {
  static const Value none = Value::make_opaque<OptionalValue>();
  return none;
}

std::string_view runtime_type_name(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return "null_type";
    case value::Kind::Bool: return "bool";
    case value::Kind::Int: return "int";
    case value::Kind::Uint: return "uint";
    case value::Kind::Double:
    case value::Kind::BigNum: return "double";
    case value::Kind::String: return "string";
    case value::Kind::Bytes: return "bytes";
    case value::Kind::Array:
    case value::Kind::Set: return "list";
    case value::Kind::Object: return "map";
    case value::Kind::Opaque: return v.as_opaque().type_name();
  }
  return "dyn";
}

}  // namespace tollgate::cel
