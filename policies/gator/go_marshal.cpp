#include "policies/gator/go_marshal.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "rules/value/json.h"
#include "rules/value/number_format.h"

namespace tollgate::policies::gator {
namespace {

bool is_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// YAML 1.1 would read `s` as something other than a string: a bool
// (y, yes, on, ...), null, an int (with _, 0x, 0b), a float, a base-60
// number (1:20).
bool resolves_to_non_string(std::string_view s) {
  if (s.empty()) return true;
  static const char* kWords[] = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"};
  std::string l = lower(s);
  for (const char* w : kWords) {
    if (l == w) return true;
  }
  static const re2::RE2 kNumber(
      "[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|"
      "\\.[0-9_]+([eE][-+]?[0-9]+)?|\\.(inf|Inf|INF))|\\.(nan|NaN|NAN)");
  return re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), kNumber);
}

// Whether go-yaml's emitter can write `s` as a plain scalar.
bool plain_allowed(std::string_view s) {
  if (s.empty()) return false;
  unsigned char first = static_cast<unsigned char>(s.front());
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(static_cast<char>(first)) != std::string_view::npos) {
    // "-", "?", ":" may start a plain scalar when followed by a non-space.
    bool indicator_ok = (first == '-' || first == '?' || first == ':') && s.size() > 1 && s[1] != ' ';
    if (!indicator_ok) return false;
  }
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
  if (s.substr(0, 3) == "---" || s.substr(0, 3) == "...") return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string out;
  value::append_json_string(std::string(s), out);
  return out;
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

std::string string_scalar(std::string_view s, int indent) {
  if (s.find('\n') != std::string_view::npos) {
    // Literal block; "|-" when there is no final newline.
    bool final_newline = !s.empty() && s.back() == '\n';
    std::string out = final_newline ? "|" : "|-";
    std::string_view rest = final_newline ? s.substr(0, s.size() - 1) : s;
    size_t start = 0;
    while (true) {
      size_t nl = rest.find('\n', start);
      std::string_view line = rest.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      out += "\n";
      if (!line.empty()) out += std::string(static_cast<size_t>(indent), ' ') + std::string(line);
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    return out;
  }
  if (resolves_to_non_string(s)) return double_quoted(s);
  if (!plain_allowed(s)) return single_quoted(s);
  return std::string(s);
}

std::string scalar(const Value& v, int indent) {
  switch (v.kind()) {
    case value::Kind::Null: return "null";
    case value::Kind::Bool: return v.as_bool() ? "true" : "false";
    case value::Kind::String: return string_scalar(v.as_string(), indent);
    case value::Kind::Object: return "{}";
    case value::Kind::Array:
    case value::Kind::Set: return "[]";
    case value::Kind::Int: return value::format_double_g(static_cast<double>(v.as_int()));
    case value::Kind::Double: return value::format_double_g(v.as_double());
    default: {
      // Other numbers: through their JSON text, as a double.
      return value::format_double_g(std::strtod(value::to_json(v).c_str(), nullptr));
    }
  }
}

bool is_block(const Value& v) {
  return (v.is_object() && !v.entries().empty()) || ((v.is_array() || v.is_set()) && !v.items().empty());
}

void append_node(const Value& v, int indent, std::string& out);

// A mapping at `indent`; the first line's indentation is already written
// when `inline_first` (after "- ").
void append_mapping(const Value& v, int indent, bool inline_first, std::string& out) {
  std::vector<std::pair<std::string, const Value*>> entries;
  for (const auto& [key, item] : v.entries()) {
    entries.emplace_back(key.is_string() ? key.as_string() : value::to_json(key), &item);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return go_yaml_key_less(a.first, b.first); });
  bool first = true;
  for (const auto& [key, item] : entries) {
    if (!(first && inline_first)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += string_scalar(key, indent + 2) + ":";
    if (is_block(*item)) {
      out += "\n";
      // Sequences sit at their key's indentation, mappings one level deeper.
      append_node(*item, item->is_object() ? indent + 2 : indent, out);
    } else {
      out += " " + scalar(*item, indent + 2) + "\n";
    }
  }
}

void append_sequence(const Value& v, int indent, bool inline_first, std::string& out) {
  bool first = true;
  for (const Value& item : v.items()) {
    if (!(first && inline_first)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += "- ";
    if (item.is_object() && !item.entries().empty()) {
      append_mapping(item, indent + 2, true, out);
    } else if ((item.is_array() || item.is_set()) && !item.items().empty()) {
      append_sequence(item, indent + 2, true, out);
    } else {
      out += scalar(item, indent + 2) + "\n";
    }
  }
}

void append_node(const Value& v, int indent, std::string& out) {
  if (v.is_object()) {
    append_mapping(v, indent, false, out);
  } else {
    append_sequence(v, indent, false, out);
  }
}

}  // namespace

bool go_yaml_key_less(const std::string& a, const std::string& b) {
  // go-yaml v2 keyList.Less on strings: rune by rune; letters by code
  // point, a non-letter before a letter, digit runs numerically.
  size_t i = 0;
  while (i < a.size() && i < b.size()) {
    unsigned char ca = static_cast<unsigned char>(a[i]), cb = static_cast<unsigned char>(b[i]);
    if (ca == cb) {
      ++i;
      continue;
    }
    bool la = is_letter(ca), lb = is_letter(cb);
    if (la && lb) return ca < cb;
    if (la || lb) return lb;  // the non-letter sorts first
    // Digit runs (going back to where they start) compare as numbers.
    size_t start = i;
    while (start > 0 && is_digit(static_cast<unsigned char>(a[start - 1]))) --start;
    size_t ea = i, eb = i;
    while (ea < a.size() && is_digit(static_cast<unsigned char>(a[ea]))) ++ea;
    while (eb < b.size() && is_digit(static_cast<unsigned char>(b[eb]))) ++eb;
    if ((ea > start || eb > start) && is_digit(ca) && is_digit(cb)) {
      std::string_view na = std::string_view(a).substr(start, ea - start);
      std::string_view nb = std::string_view(b).substr(start, eb - start);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
    }
    return ca < cb;
  }
  return a.size() < b.size();
}

namespace {

void append_go_json(const Value& v, int indent, std::string& out) {
  auto newline = [&](int level) {
    out.push_back('\n');
    out.append(static_cast<size_t>(level) * 4, ' ');
  };
  auto append_string = [&](std::string_view s) {
    std::string quoted;
    value::append_json_string(s, quoted);
    for (char c : quoted) {
      if (c == '<') out += "\\u003c";
      else if (c == '>') out += "\\u003e";
      else if (c == '&') out += "\\u0026";
      else out.push_back(c);
    }
  };
  if (v.is_object()) {
    if (v.entries().empty()) {
      out += "{}";
      return;
    }
    std::vector<std::pair<std::string, const Value*>> entries;
    for (const auto& [key, item] : v.entries()) {
      entries.emplace_back(key.is_string() ? key.as_string() : value::to_json(key), &item);
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.push_back('{');
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out.push_back(',');
      newline(indent + 1);
      append_string(entries[i].first);
      out += ": ";
      append_go_json(*entries[i].second, indent + 1, out);
    }
    newline(indent);
    out.push_back('}');
  } else if (v.is_array() || v.is_set()) {
    if (v.items().empty()) {
      out += "[]";
      return;
    }
    out.push_back('[');
    for (size_t i = 0; i < v.items().size(); ++i) {
      if (i > 0) out.push_back(',');
      newline(indent + 1);
      append_go_json(v.items()[i], indent + 1, out);
    }
    newline(indent);
    out.push_back(']');
  } else if (v.is_string()) {
    append_string(v.as_string());
  } else {
    out += value::to_json(v);
  }
}

}  // namespace

std::string to_go_json(const Value& v) {
  std::string out;
  append_go_json(v, 0, out);
  return out;
}

std::string to_go_yaml(const Value& v) {
  if (!is_block(v)) return scalar(v, 0) + "\n";
  std::string out;
  append_node(v, 0, out);
  return out;
}

}  // namespace tollgate::policies::gator
