#include "policies/gator/yaml_writer.h"

#include <algorithm>
#include <cctype>
#include <string_view>

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

// Whether a multi-line string can be written as a literal block scalar and
// read back unchanged: as go-yaml's emitter decides (no line ending in a
// space, only printable characters: no tab), and, to need no
// indentation indicator, a first line that starts with neither a space nor a
// line break; it ends in at most one line break (the "|" or "|-" chomping).
bool literal_block_allowed(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.front() == ' ' || s.front() == '\n') return false;
  if (s.size() >= 2 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '\n') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      if (i > 0 && s[i - 1] == ' ') return false;
      continue;
    }
    if (c < 0x20 || c == 0x7F) return false;
  }
  return s.back() != ' ';
}

// A string as a literal block scalar on the lines after its key, `indent`
// spaces in.
void append_literal_block(std::string_view s, int indent, std::string& out) {
  bool final_break = s.back() == '\n';
  out += final_break ? "|\n" : "|-\n";
  if (final_break) s.remove_suffix(1);
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view line = s.substr(start, end - start);
    if (!line.empty()) out.append(static_cast<size_t>(indent), ' ');
    out += line;
    out += '\n';
    start = end + 1;
  }
}

// A value on its key's line (a scalar) or a literal block scalar below it.
void append_scalar(const Value& v, int indent, std::string& out) {
  if (v.is_string() && literal_block_allowed(v.as_string())) {
    append_literal_block(v.as_string(), indent, out);
    return;
  }
  out += yaml_flow_scalar(v);
  out += '\n';
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
      append_scalar(item, indent + 2, out);
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
      append_scalar(item, indent + 2, out);
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
