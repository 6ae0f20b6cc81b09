// Encoding builtins (OPA topdown/encoding.go): base64, base64url, hex,
// JSON, YAML and URL query strings, with Go's alphabets, escapes and errors.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/go_yaml.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"
#include "rules/rego/number.h"
#include "rules/value/base64.h"
#include "rules/value/go_quote.h"
#include "rules/value/yaml.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// ---- base64 ----------------------------------------------------------------

// Go's base64 decoding (encoding/base64 with padding, not strict): '\r' and
// '\n' are skipped; the error names the offending input byte.
bool go_base64_decode(std::string_view src, bool url, std::string* out, std::string* error) {
  auto decode = [url](unsigned char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url ? '-' : '+')) return 62;
    if (c == (url ? '_' : '/')) return 63;
    return -1;
  };
  auto corrupt = [error](size_t at) {
    *error = "illegal base64 data at input byte " + std::to_string(at);
    return false;
  };
  auto is_newline = [](char c) { return c == '\r' || c == '\n'; };
  out->clear();
  size_t si = 0;
  while (si < src.size()) {
    unsigned dbuf[4] = {0, 0, 0, 0};
    size_t dlen = 4;
    bool trailing_garbage = false;
    size_t garbage_at = 0;
    for (size_t j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return true;
        return corrupt(si - j);
      }
      unsigned char in = static_cast<unsigned char>(src[si++]);
      int v = decode(in);
      if (v >= 0) {
        dbuf[j] = static_cast<unsigned>(v);
        continue;
      }
      if (is_newline(static_cast<char>(in))) {
        --j;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      if (j < 2) return corrupt(si - 1);
      if (j == 2) {
        while (si < src.size() && is_newline(src[si])) ++si;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (si < src.size() && is_newline(src[si])) ++si;
      if (si < src.size()) {
        trailing_garbage = true;
        garbage_at = si;
      }
      dlen = j;
      break;
    }
    unsigned val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
    out->push_back(static_cast<char>(val >> 16 & 0xFF));
    if (dlen >= 3) out->push_back(static_cast<char>(val >> 8 & 0xFF));
    if (dlen == 4) out->push_back(static_cast<char>(val & 0xFF));
    if (trailing_garbage) return corrupt(garbage_at);
  }
  return true;
}

Result base64_encode(Args args, BuiltinContext&) { return Value::string(value::base64_encode(string_operand(args, 1))); }

Result base64_decode(Args args, BuiltinContext&) {
  std::string out, error;
  if (!go_base64_decode(string_operand(args, 1), false, &out, &error)) throw_builtin_error(std::move(error));
  return Value::string(std::move(out));
}

Result base64_is_valid(Args args, BuiltinContext&) {
  if (!args[0].is_string()) return Value::boolean(false);
  std::string out, error;
  return Value::boolean(go_base64_decode(args[0].as_string(), false, &out, &error));
}

Result base64url_encode(Args args, BuiltinContext&) {
  return Value::string(value::base64url_encode(string_operand(args, 1), /*pad=*/true));
}

Result base64url_encode_no_pad(Args args, BuiltinContext&) {
  return Value::string(value::base64url_encode(string_operand(args, 1), /*pad=*/false));
}

Result base64url_decode(Args args, BuiltinContext&) {
  std::string s = string_operand(args, 1);
  // Padding may be omitted (RFC 7515 appendix C).
  if (!std::string_view(s).ends_with("=")) {
    switch (s.size() % 4) {
      case 0: break;
      case 2: s += "=="; break;
      case 3: s += "="; break;
      default: throw_builtin_error("illegal base64url string: " + s);
    }
  }
  std::string out, error;
  if (!go_base64_decode(s, true, &out, &error)) throw_builtin_error(std::move(error));
  return Value::string(std::move(out));
}

// ---- hex -------------------------------------------------------------------

Result hex_encode(Args args, BuiltinContext&) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string& s = string_operand(args, 1);
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return Value::string(std::move(out));
}

int hex_digit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void invalid_hex_byte(unsigned char c) {
  // Go's InvalidByteError: %#U of the byte as a rune.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string message = "encoding/hex: invalid byte: U+00";
  message.push_back(kHex[c >> 4]);
  message.push_back(kHex[c & 0xF]);
  if ((c >= 0x20 && c < 0x7F) || c >= 0xA1) {
    message += " '";
    append_rune(c, message);
    message += "'";
  }
  throw_builtin_error(std::move(message));
}

Result hex_decode(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  std::string out;
  out.reserve(s.size() / 2);
  size_t i = 1;
  for (; i < s.size(); i += 2) {
    int a = hex_digit(static_cast<unsigned char>(s[i - 1]));
    int b = hex_digit(static_cast<unsigned char>(s[i]));
    if (a < 0) invalid_hex_byte(static_cast<unsigned char>(s[i - 1]));
    if (b < 0) invalid_hex_byte(static_cast<unsigned char>(s[i]));
    out.push_back(static_cast<char>(a << 4 | b));
  }
  if (s.size() % 2 == 1) {
    if (hex_digit(static_cast<unsigned char>(s[i - 1])) < 0) invalid_hex_byte(static_cast<unsigned char>(s[i - 1]));
    throw_builtin_error("encoding/hex: odd length hex string");
  }
  return Value::string(std::move(out));
}

// ---- JSON ------------------------------------------------------------------

// Marshalling does work in proportion to what it writes; YAML's parser is a
// few times slower per byte than JSON's.
constexpr size_t kYamlBytesPerStep = 4;

Value marshalled(std::string text, size_t bytes_per_step = 16) {
  charge_work(text.size(), bytes_per_step);
  return Value::string(std::move(text));
}

Result json_marshal(Args args, BuiltinContext&) { return marshalled(go_json_marshal(args[0])); }

Result json_marshal_with_options(Args args, BuiltinContext&) {
  const Value& options = object_operand(args, 2);
  std::string indent = "\t";
  std::string prefix;
  bool implicit_pretty = false;
  bool explicit_pretty_set = false;
  bool pretty = false;
  for (const auto& [key, v] : options.entries()) {
    if (!key.is_string()) throw_operand_error(2, "failed to stringify key at index");
    const std::string& name = key.as_string();
    if (name == "prefix" || name == "indent") {
      if (!v.is_string()) throw_operand_error(2, "key " + name + " failed cast to string");
      (name == "prefix" ? prefix : indent) = v.as_string();
      implicit_pretty = true;
    } else if (name == "pretty") {
      if (!v.is_bool()) throw_operand_error(2, "key " + name + " failed cast to bool");
      explicit_pretty_set = true;
      pretty = v.as_bool();
    } else {
      throw_operand_error(2, "object contained unknown key " + value::go_quote(name));
    }
  }
  if (!explicit_pretty_set) pretty = implicit_pretty;
  if (!pretty) return marshalled(go_json_marshal(args[0]));
  return marshalled(prefix + go_json_marshal(args[0], true, prefix, indent));
}

Result json_unmarshal(Args args, BuiltinContext&) {
  const std::string& text = string_operand(args, 1);
  charge_work(text.size());
  Value out;
  std::string error;
  if (!go_json_parse(text, &out, &error)) throw_builtin_error(std::move(error));
  return out;
}

Result json_is_valid(Args args, BuiltinContext&) {
  if (!args[0].is_string()) return Value::boolean(false);
  charge_work(args[0].as_string().size());
  Value out;
  std::string error;
  return Value::boolean(go_json_parse(args[0].as_string(), &out, &error));
}

// ---- YAML ------------------------------------------------------------------

Result yaml_marshal(Args args, BuiltinContext&) { return marshalled(go_yaml_marshal(args[0]), kYamlBytesPerStep); }

// Numbers in canonical Rego form, recursively (YAML floats arrive as doubles).
Value canonical_numbers(const Value& v) {
  if (v.is_number()) return canonical_number(v);
  if (v.is_array()) {
    std::vector<Value> items;
    items.reserve(v.items().size());
    for (const Value& item : v.items()) items.push_back(canonical_numbers(item));
    return Value::array(std::move(items));
  }
  if (v.is_object()) {
    std::vector<Value::Entry> entries;
    entries.reserve(v.entries().size());
    for (const auto& [key, item] : v.entries()) entries.emplace_back(key, canonical_numbers(item));
    return Value::object_sorted(std::move(entries));
  }
  return v;
}

// The first YAML document as JSON data (null when there is none), or the
// parser's error in go-yaml's "yaml: line N: ..." form.
bool parse_first_yaml_document(const std::string& text, Value* out, std::string* error) {
  std::vector<value::YamlDocument> docs;
  value::YamlError yaml_error;
  if (!value::parse_yaml(text, &docs, &yaml_error)) {
    int line = yaml_error.go_yaml_line;
    *error = "yaml: " + (line != 0 ? "line " + std::to_string(line) + ": " : std::string()) + yaml_error.message;
    return false;
  }
  *out = docs.empty() ? Value::null() : canonical_numbers(docs.front().value);
  return true;
}

Result yaml_unmarshal(Args args, BuiltinContext&) {
  const std::string& text = string_operand(args, 1);
  charge_work(text.size(), kYamlBytesPerStep);
  Value out;
  std::string error;
  if (!parse_first_yaml_document(text, &out, &error)) throw_builtin_error(std::move(error));
  return out;
}

Result yaml_is_valid(Args args, BuiltinContext&) {
  if (!args[0].is_string()) return Value::boolean(false);
  charge_work(args[0].as_string().size(), kYamlBytesPerStep);
  Value out;
  std::string error;
  return Value::boolean(parse_first_yaml_document(args[0].as_string(), &out, &error));
}

// ---- URL query -------------------------------------------------------------

// Go's url.QueryEscape.
std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// Go's url.QueryUnescape; false with Go's error text on a bad escape.
bool query_unescape(std::string_view s, std::string* out, std::string* error) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      int a = i + 2 < s.size() ? hex_digit(static_cast<unsigned char>(s[i + 1])) : -1;
      int b = i + 2 < s.size() ? hex_digit(static_cast<unsigned char>(s[i + 2])) : -1;
      if (a < 0 || b < 0) {
        *error = "invalid URL escape " + value::go_quote(s.substr(i, std::min<size_t>(3, s.size() - i)));
        return false;
      }
      out->push_back(static_cast<char>(a << 4 | b));
      i += 2;
    } else if (c == '+') {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

Result urlquery_encode(Args args, BuiltinContext&) { return Value::string(query_escape(string_operand(args, 1))); }

Result urlquery_decode(Args args, BuiltinContext&) {
  std::string out, error;
  if (!query_unescape(string_operand(args, 1), &out, &error)) throw_builtin_error(std::move(error));
  return Value::string(std::move(out));
}

Result urlquery_encode_object(Args args, BuiltinContext&) {
  const Value& obj = object_operand(args, 1);
  // url.Values.Encode: keys sorted, each value in order.
  std::map<std::string, std::vector<std::string_view>> values;
  for (const auto& [key, v] : obj.entries()) {
    std::string name = key.is_string() ? key.as_string() : go_json_marshal(key);
    std::vector<std::string_view>& list = values[name];
    list.clear();
    if (v.is_string()) {
      list.push_back(v.as_string());
    } else if (v.is_array() || v.is_set()) {
      for (const Value& item : v.items()) {
        if (!item.is_string()) throw_operand_error(1, "values must be string, array[string], or set[string]");
        list.push_back(item.as_string());
      }
    } else {
      throw_operand_error(1, "values must be string, array[string], or set[string]");
    }
  }
  std::string out;
  for (const auto& [key, list] : values) {
    std::string escaped_key = query_escape(key);
    for (std::string_view v : list) {
      if (!out.empty()) out.push_back('&');
      out += escaped_key;
      out.push_back('=');
      out += query_escape(v);
    }
  }
  return Value::string(std::move(out));
}

Result urlquery_decode_object(Args args, BuiltinContext&) {
  const std::string& query = string_operand(args, 1);
  // url.ParseQuery: '&'-separated pairs; a ';' is an error; the first error wins.
  std::map<std::string, std::vector<Value>> values;
  std::string first_error;
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos) {
      if (first_error.empty()) first_error = "invalid semicolon separator in query";
      continue;
    }
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, val, error;
    if (!query_unescape(pair.substr(0, eq), &key, &error) ||
        !query_unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), &val, &error)) {
      if (first_error.empty()) first_error = error;
      continue;
    }
    values[key].push_back(Value::string(std::move(val)));
  }
  if (!first_error.empty()) throw_builtin_error(std::move(first_error));
  std::vector<Value::Entry> entries;
  for (auto& [key, list] : values) entries.emplace_back(Value::string(key), Value::array(std::move(list)));
  return Value::object(std::move(entries));
}

}  // namespace

void register_encoding_builtins(BuiltinRegistry& r) {
  r.add({.name = "base64.encode", .arity = 1, .function = base64_encode});
  r.add({.name = "base64.decode", .arity = 1, .function = base64_decode});
  r.add({.name = "base64.is_valid", .arity = 1, .function = base64_is_valid});
  r.add({.name = "base64url.encode", .arity = 1, .function = base64url_encode});
  r.add({.name = "base64url.encode_no_pad", .arity = 1, .function = base64url_encode_no_pad});
  r.add({.name = "base64url.decode", .arity = 1, .function = base64url_decode});
  r.add({.name = "hex.encode", .arity = 1, .function = hex_encode});
  r.add({.name = "hex.decode", .arity = 1, .function = hex_decode});
  r.add({.name = "json.marshal", .arity = 1, .function = json_marshal});
  r.add({.name = "json.marshal_with_options", .arity = 2, .function = json_marshal_with_options});
  r.add({.name = "json.unmarshal", .arity = 1, .function = json_unmarshal});
  r.add({.name = "json.is_valid", .arity = 1, .function = json_is_valid});
  r.add({.name = "yaml.marshal", .arity = 1, .function = yaml_marshal});
  r.add({.name = "yaml.unmarshal", .arity = 1, .function = yaml_unmarshal});
  r.add({.name = "yaml.is_valid", .arity = 1, .function = yaml_is_valid});
  r.add({.name = "urlquery.encode", .arity = 1, .function = urlquery_encode});
  r.add({.name = "urlquery.decode", .arity = 1, .function = urlquery_decode});
  r.add({.name = "urlquery.encode_object", .arity = 1, .function = urlquery_encode_object});
  r.add({.name = "urlquery.decode_object", .arity = 1, .function = urlquery_decode_object});
}

}  // namespace tollgate::rego
