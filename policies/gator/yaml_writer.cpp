#include "policies/gator/yaml_writer.h"

#include <algorithm>
#include <cctype>

#include "rules/value/json.h"

namespace tollgate::policies::gator {
namespace {

bool plain_yaml_key(const std::string& key) {
  if (key.empty()) return false;
  static const char* kReserved[] = {"true", "false", "null", "yes", "no", "on", "off", "~", "y", "n"};
  std::string lowered = key;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* r : kReserved) {
    if (lowered == r) return false;
  }
  if (std::isdigit(static_cast<unsigned char>(key[0])) || key[0] == '-' || key[0] == '.') return false;
  return std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
  });
}

std::string yaml_key(const Value& key) {
  std::string k = key.is_string() ? key.as_string() : value::to_json(key);
  if (plain_yaml_key(k)) return k;
  std::string quoted;
  value::append_json_string(k, quoted);
  return quoted;
}

void append_yaml_entries(const Value& v, int indent, bool first_inline, std::string& out) {
  bool first = true;
  for (const auto& [key, item] : v.entries()) {
    if (!(first && first_inline)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += yaml_key(key) + ":";
    if (is_yaml_block(item)) {
      out.push_back('\n');
      append_yaml_block(item, indent + 2, out);
    } else {
      out += ' ';
      out += yaml_flow_scalar(item);
      out += '\n';
    }
  }
}

}  // namespace

bool is_yaml_block(const Value& v) {
  return (v.is_object() && !v.entries().empty()) || ((v.is_array() || v.is_set()) && !v.items().empty());
}

std::string yaml_flow_scalar(const Value& v) {
  if (v.is_object()) return "{}";
  if (v.is_array() || v.is_set()) return "[]";
  return value::to_json(v);  // JSON scalars are valid YAML flow scalars
}

void append_yaml_block(const Value& v, int indent, std::string& out) {
  if (v.is_object()) {
    append_yaml_entries(v, indent, false, out);
    return;
  }
  for (const Value& item : v.items()) {
    out.append(static_cast<size_t>(indent), ' ');
    out += "- ";
    if (item.is_object() && !item.entries().empty()) {
      append_yaml_entries(item, indent + 2, true, out);
    } else if (is_yaml_block(item)) {
      out.push_back('\n');
      append_yaml_block(item, indent + 2, out);
    } else {
      out += yaml_flow_scalar(item) + "\n";
    }
  }
}

std::string to_yaml(const Value& v) {
  if (!is_yaml_block(v)) return yaml_flow_scalar(v) + "\n";
  std::string out;
  append_yaml_block(v, 0, out);
  return out;
}

}  // namespace tollgate::policies::gator
