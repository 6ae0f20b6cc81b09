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
// (y, yes, on, ...), null, the merge key <<, an int (with _, 0x, 0b), a float, a base-60
// number (1:20).
bool resolves_to_non_string(std::string_view s) {
  if (s.empty()) return true;
  static const char* kWords[] = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "<<"};
  std::string l = lower(s);
  for (const char* w : kWords) {
    if (l == w) return true;
  }
  static const re2::RE2 kNumber(
      "[-+]?(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|"
      "\\.[0-9_]+([eE][-+]?[0-9]+)?|\\.(inf|Inf|INF))|\\.(nan|NaN|NAN)");
  // A timestamp in one of the layouts go-yaml tries (2006-1-2,
  // 2006-1-2T15:4:5.999999999Z07:00, 2006-1-2 15:4:5.999999999).
  static const re2::RE2 kTimestamp(
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))|"
      "( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]+)?))?");
  re2::StringPiece text(s.data(), s.size());
  return re2::RE2::FullMatch(text, kNumber) || re2::RE2::FullMatch(text, kTimestamp);
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

// ---- gopkg.in/yaml.v3 ----

namespace {

constexpr int kV3Indent = 4;

// The indentation yaml.v3 gives what a node at `indent` holds: two past a
// sequence item's "- ", else the next multiple of four.
int v3_child_indent(int indent, bool in_sequence_item) {
  if (indent < 0) return 0;
  if (in_sequence_item) return indent + 2;
  return kV3Indent * ((indent + kV3Indent) / kV3Indent);
}

// The length of the character libyaml's emitter does not print as is
// (is_printable: C0 controls but the newline when `allow_newline`, DEL,
// U+0080-U+009F, U+2028/9, the BOM, U+FFFE/F, and every character outside
// the BMP) at `i`, or 0.
size_t v3_unprintable_at(std::string_view s, size_t i, bool allow_newline) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c < 0x20) return allow_newline && c == '\n' ? 0 : 1;
  if (c == 0x7f) return 1;
  if (c == 0xC2 && at(1) < 0xA0) return 2;
  if (c == 0xE2 && at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9)) return 3;
  if (c == 0xEF && ((at(1) == 0xBB && at(2) == 0xBF) || (at(1) == 0xBF && (at(2) == 0xBE || at(2) == 0xBF)))) return 3;
  if (c >= 0xF0) return 4;
  return 0;
}

bool v3_has_unprintable(std::string_view s, bool allow_newline) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (v3_unprintable_at(s, i, allow_newline) != 0) return true;
  }
  return false;
}

// yaml.v3's double-quoted scalar: libyaml's escapes, upper-case hex.
// (yaml.v3 sets no line width, so nothing is folded.)
void v3_double_quoted(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto hex = [&](char letter, uint32_t v, int digits) {
    out.push_back('\\');
    out.push_back(letter);
    for (int k = (digits - 1) * 4; k >= 0; k -= 4) out.push_back(kHex[(v >> k) & 0xF]);
  };
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t width = v3_unprintable_at(s, i, false);
    if (width == 0 && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    width = std::max<size_t>(width, 1);
    uint32_t v = c;
    if (width == 2) v = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    if (width == 3 && i + 2 < s.size()) {
      v = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
          (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    }
    if (width == 4 && i + 3 < s.size()) {
      v = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
          ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
    }
    i += width;
    switch (v) {
      case 0x00: out += "\\0"; continue;
      case 0x07: out += "\\a"; continue;
      case 0x08: out += "\\b"; continue;
      case 0x09: out += "\\t"; continue;
      case 0x0A: out += "\\n"; continue;
      case 0x0B: out += "\\v"; continue;
      case 0x0C: out += "\\f"; continue;
      case 0x0D: out += "\\r"; continue;
      case 0x1B: out += "\\e"; continue;
      case 0x22: out += "\\\""; continue;
      case 0x5C: out += "\\\\"; continue;
      case 0x85: out += "\\N"; continue;
      case 0x2028: out += "\\L"; continue;
      case 0x2029: out += "\\P"; continue;
      default: break;
    }
    if (v <= 0xFF) hex('x', v, 2);
    else if (v <= 0xFFFF) hex('u', v, 4);
    else hex('U', v, 8);
  }
  out.push_back('"');
}

// A multi-line string as a literal block: "|", an indentation hint when it
// starts with a space or a newline, and a chomping hint.
void v3_literal(std::string_view s, int indent, std::string& out) {
  out.push_back('|');
  if (s.front() == ' ' || s.front() == '\n') out += std::to_string(kV3Indent);
  if (s.back() != '\n') {
    out.push_back('-');
  } else if (s.size() == 1 || s[s.size() - 2] == '\n') {
    out.push_back('+');
  }
  bool line_start = true;
  out.push_back('\n');
  for (char c : s) {
    if (c == '\n') {
      out.push_back('\n');
      line_start = true;
      continue;
    }
    if (line_start) out.append(static_cast<size_t>(indent), ' ');
    line_start = false;
    out.push_back(c);
  }
  if (!line_start) out.push_back('\n');
}

// A string as yaml.v3 writes it, at the current end of `out` (after ": " or
// "- "); `indent` is where continuation lines start. Ends with a newline.
void v3_string(std::string_view s, int indent, std::string& out) {
  if (s.find('\n') != std::string_view::npos) {
    // A literal block unless a space ends a line or the text, or it holds
    // a character that must be escaped.
    bool space_break = s.back() == ' ' || s.find(" \n") != std::string_view::npos;
    if (!space_break && !v3_has_unprintable(s, true)) {
      v3_literal(s, indent, out);
      return;
    }
    v3_double_quoted(s, out);
  } else if (resolves_to_non_string(s) || v3_has_unprintable(s, false)) {
    v3_double_quoted(s, out);
  } else if (plain_allowed(s)) {
    out += s;
  } else {
    out += single_quoted(s);
  }
  out.push_back('\n');
}

void v3_node(const Value& v, int indent, bool inline_first, bool int64s, std::string& out);

// A number as yaml.v3 writes a float64, or, with `int64s`, an int64 for
// one written as an integer that fits (what apimachinery's JSON decoding
// of an Unstructured makes of it).
std::string v3_number(const Value& v, bool int64s) {
  if (int64s) {
    if (v.kind() == value::Kind::Int) return std::to_string(v.as_int());
    if (v.kind() == value::Kind::BigNum || v.kind() == value::Kind::Uint) {
      std::string text = value::to_json(v);
      static const re2::RE2 kInteger("(-?[0-9]+)");
      long long parsed = 0;  // false when it does not fit
      if (re2::RE2::FullMatch(text, kInteger, &parsed)) {
        return std::to_string(parsed);
      }
    }
  }
  return scalar(v, 0);
}

// After "key:" or "- ": the value, `child` being the indentation of what
// it holds.
void v3_after_indicator(const Value& v, int child, bool in_sequence_item, bool int64s, std::string& out) {
  if (is_block(v)) {
    if (in_sequence_item) {
      out.push_back(' ');
      v3_node(v, child, true, int64s, out);
    } else {
      out.push_back('\n');
      v3_node(v, child, false, int64s, out);
    }
  } else if (v.is_string()) {
    out.push_back(' ');
    v3_string(v.as_string(), child, out);
  } else {
    out.push_back(' ');
    out += v.is_number() ? v3_number(v, int64s) : scalar(v, child);
    out.push_back('\n');
  }
}

void v3_node(const Value& v, int indent, bool inline_first, bool int64s, std::string& out) {
  bool first = true;
  if (v.is_object()) {
    std::vector<std::pair<std::string, const Value*>> entries;
    for (const auto& [key, item] : v.entries()) {
      entries.emplace_back(key.is_string() ? key.as_string() : value::to_json(key), &item);
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return go_yaml_key_less(a.first, b.first); });
    for (const auto& [key, item] : entries) {
      if (!(first && inline_first)) out.append(static_cast<size_t>(indent), ' ');
      first = false;
      std::string key_text;
      v3_string(key, indent, key_text);
      key_text.pop_back();
      out += key_text + ":";
      v3_after_indicator(*item, v3_child_indent(indent, false), false, int64s, out);
    }
    return;
  }
  for (const Value& item : v.items()) {
    if (!(first && inline_first)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out.push_back('-');
    v3_after_indicator(item, v3_child_indent(indent, true), true, int64s, out);
  }
}

}  // namespace

void append_go_yaml_v3_value(const Value& v, int key_indent, std::string& out, bool int64s) {
  v3_after_indicator(v, v3_child_indent(key_indent, false), false, int64s, out);
}

std::string to_go_yaml_v3(const Value& v) {
  std::string out;
  if (is_block(v)) {
    v3_node(v, 0, false, false, out);
  } else if (v.is_string()) {
    v3_string(v.as_string(), 0, out);
  } else {
    out = scalar(v, 0) + "\n";
  }
  return out;
}

std::string to_go_yaml(const Value& v) {
  if (!is_block(v)) return scalar(v, 0) + "\n";
  std::string out;
  append_node(v, 0, out);
  return out;
}

}  // namespace tollgate::policies::gator
