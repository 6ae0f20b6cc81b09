#include "rules/rego/builtins/go_yaml.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/runes.h"
#include "rules/rego/builtins/sprintf.h"
#include "rules/rego/number.h"
#include "rules/value/regex_cache.h"

namespace tollgate::rego {

using value::Kind;
using value::Value;

namespace {

// ---------------------------------------------------------------------------
// What yaml.v2's resolve() would make of a plain scalar: anything but a
// string must be quoted to survive a round trip.

bool matches(const char* pattern, const std::string& s) {
  std::string error;
  auto re = value::cached_regex(pattern, &error);
  return re && re2::RE2::FullMatch(s, *re);
}

bool parses_as_go_int(const std::string& plain) {
  // strconv.ParseInt / ParseUint with base 0: optional sign (ParseInt only),
  // 0x / 0o / 0b / leading-0 octal prefixes, or decimal.
  std::string_view s = plain;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') { base = 16; s.remove_prefix(2); }
    else if (p == 'o') { base = 8; s.remove_prefix(2); }
    else if (p == 'b') { base = 2; s.remove_prefix(2); }
    else { base = 8; s.remove_prefix(1); }
    if (s.empty()) return false;
  }
  unsigned __int128 v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 99;
    if (d >= base) return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > static_cast<unsigned __int128>(UINT64_MAX)) return false;
  }
  return negative ? v <= static_cast<unsigned __int128>(INT64_MAX) + 1 : true;
}

bool resolves_to_non_string(const std::string& s) {
  static const char* kReserved[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
                                    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
                                    "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
                                    ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"};
  for (const char* r : kReserved) {
    if (s == r) return std::string_view(r) != "<<";
  }
  if (s.empty()) return true;
  char c = s[0];
  bool digit_or_sign = (c >= '0' && c <= '9') || c == '+' || c == '-';
  if (c == '.') {
    char* end = nullptr;
    errno = 0;
    std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && errno != ERANGE;
  }
  if (!digit_or_sign) return false;
  if (matches(R"((\d{4})-(\d{1,2})-(\d{1,2})([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?(Z|[+-]\d{1,2}(:\d{2})?)?)?)", s)) {
    return true;
  }
  std::string plain = s;
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (parses_as_go_int(plain)) return true;
  if (matches(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)", plain)) {
    errno = 0;
    std::strtod(plain.c_str(), nullptr);
    if (errno != ERANGE) return true;
  }
  if (plain.starts_with("0b") || plain.starts_with("-0b")) {
    return matches("-?0b[01]+", plain);
  }
  return false;
}

bool is_base60_float(const std::string& s) {
  return matches(R"([-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)", s);
}

// ---------------------------------------------------------------------------
// libyaml's emitter, as far as block-style output of JSON data goes.

enum class Style { Plain, Single, Double, Literal };

struct Analysis {
  bool multiline = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
};

bool is_break_char(char32_t r) { return r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029; }
bool is_blank_char(char32_t r) { return r == ' ' || r == '\t'; }

// libyaml's is_printable (note: no tab, no characters beyond U+FFFF).
bool is_printable_char(char32_t r) {
  return r == 0x0A || (r >= 0x20 && r <= 0x7E) || (r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF);
}

Analysis analyze(const std::string& value) {
  Analysis a;
  if (value.empty()) {
    a.block_allowed = false;
    return a;
  }
  bool block_indicators = value.starts_with("---") || value.starts_with("...");
  bool special = false, line_breaks = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false, previous_space = false, previous_break = false;
  bool preceded_by_whitespace = true;
  for (size_t i = 0; i < value.size();) {
    DecodedRune d = decode_rune(value, i);
    char32_t r = d.rune;
    size_t next = i + d.width;
    bool followed_by_whitespace = next >= value.size() || is_blank_char(decode_rune(value, next).rune) ||
                                  is_break_char(decode_rune(value, next).rune);
    if (i == 0) {
      switch (r) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*': case '!': case '|':
        case '>': case '\'': case '"': case '%': case '@': case '`':
          block_indicators = true;
          break;
        case '?': case ':':
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) block_indicators = true;
          break;
        default: break;
      }
    } else {
      if (r == ':' && followed_by_whitespace) block_indicators = true;
      if (r == '#' && preceded_by_whitespace) block_indicators = true;
    }
    if (!is_printable_char(r)) special = true;
    if (r == ' ') {
      if (i == 0) leading_space = true;
      if (next == value.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break_char(r)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (next == value.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = is_blank_char(r) || is_break_char(r);
    i = next;
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) a.block_plain_allowed = false;
  if (trailing_space) a.block_allowed = false;
  if (break_space) a.block_plain_allowed = a.single_quoted_allowed = false;
  if (space_break || special) a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
  if (line_breaks) a.block_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

class Emitter {
 public:
  std::string out;

  void document(const Value& v) {
    node(v, /*mapping=*/false, /*simple_key=*/false);
    write_indent();
  }

 private:
  static constexpr int kIndent = 2;
  static constexpr int kWidth = 80;

  int column_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  int indent_ = -1;
  std::vector<int> indents_;

  void put(char c) {
    out.push_back(c);
    ++column_;
  }
  void put_break() {
    out.push_back('\n');
    column_ = 0;
  }
  // Writes the character at value[i], advancing i.
  void write(const std::string& value, size_t& i) {
    size_t w = decode_rune(value, i).width;
    out.append(value, i, w);
    ++column_;
    i += w;
  }
  void write_break(const std::string& value, size_t& i) {
    if (value[i] == '\n') {
      put_break();
      ++i;
    } else {
      size_t w = decode_rune(value, i).width;
      out.append(value, i, w);
      column_ = 0;
      i += w;
    }
  }
  void write_indent() {
    int indent = std::max(indent_, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }
  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace, bool is_indention) {
    if (need_whitespace && !whitespace_) put(' ');
    out.append(indicator);
    column_ += static_cast<int>(indicator.size());
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
  }
  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) {
      indent_ = flow ? kIndent : 0;
    } else if (!indentless) {
      indent_ += kIndent;
    }
  }
  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  static bool is_space_at(const std::string& v, size_t i) { return i < v.size() && v[i] == ' '; }
  static bool is_break_at(const std::string& v, size_t i) { return i < v.size() && is_break_char(decode_rune(v, i).rune); }

  void write_plain(const std::string& value, bool allow_breaks) {
    if (!whitespace_) put(' ');
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < value.size();) {
      if (is_space_at(value, i)) {
        if (allow_breaks && !spaces && column_ > kWidth && !is_space_at(value, i + 1)) {
          write_indent();
          ++i;
        } else {
          write(value, i);
        }
        spaces = true;
      } else if (is_break_at(value, i)) {
        if (!breaks && value[i] == '\n') put_break();
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(value, i);
        indention_ = false;
        spaces = breaks = false;
      }
    }
    whitespace_ = false;
    indention_ = false;
  }

  void write_single_quoted(const std::string& value, bool allow_breaks) {
    write_indicator("'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < value.size();) {
      if (is_space_at(value, i)) {
        if (allow_breaks && !spaces && column_ > kWidth && i > 0 && i < value.size() - 1 && !is_space_at(value, i + 1)) {
          write_indent();
          ++i;
        } else {
          write(value, i);
        }
        spaces = true;
      } else if (is_break_at(value, i)) {
        if (!breaks && value[i] == '\n') put_break();
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        if (value[i] == '\'') put('\'');
        write(value, i);
        indention_ = false;
        spaces = breaks = false;
      }
    }
    write_indicator("'", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_double_quoted(const std::string& value, bool allow_breaks) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    write_indicator("\"", true, false, false);
    bool spaces = false;
    for (size_t i = 0; i < value.size();) {
      DecodedRune d = decode_rune(value, i);
      char32_t r = d.rune;
      if (!is_printable_char(r) || r == 0xFEFF || is_break_char(r) || r == '"' || r == '\\') {
        i += d.width;
        put('\\');
        switch (r) {
          case 0x00: put('0'); break;
          case 0x07: put('a'); break;
          case 0x08: put('b'); break;
          case 0x09: put('t'); break;
          case 0x0A: put('n'); break;
          case 0x0B: put('v'); break;
          case 0x0C: put('f'); break;
          case 0x0D: put('r'); break;
          case 0x1B: put('e'); break;
          case 0x22: put('"'); break;
          case 0x5C: put('\\'); break;
          case 0x85: put('N'); break;
          case 0xA0: put('_'); break;
          case 0x2028: put('L'); break;
          case 0x2029: put('P'); break;
          default: {
            int digits = r <= 0xFF ? 2 : r <= 0xFFFF ? 4 : 8;
            put(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(kHex[(r >> k) & 0xF]);
          }
        }
        spaces = false;
      } else if (r == ' ') {
        if (allow_breaks && !spaces && column_ > kWidth && i > 0 && i < value.size() - 1) {
          write_indent();
          if (is_space_at(value, i + 1)) put('\\');
          ++i;
        } else {
          write(value, i);
        }
        spaces = true;
      } else {
        write(value, i);
        spaces = false;
      }
    }
    write_indicator("\"", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_literal(const std::string& value) {
    write_indicator("|", true, false, false);
    if (is_space_at(value, 0) || is_break_at(value, 0)) write_indicator(std::string(1, static_cast<char>('0' + kIndent)), false, false, false);
    // Chomping: '-' without a final break, '+' when it ends in two breaks (or is one break).
    size_t last = value.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(value[last]) & 0xC0) == 0x80) --last;
    if (!is_break_at(value, last)) {
      write_indicator("-", false, false, false);
    } else if (last == 0) {
      write_indicator("+", false, false, false);
    } else {
      size_t before = last - 1;
      while (before > 0 && (static_cast<unsigned char>(value[before]) & 0xC0) == 0x80) --before;
      if (is_break_at(value, before)) write_indicator("+", false, false, false);
    }
    whitespace_ = true;
    bool breaks = true;
    for (size_t i = 0; i < value.size();) {
      if (is_break_at(value, i)) {
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(value, i);
        indention_ = false;
        breaks = false;
      }
    }
  }

  void scalar(const std::string& text, Style requested, bool simple_key) {
    Analysis a = analyze(text);
    Style style = requested;
    if (simple_key && a.multiline) style = Style::Double;
    if (style == Style::Plain) {
      if (!a.block_plain_allowed) style = Style::Single;
      if (text.empty() && simple_key) style = Style::Single;
    }
    if (style == Style::Single && !a.single_quoted_allowed) style = Style::Double;
    if (style == Style::Literal && (!a.block_allowed || simple_key)) style = Style::Double;
    increase_indent(true, false);
    switch (style) {
      case Style::Plain: write_plain(text, !simple_key); break;
      case Style::Single: write_single_quoted(text, !simple_key); break;
      case Style::Double: write_double_quoted(text, !simple_key); break;
      case Style::Literal: write_literal(text); break;
    }
    pop_indent();
  }

  // yaml.v2's stringv: literal for multi-line text, plain when the text
  // reads back as a string, else double-quoted.
  void string_scalar(const std::string& s, bool simple_key) {
    Style style = s.find('\n') != std::string::npos                   ? Style::Literal
                  : !resolves_to_non_string(s) && !is_base60_float(s) ? Style::Plain
                                                                        : Style::Double;
    if (!valid_utf8(s)) style = Style::Double;
    scalar(s, style, simple_key);
  }

  // JSON numbers as yaml.v2 reads them back: int64, uint64, else float64.
  void number_scalar(const Value& n) {
    std::string text = number_text(n);
    if (!parses_as_go_int(text)) {
      errno = 0;
      double d = std::strtod(text.c_str(), nullptr);
      if (errno != ERANGE) text = go_format_float(d, 'g', -1);
    }
    scalar(text, Style::Plain, false);
  }

  static std::string key_text(const Value& key) { return key.is_string() ? key.as_string() : go_json_marshal(key); }

  // yaml.v2's keyList.Less for string keys: runs of digits compare as numbers,
  // letters before other characters.
  static bool natural_less(const std::string& a_text, const std::string& b_text) {
    std::vector<char32_t> a = to_runes(a_text), b = to_runes(b_text);
    auto is_letter = [](char32_t r) { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= 0xAA; };
    auto is_digit = [](char32_t r) { return r >= '0' && r <= '9'; };
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (a[i] == b[i]) continue;
      bool al = is_letter(a[i]), bl = is_letter(b[i]);
      if (al && bl) return a[i] < b[i];
      if (al || bl) return bl;
      int64_t an = 0, bn = 0;
      if (a[i] == '0' || b[i] == '0') {
        for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
          if (a[j] != '0') {
            an = bn = 1;
            break;
          }
        }
      }
      size_t ai = i, bi = i;
      for (; ai < a.size() && is_digit(a[ai]); ++ai) an = an * 10 + (a[ai] - '0');
      for (; bi < b.size() && is_digit(b[bi]); ++bi) bn = bn * 10 + (b[bi] - '0');
      if (an != bn) return an < bn;
      if (ai != bi) return ai < bi;
      return a[i] < b[i];
    }
    return a.size() < b.size();
  }

  void node(const Value& v, bool mapping_context, bool simple_key) {
    switch (v.kind()) {
      case Kind::Null: scalar("null", Style::Plain, simple_key); return;
      case Kind::Bool: scalar(v.as_bool() ? "true" : "false", Style::Plain, simple_key); return;
      case Kind::Int:
      case Kind::Uint:
      case Kind::Double:
      case Kind::BigNum: number_scalar(v); return;
      case Kind::String:
      case Kind::Bytes: string_scalar(v.as_string(), simple_key); return;
      case Kind::Opaque: string_scalar(v.as_opaque().debug_string(), simple_key); return;
      case Kind::Array:
      case Kind::Set: {
        if (v.items().empty()) {
          write_indicator("[", true, true, false);
          write_indicator("]", false, false, false);
          return;
        }
        increase_indent(false, mapping_context && !indention_);
        for (const Value& item : v.items()) {
          write_indent();
          write_indicator("-", true, false, true);
          node(item, false, false);
        }
        pop_indent();
        return;
      }
      case Kind::Object: {
        if (v.entries().empty()) {
          write_indicator("{", true, true, false);
          write_indicator("}", false, false, false);
          return;
        }
        std::vector<std::pair<std::string, const Value*>> entries;
        for (const auto& [key, item] : v.entries()) {
          std::string k = key_text(key);
          auto same = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == k; });
          if (same != entries.end()) {
            same->second = &item;
          } else {
            entries.emplace_back(std::move(k), &item);
          }
        }
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto& x, const auto& y) { return natural_less(x.first, y.first); });
        increase_indent(false, false);
        for (const auto& [key, item] : entries) {
          write_indent();
          bool simple = key.size() <= 128 && key.find_first_of("\n\r") == std::string::npos;
          if (simple) {
            string_scalar(key, true);
            write_indicator(":", false, false, false);
          } else {
            write_indicator("?", true, false, true);
            string_scalar(key, false);
            write_indent();
            write_indicator(":", true, false, true);
          }
          node(*item, true, false);
        }
        pop_indent();
        return;
      }
    }
  }
};

}  // namespace

std::string go_yaml_marshal(const Value& v) {
  Emitter e;
  e.document(v);
  return std::move(e.out);
}

}  // namespace tollgate::rego
