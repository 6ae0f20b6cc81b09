#include "rules/rego/builtins/json_patch.h"

#include <charconv>
#include <functional>
#include <string>

#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

using value::Value;

namespace {

using Path = std::vector<Value>;

std::string unescape_pointer_token(std::string_view token) {
  std::string out(token);
  for (size_t at = out.find("~1"); at != std::string::npos; at = out.find("~1", at + 1)) out.replace(at, 2, "/");
  for (size_t at = out.find("~0"); at != std::string::npos; at = out.find("~0", at + 1)) out.replace(at, 2, "~");
  return out;
}

// An array position for `key` (OPA's edittree toIndex): an integral number,
// "-" for the end, or decimal text without leading zeros (Go's ParseInt).
std::optional<int64_t> array_index(size_t length, const Value& key) {
  int64_t index = 0;
  if (key.is_number()) return integral_int64(key, &index) ? std::optional<int64_t>(index) : std::nullopt;
  if (!key.is_string()) return std::nullopt;
  const std::string& text = key.as_string();
  if (text == "-") return static_cast<int64_t>(length);
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && digits[0] == '-') return std::nullopt;
  }
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (text != "0" && text[0] == '0') return std::nullopt;
  return index;
}

// The child of a composite at one path segment.
std::optional<Value> child(const Value& parent, const Value& key) {
  switch (parent.kind()) {
    case value::Kind::Object: {
      const Value* found = parent.find(key);
      return found ? std::optional<Value>(*found) : std::nullopt;
    }
    case value::Kind::Set:
      return parent.contains(key) ? std::optional<Value>(key) : std::nullopt;
    case value::Kind::Array: {
      std::optional<int64_t> index = array_index(parent.items().size(), key);
      if (!index || *index < 0 || static_cast<size_t>(*index) >= parent.items().size()) return std::nullopt;
      return parent.items()[static_cast<size_t>(*index)];
    }
    default: return std::nullopt;
  }
}

std::optional<Value> value_at(const Value& doc, const Path& path) {
  Value current = doc;
  for (const Value& key : path) {
    std::optional<Value> next = child(current, key);
    if (!next) return std::nullopt;
    current = std::move(*next);
  }
  return current;
}

// The composite with its child at `key` replaced by `replacement`.
Value with_child(const Value& parent, const Value& key, const Value& replacement) {
  switch (parent.kind()) {
    case value::Kind::Object: return value::with_entry(parent, key, replacement);
    case value::Kind::Set: {
      std::vector<Value> items;
      for (const Value& item : parent.items()) {
        if (item != key) items.push_back(item);
      }
      items.push_back(replacement);
      return Value::set(std::move(items));
    }
    default: {
      std::vector<Value> items = parent.items();
      items[static_cast<size_t>(*array_index(items.size(), key))] = replacement;
      return Value::array(std::move(items));
    }
  }
}

using Edit = std::function<std::optional<Value>(const Value& parent, const Value& key)>;

// Applies `edit` to the parent of the path's last segment, rebuilding the
// composites above it; nullopt when a step is missing or the edit fails.
std::optional<Value> edit_parent(const Value& doc, const Path& path, size_t depth, const Edit& edit) {
  if (depth + 1 == path.size()) return edit(doc, path[depth]);
  std::optional<Value> next = child(doc, path[depth]);
  if (!next) return std::nullopt;
  std::optional<Value> edited = edit_parent(*next, path, depth + 1, edit);
  if (!edited) return std::nullopt;
  return with_child(doc, path[depth], *edited);
}

std::optional<Value> add(const Value& doc, const Path& path, const Value& v) {
  if (path.empty()) return v;
  return edit_parent(doc, path, 0, [&](const Value& parent, const Value& key) -> std::optional<Value> {
    switch (parent.kind()) {
      case value::Kind::Object: return value::with_entry(parent, key, v);
      case value::Kind::Set: {
        if (key != v) return std::nullopt;
        std::vector<Value> items = parent.items();
        items.push_back(v);
        return Value::set(std::move(items));
      }
      case value::Kind::Array: {
        std::vector<Value> items = parent.items();
        std::optional<int64_t> index = array_index(items.size(), key);
        if (!index || *index < 0 || static_cast<size_t>(*index) > items.size()) return std::nullopt;
        items.insert(items.begin() + *index, v);
        return Value::array(std::move(items));
      }
      default: return std::nullopt;
    }
  });
}

std::optional<Value> remove(const Value& doc, const Path& path) {
  if (path.empty()) return std::nullopt;  // removing the whole document leaves nothing
  return edit_parent(doc, path, 0, [](const Value& parent, const Value& key) -> std::optional<Value> {
    switch (parent.kind()) {
      case value::Kind::Object: {
        if (!parent.find(key)) return std::nullopt;
        std::vector<Value::Entry> entries;
        for (const auto& entry : parent.entries()) {
          if (entry.first != key) entries.push_back(entry);
        }
        return Value::object_sorted(std::move(entries));
      }
      case value::Kind::Set: {
        if (!parent.contains(key)) return std::nullopt;
        std::vector<Value> items;
        for (const Value& item : parent.items()) {
          if (item != key) items.push_back(item);
        }
        return Value::set(std::move(items));
      }
      case value::Kind::Array: {
        std::vector<Value> items = parent.items();
        std::optional<int64_t> index = array_index(items.size(), key);
        if (!index || *index < 0 || static_cast<size_t>(*index) >= items.size()) return std::nullopt;
        items.erase(items.begin() + *index);
        return Value::array(std::move(items));
      }
      default: return std::nullopt;
    }
  });
}

std::optional<Value> apply_operation(const Value& doc, const Value& operation) {
  if (!operation.is_object()) return std::nullopt;
  const Value* op = operation.find("op");
  if (!op || !op->is_string()) return std::nullopt;
  const std::string& name = op->as_string();
  const Value* path_member = operation.find("path");
  if (!path_member) return std::nullopt;
  const bool needs_from = name == "move" || name == "copy";
  const bool needs_value = name == "add" || name == "replace" || name == "test";
  if (!needs_from && !needs_value && name != "remove") return std::nullopt;  // unrecognized op
  const Value* from_member = needs_from ? operation.find("from") : nullptr;
  if (needs_from && !from_member) return std::nullopt;
  const Value* v = needs_value ? operation.find("value") : nullptr;
  if (needs_value && !v) return std::nullopt;
  std::optional<Path> path = json_path_segments(*path_member);
  if (!path) return std::nullopt;

  if (name == "add") return add(doc, *path, *v);
  if (name == "remove") return remove(doc, *path);
  if (name == "replace") {
    if (path->empty()) return *v;
    std::optional<Value> removed = remove(doc, *path);
    if (!removed) return std::nullopt;
    return add(*removed, *path, *v);
  }
  if (name == "test") {
    std::optional<Value> found = value_at(doc, *path);
    if (!found || *found != *v) return std::nullopt;
    return doc;
  }
  std::optional<Path> from = json_path_segments(*from_member);
  if (!from) return std::nullopt;
  std::optional<Value> moved = value_at(doc, *from);
  if (!moved) return std::nullopt;
  if (name == "copy") return add(doc, *path, *moved);
  std::optional<Value> without = remove(doc, *from);
  if (!without) return std::nullopt;
  return add(*without, *path, *moved);
}

}  // namespace

std::optional<Path> json_path_segments(const Value& path) {
  if (path.is_array()) return path.items();
  if (!path.is_string()) return std::nullopt;
  Path segments;
  std::string_view text = path.as_string();
  if (text.empty()) return segments;
  size_t start = text.find_first_not_of('/');
  text = start == std::string_view::npos ? std::string_view() : text.substr(start);
  while (true) {
    size_t slash = text.find('/');
    segments.push_back(Value::string(unescape_pointer_token(text.substr(0, slash))));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return segments;
}

std::optional<Value> apply_json_patch(const Value& target, const Value& operations) {
  Value doc = target;
  for (const Value& operation : operations.items()) {
    std::optional<Value> next = apply_operation(doc, operation);
    if (!next) return std::nullopt;
    doc = std::move(*next);
  }
  return doc;
}

}  // namespace tollgate::rego
