#include "rules/rego/builtins/go_json.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "rules/rego/builtins/runes.h"
#include "rules/rego/number.h"
#include "rules/value/go_quote.h"

namespace tollgate::rego {

using value::Kind;
using value::Value;

namespace {

// ---------------------------------------------------------------------------
// Marshal

void append_go_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t start = 0;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      bool safe = b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&';
      if (safe) {
        ++i;
        continue;
      }
      out.append(s.substr(start, i - start));
      switch (b) {
        case '\\': case '"': out.push_back('\\'); out.push_back(static_cast<char>(b)); break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 0xF]);
      }
      start = ++i;
      continue;
    }
    DecodedRune d = decode_rune(s, i);
    if ((d.rune == kRuneError && d.width == 1) || d.rune == 0x2028 || d.rune == 0x2029) {
      out.append(s.substr(start, i - start));
      out += d.width == 1 ? "\\ufffd" : d.rune == 0x2028 ? "\\u2028" : "\\u2029";
      start = i + d.width;
    }
    i += d.width;
  }
  out.append(s.substr(start));
  out.push_back('"');
}

struct Writer {
  bool pretty;
  std::string_view prefix;
  std::string_view indent;
  std::string out;

  void newline(int depth) {
    out.push_back('\n');
    out.append(prefix);
    for (int i = 0; i < depth; ++i) out.append(indent);
  }

  // ast.JSON's key for a non-string object key: its compact JSON text.
  static std::string key_text(const Value& key) {
    if (key.is_string()) return key.as_string();
    Writer w{false, {}, {}, {}};
    w.write(key, 0);
    return w.out;
  }

  void write(const Value& v, int depth) {
    switch (v.kind()) {
      case Kind::Null: out += "null"; return;
      case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
      case Kind::Int:
      case Kind::Uint:
      case Kind::Double:
      case Kind::BigNum: out += number_text(v); return;
      case Kind::String:
      case Kind::Bytes: append_go_json_string(v.as_string(), out); return;
      case Kind::Opaque: append_go_json_string(v.as_opaque().debug_string(), out); return;
      case Kind::Array:
      case Kind::Set: {
        const auto& items = v.items();
        out.push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i) out.push_back(',');
          if (pretty) newline(depth + 1);
          write(items[i], depth + 1);
        }
        if (pretty && !items.empty()) newline(depth);
        out.push_back(']');
        return;
      }
      case Kind::Object: {
        // Go sorts the (stringified) keys; a later key with the same text wins.
        std::map<std::string, const Value*> sorted;
        for (const auto& [key, item] : v.entries()) sorted[key_text(key)] = &item;
        out.push_back('{');
        bool first = true;
        for (const auto& [key, item] : sorted) {
          if (!first) out.push_back(',');
          first = false;
          if (pretty) newline(depth + 1);
          append_go_json_string(key, out);
          out.push_back(':');
          if (pretty) out.push_back(' ');
          write(*item, depth + 1);
        }
        if (pretty && !sorted.empty()) newline(depth);
        out.push_back('}');
        return;
      }
    }
  }
};

// ---------------------------------------------------------------------------
// Parse

// Go's quoteChar for scanner errors.
std::string quote_char(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string q = value::go_quote(std::string(1, static_cast<char>(c)));
  return "'" + q.substr(1, q.size() - 2) + "'";
}

struct ParseError {
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Value document() {
    skip_space();
    if (i_ >= s_.size()) throw ParseError{"EOF"};
    Value v = value("looking for beginning of value");
    skip_space();
    if (i_ < s_.size()) fail_char("after top-level value");
    return v;
  }

 private:
  [[noreturn]] void fail_char(const std::string& context) {
    throw ParseError{"invalid character " + quote_char(static_cast<unsigned char>(s_[i_])) + " " + context};
  }
  [[noreturn]] static void fail_eof() { throw ParseError{"unexpected EOF"}; }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  void literal(std::string_view word) {
    for (size_t k = 0; k < word.size(); ++k, ++i_) {
      if (i_ >= s_.size()) fail_eof();
      if (s_[i_] != word[k]) {
        fail_char("in literal " + std::string(word) + " (expecting " + quote_char(static_cast<unsigned char>(word[k])) + ")");
      }
    }
  }

  Value value(const char* context) {
    if (i_ >= s_.size()) fail_eof();
    char c = s_[i_];
    switch (c) {
      case '{': return object();
      case '[': return array();
      case '"': return Value::string(string());
      case 't': literal("true"); return Value::boolean(true);
      case 'f': literal("false"); return Value::boolean(false);
      case 'n': literal("null"); return Value::null();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail_char(context);
    }
  }

  Value number() {
    size_t start = i_;
    auto digit = [&](size_t k) { return k < s_.size() && s_[k] >= '0' && s_[k] <= '9'; };
    if (s_[i_] == '-') {
      ++i_;
      if (i_ >= s_.size()) fail_eof();
      if (!digit(i_)) fail_char("in numeric literal");
    }
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (digit(i_)) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size()) fail_eof();
      if (!digit(i_)) fail_char("after decimal point in numeric literal");
      while (digit(i_)) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size()) fail_eof();
      if (!digit(i_)) fail_char("in exponent of numeric literal");
      while (digit(i_)) ++i_;
    }
    return *number_from_text(s_.substr(start, i_ - start));
  }

  uint32_t hex4() {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      if (i_ >= s_.size()) fail_eof();
      char c = s_[i_];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) fail_char("in \\u hexadecimal character escape");
      v = v << 4 | static_cast<uint32_t>(d);
    }
    return v;
  }

  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail_eof();
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return out;
      }
      if (c < 0x20) fail_char("in string literal");
      if (c == '\\') {
        ++i_;
        if (i_ >= s_.size()) fail_eof();
        char e = s_[i_++];
        switch (e) {
          case '"': out.push_back('"'); break;
          case '\\': out.push_back('\\'); break;
          case '/': out.push_back('/'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'u': {
            char32_t r = hex4();
            if (r >= 0xD800 && r < 0xDC00) {
              // A high surrogate pairs with an immediately following \uDC00-\uDFFF.
              if (i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
                size_t save = i_;
                i_ += 2;
                char32_t low = hex4();
                if (low >= 0xDC00 && low < 0xE000) {
                  r = 0x10000 + ((r - 0xD800) << 10) + (low - 0xDC00);
                } else {
                  i_ = save;
                  r = kRuneError;
                }
              } else {
                r = kRuneError;
              }
            } else if (r >= 0xDC00 && r < 0xE000) {
              r = kRuneError;
            }
            append_rune(r, out);
            break;
          }
          default:
            --i_;
            fail_char("in string escape code");
        }
        continue;
      }
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++i_;
        continue;
      }
      DecodedRune d = decode_rune(s_, i_);
      append_rune(d.rune, out);  // invalid bytes become U+FFFD, as Go's decoder does
      i_ += d.width;
    }
  }

  Value array() {
    ++i_;
    std::vector<Value> items;
    skip_space();
    if (i_ >= s_.size()) fail_eof();
    if (s_[i_] == ']') {
      ++i_;
      return Value::array({});
    }
    while (true) {
      skip_space();
      items.push_back(value("looking for beginning of value"));
      skip_space();
      if (i_ >= s_.size()) fail_eof();
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == ']') {
        ++i_;
        return Value::array(std::move(items));
      }
      fail_char("after array element");
    }
  }

  Value object() {
    ++i_;
    std::vector<Value::Entry> entries;
    skip_space();
    if (i_ >= s_.size()) fail_eof();
    if (s_[i_] == '}') {
      ++i_;
      return Value::object({});
    }
    while (true) {
      skip_space();
      if (i_ >= s_.size()) fail_eof();
      if (s_[i_] != '"') fail_char("looking for beginning of object key string");
      Value key = Value::string(string());
      skip_space();
      if (i_ >= s_.size()) fail_eof();
      if (s_[i_] != ':') fail_char("after object key");
      ++i_;
      skip_space();
      entries.emplace_back(std::move(key), value("looking for beginning of value"));
      skip_space();
      if (i_ >= s_.size()) fail_eof();
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return Value::object(std::move(entries));  // a repeated key: the last one wins, as in Go
      }
      fail_char("after object key:value pair");
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string go_json_marshal(const Value& v, bool pretty, std::string_view prefix, std::string_view indent) {
  Writer w{pretty, prefix, indent, {}};
  w.write(v, 0);
  return std::move(w.out);
}

bool go_json_parse(std::string_view text, Value* out, std::string* error) {
  try {
    *out = Parser(text).document();
    return true;
  } catch (const ParseError& e) {
    *error = e.message;
    return false;
  }
}

}  // namespace tollgate::rego
