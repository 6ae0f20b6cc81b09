#include "rules/cel/typed_json.h"

#include <cmath>

#include "rules/cel/cel_types.h"
#include "rules/value/base64.h"

namespace tollgate::cel {

namespace {

nlohmann::json double_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

std::string key_text(const value::Value& k) {
  switch (k.kind()) {
    case value::Kind::String: return k.as_string();
    case value::Kind::Int: return std::to_string(k.as_int());
    case value::Kind::Uint: return std::to_string(k.as_uint());
    case value::Kind::Bool: return k.as_bool() ? "true" : "false";
    default: return typed_json_value(k).dump();
  }
}

}  // namespace

nlohmann::json typed_json_value(const value::Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return nullptr;
    case value::Kind::Bool: return v.as_bool();
    case value::Kind::Int: return v.as_int();
    case value::Kind::Uint: return v.as_uint();
    case value::Kind::Double: return double_json(v.as_double());
    case value::Kind::BigNum: return double_json(v.to_double());
    case value::Kind::String: return v.as_string();
    case value::Kind::Bytes: return value::base64_encode(v.as_string());
    case value::Kind::Array:
    case value::Kind::Set: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : v.items()) out.push_back(typed_json_value(item));
      return out;
    }
    case value::Kind::Object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, x] : v.entries()) out[key_text(k)] = typed_json_value(x);
      return out;
    }
    case value::Kind::Opaque: {
      if (const auto* o = as_optional(v)) {
        nlohmann::json out = nlohmann::json::object();
        out["optional"] = o->has_value() ? typed_json_value(o->value()) : nlohmann::json(nullptr);
        return out;
      }
      return v.as_opaque().debug_string();
    }
  }
  return nullptr;
}

nlohmann::json typed_json(const value::Value& v) {
  nlohmann::json out = nlohmann::json::object();
  out["type"] = std::string(runtime_type_name(v));
  out["value"] = typed_json_value(v);
  return out;
}

bool typed_json_equal(const nlohmann::json& expected, const nlohmann::json& actual) {
  using T = nlohmann::json::value_t;
  if (expected.is_number_float()) return actual.is_number_float() && expected.get<double>() == actual.get<double>();
  if (expected.is_number_integer()) {
    if (!actual.is_number_integer()) return false;
    if (expected.type() == T::number_unsigned || actual.type() == T::number_unsigned) {
      // Either side beyond int64 is compared as unsigned; a negative never equals one.
      if ((expected.type() == T::number_integer && expected.get<int64_t>() < 0) ||
          (actual.type() == T::number_integer && actual.get<int64_t>() < 0))
        return false;
      return expected.get<uint64_t>() == actual.get<uint64_t>();
    }
    return expected.get<int64_t>() == actual.get<int64_t>();
  }
  if (expected.is_array()) {
    if (!actual.is_array() || expected.size() != actual.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i)
      if (!typed_json_equal(expected[i], actual[i])) return false;
    return true;
  }
  if (expected.is_object()) {
    if (!actual.is_object() || expected.size() != actual.size()) return false;
    for (const auto& [k, x] : expected.items()) {
      auto it = actual.find(k);
      if (it == actual.end() || !typed_json_equal(x, *it)) return false;
    }
    return true;
  }
  // JSON has no NaN or infinities: cel-go's recorded answers write them as null.
  if (expected.is_null() && actual.is_string()) {
    const auto& s = actual.get_ref<const std::string&>();
    return s == "NaN" || s == "Infinity" || s == "-Infinity";
  }
  return expected == actual;
}

}  // namespace tollgate::cel
