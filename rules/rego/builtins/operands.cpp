#include "rules/rego/builtins/operands.h"

#include "rules/rego/number.h"

namespace tollgate::rego {

using value::Kind;

const char* rego_type_name(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return "null";
    case Kind::Bool: return "boolean";
    case Kind::Int:
    case Kind::Uint:
    case Kind::Double:
    case Kind::BigNum: return "number";
    case Kind::String: return "string";
    case Kind::Array: return "array";
    case Kind::Object: return "object";
    case Kind::Set: return "set";
    case Kind::Bytes: return "bytes";
    case Kind::Opaque: return "opaque";
  }
  return "unknown";
}

void throw_operand_error(int pos, std::string_view message) {
  std::string text = "operand " + std::to_string(pos) + " ";
  text += message;
  throw BuiltinError(BuiltinError::Code::Type, std::move(text));
}

void throw_operand_type_error(int pos, const Value& got, std::initializer_list<std::string_view> expected) {
  std::string message;
  if (expected.size() == 1) {
    message = "must be ";
    message += *expected.begin();
  } else {
    message = "must be one of {";
    bool first = true;
    for (std::string_view e : expected) {
      if (!first) message += ", ";
      message += e;
      first = false;
    }
    message += "}";
  }
  message += " but got ";
  message += rego_type_name(got);
  throw_operand_error(pos, message);
}

void throw_operand_element_error(int pos, const Value& composite, const Value& element, std::string_view expected) {
  std::string type = rego_type_name(composite);
  std::string message = "must be " + type + " of " + std::string(expected) + "s but got " + type + " containing " +
                        rego_type_name(element);
  throw_operand_error(pos, message);
}

void throw_builtin_error(std::string message) {
  throw BuiltinError(BuiltinError::Code::Builtin, std::move(message));
}

const std::string& string_operand(std::span<const Value> args, int pos) {
  const Value& v = args[static_cast<size_t>(pos - 1)];
  if (!v.is_string()) throw_operand_type_error(pos, v, {"string"});
  return v.as_string();
}

const Value& number_operand(std::span<const Value> args, int pos) {
  const Value& v = args[static_cast<size_t>(pos - 1)];
  if (!v.is_number()) throw_operand_type_error(pos, v, {"number"});
  return v;
}

bool integral_int64(const Value& number, int64_t* out) {
  if (number.is_int()) {
    *out = number.as_int();
    return true;
  }
  Value canonical = canonical_number(number);
  if (!canonical.is_int()) return false;
  *out = canonical.as_int();
  return true;
}

int64_t int_operand(std::span<const Value> args, int pos) {
  const Value& v = number_operand(args, pos);
  int64_t out = 0;
  // OPA's IntOperand is json.Number.Int64: number text 1.0 or 1e2 is not an
  // integer there even though its value is.
  if (!integer_text(v) || !integral_int64(v, &out))
    throw_operand_error(pos, "must be integer number but got floating-point number");
  return out;
}

namespace {
const Value& typed_operand(std::span<const Value> args, int pos, Kind kind, const char* name) {
  const Value& v = args[static_cast<size_t>(pos - 1)];
  if (v.kind() != kind) throw_operand_type_error(pos, v, {name});
  return v;
}
}  // namespace

const Value& object_operand(std::span<const Value> args, int pos) {
  return typed_operand(args, pos, Kind::Object, "object");
}
const Value& array_operand(std::span<const Value> args, int pos) {
  return typed_operand(args, pos, Kind::Array, "array");
}
const Value& set_operand(std::span<const Value> args, int pos) { return typed_operand(args, pos, Kind::Set, "set"); }

std::vector<std::string_view> string_items_operand(const Value& v, int pos) {
  if (!v.is_array() && !v.is_set()) throw_operand_type_error(pos, v, {"array", "set"});
  std::vector<std::string_view> out;
  out.reserve(v.items().size());
  for (const Value& item : v.items()) {
    if (!item.is_string()) throw_operand_element_error(pos, v, item, "string");
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace tollgate::rego
