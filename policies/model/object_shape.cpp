#include "policies/model/object_shape.h"

namespace tollgate::policies {
namespace {

using value::Kind;
using value::Value;

std::string got(const std::string& what, const Value& v) {
  return what + ", got " + std::string(value::kind_name(v.kind()));
}

// Labels and annotations: an object of strings, or null.
std::string string_map_reason(const Value& map, const char* name) {
  if (map.is_null()) return "";
  if (!map.is_object()) return got(std::string("metadata.") + name + " must be an object", map);
  for (const auto& [key, v] : map.entries()) {
    if (!v.is_string()) return got(std::string("metadata.") + name + "[\"" + (key.is_string() ? key.as_string() : std::string("?")) + "\"] must be a string", v);
  }
  return "";
}

}  // namespace

std::string malformed_object_reason(const Value& object) {
  if (object.is_null()) return "";
  if (!object.is_object()) return got("object must be a JSON object", object);
  const Value* metadata = object.find("metadata");
  if (metadata == nullptr || metadata->is_null()) return "";
  if (!metadata->is_object()) return got("metadata must be an object", *metadata);
  for (const char* field : {"name", "namespace", "generateName", "uid"}) {
    const Value* v = metadata->find(field);
    if (v != nullptr && !v->is_null() && !v->is_string()) return got(std::string("metadata.") + field + " must be a string", *v);
  }
  const Value* labels = metadata->find("labels");
  if (labels != nullptr) {
    std::string reason = string_map_reason(*labels, "labels");
    if (!reason.empty()) return reason;
  }
  const Value* annotations = metadata->find("annotations");
  if (annotations != nullptr) return string_map_reason(*annotations, "annotations");
  return "";
}

}  // namespace tollgate::policies
