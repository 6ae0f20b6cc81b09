#include "rules/cel/k8s/mutation_library.h"

namespace tollgate::cel {

namespace {

// Go's %T of the native form cel-go hands the JSONPatch type for a value.
std::string go_native_type(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return "structpb.NullValue";
    case value::Kind::Bool: return "bool";
    case value::Kind::Int: return "int64";
    case value::Kind::Uint: return "uint64";
    case value::Kind::Double:
    case value::Kind::BigNum: return "float64";
    case value::Kind::String: return "string";
    case value::Kind::Bytes: return "[]uint8";
    case value::Kind::Array:
    case value::Kind::Set: return "[]ref.Val";
    case value::Kind::Object: return "map[ref.Val]ref.Val";
    case value::Kind::Opaque: break;
  }
  if (as_struct(v) != nullptr) return "map[string]interface {}";
  return "*types." + std::string(v.as_opaque().type_name());
}

bool is_object_type(std::string_view name) {
  return name == kObjectTypeName ||
         (name.size() > kObjectTypeName.size() && name.starts_with(kObjectTypeName) &&
          name[kObjectTypeName.size()] == '.');
}

const std::vector<std::string>& json_patch_string_fields() {
  static const std::vector<std::string> fields = {"from", "op", "path"};
  return fields;
}

class MutationTypes final : public StructTypeProvider {
 public:
  bool has_type(std::string_view name) const override {
    return name == kJSONPatchTypeName || is_object_type(name);
  }

  std::optional<CelType> field_type(std::string_view type, std::string_view field) const override {
    if (type == kJSONPatchTypeName) {
      if (field == "op" || field == "path" || field == "from") return CelType::string();
      return CelType::dyn();  // unknown fields are refused when the value is built
    }
    return CelType::dyn();
  }

  Result make(const std::string& type, Value fields) const override {
    if (type != kJSONPatchTypeName) return Value::make_opaque<StructValue>(type, std::move(fields));
    for (const auto& [k, v] : fields.entries()) {
      const std::string& name = k.as_string();
      if (name == "op" || name == "path" || name == "from") {
        if (!v.is_string())
          return make_error("unexpected type " + go_native_type(v) + " for JSONPatchType '" + name + "' field");
      } else if (name != "value") {
        return make_error("unexpected JSONPatchType field: " + name);
      }
    }
    return Value::make_opaque<StructValue>(type, std::move(fields), &json_patch_string_fields());
  }
};

}  // namespace

void register_jsonpatch_library(FunctionRegistry& r) {
  r.add_global("jsonpatch.escapeKey", "string_jsonpatch_escapeKey_string", {CelType::string()}, CelType::string(),
               [](std::span<const Value> a) -> Result {
                 const std::string& in = a[0].as_string();
                 std::string out;
                 out.reserve(in.size());
                 for (char c : in) {
                   if (c == '~') out += "~0";
                   else if (c == '/') out += "~1";
                   else out += c;
                 }
                 return Value::string(std::move(out));
               });
}

const StructTypeProvider& mutation_struct_types() {
  static const MutationTypes types;
  return types;
}

CelType object_struct_type() { return CelType::opaque(std::string(kObjectTypeName)); }
CelType json_patch_list_type() { return CelType::list(CelType::opaque(std::string(kJSONPatchTypeName))); }

}  // namespace tollgate::cel
