// For tests only: applying an RFC 6902 JSON Patch (add, remove, replace) to
// a Value, strictly — a bad pointer, a missing member or an index out of
// range throws — so that a test can prove a patch turns `before` into
// `after` the way kube-apiserver's JSON patch library would.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/json.h"
#include "rules/value/value.h"

namespace tollgate::policies::mutation::testing {

using value::Value;

// "/a~1b/0" -> {"a/b", "0"} (RFC 6901).
inline std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') throw std::invalid_argument("JSON pointer must start with '/': " + std::string(pointer));
  size_t at = 1;
  while (true) {
    size_t end = pointer.find('/', at);
    std::string_view raw = pointer.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token.push_back(raw[++i] == '0' ? '~' : '/');
      } else {
        throw std::invalid_argument("bad escape in JSON pointer: " + std::string(pointer));
      }
    }
    tokens.push_back(std::move(token));
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return tokens;
}

inline size_t array_index(const std::string& token, size_t limit) {
  if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0') ||
      token.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("bad array index \"" + token + "\"");
  }
  size_t index = std::stoul(token);
  if (index > limit) throw std::out_of_range("array index " + token + " out of range");
  return index;
}

// Applies `op` ("add", "remove", "replace") at tokens[depth..] inside `doc`.
inline Value apply_operation(const Value& doc, const std::vector<std::string>& tokens, size_t depth,
                             std::string_view op, const Value& value) {
  if (depth == tokens.size()) {
    if (op == "remove") throw std::invalid_argument("cannot remove the whole document");
    return value;  // add or replace of the root
  }
  const std::string& token = tokens[depth];
  bool last = depth + 1 == tokens.size();
  if (doc.is_object()) {
    const Value* member = doc.find(token);
    if (!last) {
      if (member == nullptr) throw std::out_of_range("no member \"" + token + "\"");
      return value::with_entry(doc, token, apply_operation(*member, tokens, depth + 1, op, value));
    }
    if (op != "add" && member == nullptr) throw std::out_of_range(std::string(op) + " of missing member \"" + token + "\"");
    return op == "remove" ? value::without_entry(doc, token) : value::with_entry(doc, token, value);
  }
  if (doc.is_array()) {
    std::vector<Value> items = doc.items();
    if (last && op == "add") {
      size_t index = token == "-" ? items.size() : array_index(token, items.size());
      items.insert(items.begin() + static_cast<std::ptrdiff_t>(index), value);
      return Value::array(std::move(items));
    }
    size_t index = array_index(token, items.empty() ? 0 : items.size() - 1);
    if (index >= items.size()) throw std::out_of_range("array index " + token + " out of range");
    if (!last) {
      items[index] = apply_operation(items[index], tokens, depth + 1, op, value);
    } else if (op == "remove") {
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(index));
    } else {
      items[index] = value;
    }
    return Value::array(std::move(items));
  }
  throw std::invalid_argument("cannot step into a " + std::string(value::kind_name(doc.kind())) + " with \"" + token +
                              "\"");
}

// Applies every operation of `patch` in order.
inline Value apply_json_patch(const Value& doc, const Value& patch) {
  if (!patch.is_array()) throw std::invalid_argument("a JSON patch is an array, got " + value::to_json(patch));
  Value result = doc;
  for (const Value& operation : patch.items()) {
    std::string_view op = operation["op"].string_or("");
    if (op != "add" && op != "remove" && op != "replace") {
      throw std::invalid_argument("unsupported patch operation " + value::to_json(operation));
    }
    const Value* path = operation.find("path");
    if (path == nullptr || !path->is_string()) throw std::invalid_argument("operation without a path");
    const Value* value = operation.find("value");
    if (op != "remove" && value == nullptr) throw std::invalid_argument("operation without a value");
    result = apply_operation(result, pointer_tokens(path->as_string()), 0, op, value ? *value : Value());
  }
  return result;
}

}  // namespace tollgate::policies::mutation::testing
