#include "policies/vap/json_patch_ops.h"

#include <limits>
#include <variant>

#include "rules/value/go_quote.h"

namespace tollgate::policies::vap {

namespace {

using value::Value;

constexpr const char* kMissing = "missing value";
constexpr const char* kInvalidIndex = "invalid index referenced";

// Go's strconv.Atoi (sign, decimal digits, int64 range).
std::optional<int64_t> go_atoi(std::string_view s, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<int64_t> {
    *error = "strconv.Atoi: parsing " + value::go_quote(s) + ": " + why;
    return std::nullopt;
  };
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return fail("invalid syntax");
  uint64_t n = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return fail("invalid syntax");
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (n > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1 - d) / 10) return fail("value out of range");
    n = n * 10 + d;
  }
  if (!negative && n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return fail("value out of range");
  return negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
}

std::string invalid_index(int64_t idx) {
  return "Unable to access invalid index: " + std::to_string(idx) + ": " + kInvalidIndex;
}

// An existing element's index for get, set and remove: an integer key,
// negative ones counted from the end.
std::optional<std::string> element_index(const std::string& key, size_t size, size_t* out) {
  std::string error;
  auto idx = go_atoi(key, &error);
  if (!idx) return error;
  const int64_t len = static_cast<int64_t>(size);
  int64_t k = *idx;
  if (k < 0) {
    if (k < -len) return invalid_index(k);
    k += len;
  }
  if (k >= len) return invalid_index(k);
  *out = static_cast<size_t>(k);
  return std::nullopt;
}

// A value as the library holds it: JSON null and an absent member are both nil.
const Value* non_null(const Value* v) { return v != nullptr && !v->is_null() ? v : nullptr; }

using Step = std::variant<std::string, size_t>;

// findObject: the container that holds the path's last token, and that token
// decoded; not found when the path has no '/', or a step on the way is
// missing, null, out of range or a scalar.
struct Located {
  bool found = false;
  std::vector<Step> steps;  // from the document to the container
  Value container;
  std::string key;
};

Located find_object(const Value& doc, std::string_view path) {
  Located out;
  std::vector<std::string_view> split;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    split.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (split.size() < 2) return out;
  Value current = doc;
  for (size_t i = 1; i + 1 < split.size(); ++i) {
    const std::string part = decode_pointer_token(split[i]);
    const Value* next = nullptr;
    if (current.is_object()) {
      next = non_null(current.find(std::string_view(part)));
      if (next) out.steps.emplace_back(part);
    } else if (current.is_array()) {
      size_t k = 0;
      if (element_index(part, current.items().size(), &k)) return out;
      next = non_null(&current.items()[k]);
      if (next) out.steps.emplace_back(k);
    }
    if (next == nullptr || !(next->is_object() || next->is_array())) return out;
    Value hold = *next;
    current = std::move(hold);
  }
  out.found = true;
  out.container = std::move(current);
  out.key = decode_pointer_token(split.back());
  return out;
}

Value with_member(const Value& object, const std::string& key, Value v) {
  std::vector<Value::Entry> entries = object.entries();
  bool replaced = false;
  for (auto& e : entries)
    if (e.first.is_string() && e.first.as_string() == key) {
      e.second = std::move(v);
      replaced = true;
      break;
    }
  if (!replaced) entries.emplace_back(Value::string(key), std::move(v));
  return Value::object(std::move(entries));
}

Value rebuild(const Value& node, const std::vector<Step>& steps, size_t i, const Value& replacement) {
  if (i == steps.size()) return replacement;
  if (const auto* key = std::get_if<std::string>(&steps[i])) {
    return with_member(node, *key, rebuild(node[*key], steps, i + 1, replacement));
  }
  const size_t idx = std::get<size_t>(steps[i]);
  std::vector<Value> items = node.items();
  items[idx] = rebuild(items[idx], steps, i + 1, replacement);
  return Value::array(std::move(items));
}

// container.get(key): nil for a missing or null member; for an array an
// error when the key is no index or out of range.
std::optional<std::string> container_get(const Value& c, const std::string& key, Value* out, bool* nil) {
  *nil = false;
  if (c.is_object()) {
    const Value* v = non_null(c.find(std::string_view(key)));
    if (v == nullptr) *nil = true;
    else *out = *v;
    return std::nullopt;
  }
  size_t k = 0;
  if (auto e = element_index(key, c.items().size(), &k)) return e;
  const Value& v = c.items()[k];
  if (v.is_null()) *nil = true;
  else *out = v;
  return std::nullopt;
}

std::optional<std::string> container_add(const Value& c, const std::string& key, const Value& v, Value* out) {
  if (c.is_object()) {
    *out = with_member(c, key, v);
    return std::nullopt;
  }
  std::vector<Value> items = c.items();
  if (key == "-") {
    items.push_back(v);
    *out = Value::array(std::move(items));
    return std::nullopt;
  }
  std::string error;
  auto idx = go_atoi(key, &error);
  if (!idx) return "value was not a proper array index: '" + key + "': " + error;
  const int64_t size = static_cast<int64_t>(items.size()) + 1;
  int64_t k = *idx;
  if (k >= size) return invalid_index(k);
  if (k < 0) {
    if (k < -size) return invalid_index(k);
    k += size;
  }
  items.insert(items.begin() + k, v);
  *out = Value::array(std::move(items));
  return std::nullopt;
}

std::optional<std::string> container_set(const Value& c, const std::string& key, const Value& v, Value* out) {
  if (c.is_object()) {
    *out = with_member(c, key, v);
    return std::nullopt;
  }
  size_t k = 0;
  if (auto e = element_index(key, c.items().size(), &k)) return e;
  std::vector<Value> items = c.items();
  items[k] = v;
  *out = Value::array(std::move(items));
  return std::nullopt;
}

std::optional<std::string> container_remove(const Value& c, const std::string& key, Value* out) {
  if (c.is_object()) {
    if (c.find(std::string_view(key)) == nullptr)
      return "Unable to remove nonexistent key: " + key + ": " + kMissing;
    std::vector<Value::Entry> entries;
    for (const auto& e : c.entries())
      if (!(e.first.is_string() && e.first.as_string() == key)) entries.push_back(e);
    *out = Value::object(std::move(entries));
    return std::nullopt;
  }
  size_t k = 0;
  if (auto e = element_index(key, c.items().size(), &k)) return e;
  std::vector<Value> items = c.items();
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(k));
  *out = Value::array(std::move(items));
  return std::nullopt;
}

struct Outcome {
  std::optional<std::string> error;
  bool test_failed = false;
};

Outcome fail(std::string text) { return Outcome{std::move(text), false}; }

const Value& op_value(const JsonPatchOperation& op) {
  static const Value null;
  return op.has_value ? op.value : null;
}

Outcome apply_add(Value& doc, const JsonPatchOperation& op) {
  Located at = find_object(doc, op.path);
  if (!at.found) return fail("add operation does not apply: doc is missing path: \"" + op.path + "\": " + kMissing);
  Value updated;
  if (auto e = container_add(at.container, at.key, op_value(op), &updated))
    return fail("error in add for path: '" + op.path + "': " + *e);
  doc = rebuild(doc, at.steps, 0, updated);
  return {};
}

Outcome apply_remove(Value& doc, const JsonPatchOperation& op) {
  Located at = find_object(doc, op.path);
  if (!at.found) return fail("remove operation does not apply: doc is missing path: \"" + op.path + "\": " + kMissing);
  Value updated;
  if (auto e = container_remove(at.container, at.key, &updated))
    return fail("error in remove for path: '" + op.path + "': " + *e);
  doc = rebuild(doc, at.steps, 0, updated);
  return {};
}

Outcome apply_replace(Value& doc, const JsonPatchOperation& op) {
  if (op.path.empty()) {
    // The whole document; a value that is neither object nor array is
    // ignored (the library wraps a nil error there, which is no error).
    if (op_value(op).is_object() || op_value(op).is_array()) doc = op_value(op);
    return {};
  }
  Located at = find_object(doc, op.path);
  if (!at.found) return fail("replace operation does not apply: doc is missing path: " + op.path + ": " + kMissing);
  Value current;
  bool nil = false;
  if (container_get(at.container, at.key, &current, &nil))
    return fail("replace operation does not apply: doc is missing key: " + op.path + ": " + kMissing);
  Value updated;
  if (auto e = container_set(at.container, at.key, op_value(op), &updated))
    return fail("error in remove for path: '" + op.path + "': " + *e);
  doc = rebuild(doc, at.steps, 0, updated);
  return {};
}

// move takes the value out of `from` first; copy leaves it. The library's
// texts differ between the two only in these places.
Outcome apply_move_or_copy(Value& doc, const JsonPatchOperation& op, bool move) {
  const std::string kind = move ? "move" : "copy";
  if (op.from.empty())
    return fail(kind + " operation failed to decode from: operation, missing from field: " + kMissing);
  Located from = find_object(doc, op.from);
  if (!from.found)
    return fail(kind + " operation does not apply: doc is missing from path: " + op.from + ": " + kMissing);
  Value taken;
  bool nil = false;
  if (auto e = container_get(from.container, from.key, &taken, &nil))
    return fail(move ? "error in move for path: '" + from.key + "': " + *e
                     : "error in copy for from: '" + op.from + "': " + *e);
  Value source = doc;
  if (move) {
    Value without;
    if (auto e = container_remove(from.container, from.key, &without))
      return fail("error in move for path: '" + from.key + "': " + *e);
    source = rebuild(doc, from.steps, 0, without);
  }
  Located to = find_object(source, op.path);
  if (!to.found)
    return fail(kind + " operation does not apply: doc is missing destination path: " + op.path + ": " + kMissing);
  Value updated;
  if (auto e = container_add(to.container, to.key, nil ? Value() : taken, &updated))
    return fail(move ? "error in move for path: '" + op.path + "': " + *e
                     : "error while adding value during copy: " + *e);
  doc = rebuild(source, to.steps, 0, updated);
  return {};
}

Outcome test_failed() { return Outcome{std::nullopt, true}; }

Outcome apply_test(const Value& doc, const JsonPatchOperation& op) {
  if (op.path.empty()) return op.has_value && doc == op.value ? Outcome{} : test_failed();
  Located at = find_object(doc, op.path);
  if (!at.found) return fail("test operation does not apply: is missing path: " + op.path + ": " + kMissing);
  Value current;
  bool nil = false;
  if (auto e = container_get(at.container, at.key, &current, &nil))
    return fail("error in test for path: '" + op.path + "': " + *e);
  if (nil) return op.has_value && op.value.is_null() ? Outcome{} : test_failed();
  if (!op.has_value) return test_failed();
  return current == op.value ? Outcome{} : test_failed();
}

}  // namespace

std::string decode_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

JsonPatchResult apply_json_patch(const value::Value& document, const std::vector<JsonPatchOperation>& operations) {
  JsonPatchResult result;
  Value doc = document;
  for (const auto& op : operations) {
    Outcome o;
    if (op.op == "add") o = apply_add(doc, op);
    else if (op.op == "remove") o = apply_remove(doc, op);
    else if (op.op == "replace") o = apply_replace(doc, op);
    else if (op.op == "move") o = apply_move_or_copy(doc, op, true);
    else if (op.op == "test") o = apply_test(doc, op);
    else if (op.op == "copy") o = apply_move_or_copy(doc, op, false);
    else o = fail("Unexpected kind: " + op.op);
    if (o.test_failed) {
      result.object = document;
      result.test_failed = true;
      return result;
    }
    if (o.error) {
      result.object = document;
      result.error = std::move(o.error);
      return result;
    }
  }
  result.object = std::move(doc);
  return result;
}

}  // namespace tollgate::policies::vap
