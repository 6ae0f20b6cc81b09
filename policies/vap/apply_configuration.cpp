#include "policies/vap/apply_configuration.h"

#include "policies/vap/merge_schema.h"
#include "rules/cel/cel_types.h"
#include "rules/cel/struct_value.h"
#include "rules/value/base64.h"
#include "rules/value/json.h"

namespace tollgate::policies::vap {

namespace {

using value::Value;
using Kind = MergeSchema::Kind;
using ListType = MergeSchema::ListType;

void type_check(const Value& v, std::string& path, std::vector<std::string>& errors) {
  if (const auto* s = cel::as_struct(v)) {
    if (s->type_name() != path)
      errors.push_back("unexpected type name \"" + std::string(s->type_name()) + "\", expected \"" + path +
                       "\", which matches field name path from root Object type");
    for (const auto& [k, f] : s->fields().entries()) {
      const size_t size = path.size();
      path += '.';
      path += k.as_string();
      type_check(f, path, errors);
      path.resize(size);
    }
    return;
  }
  if (v.is_array()) {
    for (const auto& item : v.items()) type_check(item, path, errors);
  } else if (v.is_object()) {
    for (const auto& [k, item] : v.entries()) type_check(item, path, errors);
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// ---- structured-merge-diff, over the built-in schemas ----

const MergeSchema* child_of(const MergeSchema* s, std::string_view field) {
  switch (s->kind) {
    case Kind::Struct: return s->field(field);
    case Kind::Map: return s->element;
    case Kind::AtomicAny: return atomic_any_schema();
    default: return deduced_schema();
  }
}

const MergeSchema* element_of(const MergeSchema* s) {
  if (s->kind == Kind::List) return s->element;
  return atomic_any_schema();  // items of deduced (and atomic) lists
}

bool is_list_schema(const MergeSchema* s) {
  return s->kind == Kind::List || s->kind == Kind::Deduced || s->kind == Kind::AtomicAny;
}
bool is_map_schema(const MergeSchema* s) {
  return s->kind == Kind::Struct || s->kind == Kind::Map || s->kind == Kind::Deduced || s->kind == Kind::AtomicAny;
}

// ObjectToTyped: fields a closed struct does not declare.
void undeclared_fields(const Value& v, const MergeSchema* s, const std::string& path, std::vector<std::string>& errors) {
  if (v.is_object() && s->kind == Kind::Struct) {
    for (const auto& [k, f] : v.entries()) {
      const std::string child_path = path + "." + k.as_string();
      const MergeSchema* c = s->field(k.as_string());
      if (c == nullptr) {
        errors.push_back(child_path + ": field not declared in schema");
        continue;
      }
      undeclared_fields(f, c, child_path, errors);
    }
  } else if (v.is_object() && s->kind == Kind::Map) {
    for (const auto& [k, f] : v.entries()) undeclared_fields(f, s->element, path + "." + k.as_string(), errors);
  } else if (v.is_array() && s->kind == Kind::List) {
    for (size_t i = 0; i < v.items().size(); ++i)
      undeclared_fields(v.items()[i], s->element, path + "[" + std::to_string(i) + "]", errors);
  }
}

// findAtomics: the paths of the atomic lists, maps and structs the
// configuration contains.
void find_atomics(const Value& v, const MergeSchema* s, const std::string& path, std::vector<std::string>& out) {
  if (v.is_object() && is_map_schema(s)) {
    if ((s->kind == Kind::Struct || s->kind == Kind::Map) ? s->atomic : s->kind == Kind::AtomicAny)
      out.push_back(path);
    for (const auto& [k, f] : v.entries()) {
      const MergeSchema* c = child_of(s, k.as_string());
      if (c != nullptr) find_atomics(f, c, path + "." + k.as_string(), out);
    }
  } else if (v.is_array() && is_list_schema(s)) {
    if (s->kind != Kind::List || s->list_type == ListType::Atomic) out.push_back(path);
    for (size_t i = 0; i < v.items().size(); ++i)
      find_atomics(v.items()[i], element_of(s), path + "[" + std::to_string(i) + "]", out);
  }
}

Value merge(const Value& live, const Value& config, const MergeSchema* s);

Value key_of(const Value& item, const std::vector<std::string>& keys) {
  std::vector<Value> parts;
  for (const auto& k : keys) {
    const Value* v = item.is_object() ? item.find(std::string_view(k)) : nullptr;
    parts.push_back(v ? *v : Value());
  }
  return Value::array(std::move(parts));
}

Value merge_keyed(const Value& live, const Value& config, const MergeSchema* s) {
  std::vector<Value> items = live.items();
  for (const auto& entry : config.items()) {
    const Value key = key_of(entry, s->keys);
    std::vector<size_t> hits;
    for (size_t i = 0; i < items.size(); ++i)
      if (key_of(items[i], s->keys) == key) hits.push_back(i);
    if (hits.empty()) {
      items.push_back(entry);
      continue;
    }
    items[hits[0]] = merge(items[hits[0]], entry, s->element);
    // Duplicates of a key the configuration touches collapse into one entry.
    for (size_t h = hits.size(); h-- > 1;) items.erase(items.begin() + static_cast<std::ptrdiff_t>(hits[h]));
  }
  return Value::array(std::move(items));
}

Value merge_set(const Value& live, const Value& config) {
  std::vector<Value> items = live.items();
  for (const auto& entry : config.items()) {
    bool present = false;
    for (const auto& i : items) present = present || i == entry;
    if (!present) items.push_back(entry);
  }
  return Value::array(std::move(items));
}

Value merge(const Value& live, const Value& config, const MergeSchema* s) {
  if (config.is_object() && live.is_object() && is_map_schema(s)) {
    std::vector<Value::Entry> entries = live.entries();
    for (const auto& [k, c] : config.entries()) {
      const MergeSchema* child = child_of(s, k.as_string());
      if (child == nullptr) child = deduced_schema();
      bool found = false;
      for (auto& e : entries)
        if (e.first == k) {
          e.second = merge(e.second, c, child);
          found = true;
          break;
        }
      if (!found) entries.emplace_back(k, c);
    }
    return Value::object(std::move(entries));
  }
  if (config.is_array() && live.is_array() && s->kind == Kind::List) {
    if (s->list_type == ListType::Map) return merge_keyed(live, config, s);
    if (s->list_type == ListType::Set) return merge_set(live, config);
  }
  return config;
}

}  // namespace

std::vector<std::string> object_type_name_errors(const Value& cel_value) {
  std::vector<std::string> errors;
  std::string path;
  if (const auto* s = cel::as_struct(cel_value)) path = std::string(s->type_name());
  type_check(cel_value, path, errors);
  return errors;
}

std::optional<std::string> cel_value_to_json(const Value& v, Value* out) {
  if (const auto* s = cel::as_struct(v)) return cel_value_to_json(s->fields(), out);
  if (v.is_array() || v.is_set()) {
    std::vector<Value> items;
    for (const auto& item : v.items()) {
      Value converted;
      if (auto e = cel_value_to_json(item, &converted)) return e;
      items.push_back(std::move(converted));
    }
    *out = Value::array(std::move(items));
    return std::nullopt;
  }
  if (v.is_object()) {
    std::vector<Value::Entry> entries;
    for (const auto& [k, item] : v.entries()) {
      if (!k.is_string())
        return "map key " + value::to_json(k) + " is of type " + std::string(cel::runtime_type_name(k)) +
               ", not string";
      Value converted;
      if (auto e = cel_value_to_json(item, &converted)) return e;
      entries.emplace_back(k, std::move(converted));
    }
    *out = Value::object(std::move(entries));
    return std::nullopt;
  }
  if (v.is_bytes()) {
    *out = Value::string(value::base64_encode(v.as_string()));
    return std::nullopt;
  }
  if (v.is_opaque()) {
    if (cel::as_duration(v) || cel::as_timestamp(v)) {
      *out = Value::string(v.as_opaque().debug_string());
      return std::nullopt;
    }
    return "type conversion error from '" + std::string(cel::runtime_type_name(v)) + "' to 'google.protobuf.Value'";
  }
  *out = v;
  return std::nullopt;
}

MutationOutcome apply_configuration(const Value& object, const Value& configuration) {
  MutationOutcome out;
  out.object = object;
  if (auto errors = object_type_name_errors(configuration); !errors.empty()) {
    out.error = "type mismatch: " + join(errors, "\n");
    return out;
  }
  Value patch;
  if (auto e = cel_value_to_json(configuration, &patch)) {
    out.error = "invalid return type: " + *e;
    return out;
  }
  const MergeSchema* schema = merge_schema_for(object["apiVersion"].string_or(""), object["kind"].string_or(""));
  std::vector<std::string> undeclared;
  undeclared_fields(patch, schema, "", undeclared);
  if (!undeclared.empty()) {
    const std::string detail =
        undeclared.size() == 1 ? undeclared.front() : "errors:\n  " + join(undeclared, "\n  ");
    out.error = "error applying patch: failed to convert patch object to typed object: " + detail;
    return out;
  }
  std::vector<std::string> atomics;
  find_atomics(patch, schema, "", atomics);
  if (!atomics.empty()) {
    out.error = "error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: " +
                join(atomics, ", ");
    return out;
  }
  out.object = merge(object, patch, schema);
  return out;
}

}  // namespace tollgate::policies::vap
