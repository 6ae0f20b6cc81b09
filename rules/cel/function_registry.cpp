#include "rules/cel/function_registry.h"

#include <algorithm>

namespace tollgate::cel {

void FunctionRegistry::add(Overload overload) {
  auto& list = functions_[overload.function];
  list.push_back(std::move(overload));
}

void FunctionRegistry::add_global(std::string function, std::string id, std::vector<CelType> args, CelType result,
                                  FunctionImpl impl, CostFunction cost) {
  add({.function = std::move(function), .id = std::move(id), .style = CallStyle::Global, .args = std::move(args),
       .result = std::move(result), .impl = impl, .cost = cost});
}

void FunctionRegistry::add_member(std::string function, std::string id, std::vector<CelType> args, CelType result,
                                  FunctionImpl impl, CostFunction cost) {
  add({.function = std::move(function), .id = std::move(id), .style = CallStyle::Receiver, .args = std::move(args),
       .result = std::move(result), .impl = impl, .cost = cost});
}

void FunctionRegistry::add_type(std::string name) {
  if (!has_type(name)) types_.push_back(std::move(name));
}

const std::vector<Overload>* FunctionRegistry::find(std::string_view function) const {
  auto it = functions_.find(function);
  return it == functions_.end() ? nullptr : &it->second;
}

bool FunctionRegistry::has_type(std::string_view name) const {
  return std::find(types_.begin(), types_.end(), name) != types_.end();
}

std::vector<std::string> FunctionRegistry::function_names() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : functions_) names.push_back(name);
  return names;
}

bool value_matches_type(const Value& v, const CelType& t) {
  switch (t.kind()) {
    case TypeKind::Dyn:
    case TypeKind::TypeParam:
    case TypeKind::Error:
    case TypeKind::Unspecified: return true;
    case TypeKind::Null: return v.is_null();
    case TypeKind::Bool: return v.is_bool();
    case TypeKind::Int: return v.is_int();
    case TypeKind::Uint: return v.is_uint();
    case TypeKind::Double: return v.is_double() || v.is_bignum();
    case TypeKind::String: return v.is_string();
    case TypeKind::Bytes: return v.is_bytes();
    case TypeKind::List: return v.is_array() || v.is_set();
    case TypeKind::Map: return v.is_object();
    case TypeKind::Type: return v.opaque_as<TypeValue>() != nullptr;
    case TypeKind::Duration: return v.opaque_as<DurationValue>() != nullptr;
    case TypeKind::Timestamp: return v.opaque_as<TimestampValue>() != nullptr;
    case TypeKind::Optional: return v.opaque_as<OptionalValue>() != nullptr;
    case TypeKind::Opaque: return v.is_opaque() && v.as_opaque().type_name() == t.name();
  }
  return false;
}

}  // namespace tollgate::cel
