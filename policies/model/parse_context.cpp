#include "policies/model/parse_context.h"

namespace tollgate::policies {

using value::Value;

LoadError ObjectOrigin::error_at(std::string_view pointer, std::string message) const {
  LoadError e;
  e.file = file_;
  e.message = std::move(message);
  if (locations_) {
    std::string full = base_pointer_;
    full.append(pointer);
    value::SourceLocation loc = locations_->find(full);
    e.line = loc.line;
    e.column = loc.column;
  }
  return e;
}

std::string LoadError::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  out += ": ";
  out += message;
  return out;
}

namespace fields {

namespace {
const Value* present(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}
}  // namespace

std::string_view string_field(const Value& obj, std::string_view key, std::string_view obj_pointer,
                              ParseContext& ctx) {
  const Value* v = present(obj, key);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    ctx.error(value::pointer_append(obj_pointer, key),
              std::string(key) + " must be a string, got " + value::kind_name(v->kind()));
    return {};
  }
  return v->as_string();
}

const Value* array_field(const Value& obj, std::string_view key, std::string_view obj_pointer, ParseContext& ctx) {
  const Value* v = present(obj, key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    ctx.error(value::pointer_append(obj_pointer, key),
              std::string(key) + " must be a list, got " + value::kind_name(v->kind()));
    return nullptr;
  }
  return v;
}

const Value* object_field(const Value& obj, std::string_view key, std::string_view obj_pointer, ParseContext& ctx) {
  const Value* v = present(obj, key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    ctx.error(value::pointer_append(obj_pointer, key),
              std::string(key) + " must be an object, got " + value::kind_name(v->kind()));
    return nullptr;
  }
  return v;
}

std::vector<std::string> string_list_field(const Value& obj, std::string_view key, std::string_view obj_pointer,
                                           ParseContext& ctx) {
  std::vector<std::string> out;
  const Value* list = array_field(obj, key, obj_pointer, ctx);
  if (list == nullptr) return out;
  std::string list_pointer = value::pointer_append(obj_pointer, key);
  out.reserve(list->size());
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Value& item = list->items()[i];
    if (!item.is_string()) {
      ctx.error(value::pointer_append(list_pointer, i),
                std::string(key) + "[" + std::to_string(i) + "] must be a string, got " + value::kind_name(item.kind()));
      continue;
    }
    out.push_back(item.as_string());
  }
  return out;
}

}  // namespace fields

std::string_view api_group_of(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

std::string_view api_version_of(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
}

}  // namespace tollgate::policies
