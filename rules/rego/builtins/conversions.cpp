// to_number, the deprecated cast_* builtins, any and all (OPA
// topdown/casts.go, aggregates.go).
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"
#include "rules/rego/number.h"
#include "rules/value/go_quote.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

[[noreturn]] void parse_float_error(const std::string& s, const char* why) {
  throw_builtin_error("strconv.ParseFloat: parsing " + value::go_quote(s) + ": " + why);
}

// Go's underscoreOK: underscores only between digits (or after a base prefix).
bool underscores_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B' || s[1] == 'o' || s[1] == 'O')) {
    i = 2;
    saw = '0';
    hex = s[1] == 'x' || s[1] == 'X';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    char lower = static_cast<char>(c | 0x20);
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// A number from a string as Go's strconv.ParseFloat accepts it (decimal,
// hexadecimal with a 'p' exponent, '_' separators), in canonical form.
Value parse_go_float(const std::string& s) {
  std::string text = s;
  if (text.find('_') != std::string::npos) {
    if (!underscores_ok(text)) parse_float_error(s, "invalid syntax");
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  }
  if (std::optional<Value> n = number_from_text(text)) {
    if (std::isinf(std::strtod(text.c_str(), nullptr))) parse_float_error(s, "value out of range");
    return *n;
  }
  std::string_view body = text;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  bool hex = body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  if (hex && body.find_first_of("pP") != std::string_view::npos) {
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size()) {
      if (std::isinf(d)) parse_float_error(s, "value out of range");
      return canonical_number(Value::number(d));
    }
  }
  parse_float_error(s, "invalid syntax");
}

Result to_number(Args args, BuiltinContext&) {
  const Value& v = args[0];
  switch (v.kind()) {
    case value::Kind::Null: return Value::integer(0);
    case value::Kind::Bool: return Value::integer(v.as_bool() ? 1 : 0);
    case value::Kind::String: {
      const std::string& s = v.as_string();
      std::string_view unsigned_part = s;
      while (!unsigned_part.empty() && (unsigned_part[0] == '+' || unsigned_part[0] == '-')) unsigned_part.remove_prefix(1);
      std::string lower = to_lower(unsigned_part);
      if (lower == "inf" || lower == "infinity" || lower == "nan") throw_operand_type_error(1, v, {"valid number string"});
      return parse_go_float(s);
    }
    default:
      // A number comes back as it is, text and all (OPA returns the operand).
      if (v.is_number()) return v.is_bignum() ? v : canonical_number(v);
      throw_operand_type_error(1, v, {"null", "boolean", "number", "string"});
  }
}

Result cast_array(Args args, BuiltinContext&) {
  const Value& v = args[0];
  if (v.is_array()) return v;
  if (v.is_set()) return Value::array(v.items());
  throw_operand_type_error(1, v, {"array", "set"});
}

Result cast_set(Args args, BuiltinContext&) {
  const Value& v = args[0];
  if (v.is_set()) return v;
  if (v.is_array()) return Value::set(v.items());
  throw_operand_type_error(1, v, {"array", "set"});
}

Result cast_string(Args args, BuiltinContext&) {
  if (!args[0].is_string()) throw_operand_type_error(1, args[0], {"string"});
  return args[0];
}

Result cast_boolean(Args args, BuiltinContext&) {
  if (!args[0].is_bool()) throw_operand_type_error(1, args[0], {"boolean"});
  return args[0];
}

Result cast_null(Args args, BuiltinContext&) {
  if (!args[0].is_null()) throw_operand_type_error(1, args[0], {"null"});
  return args[0];
}

Result cast_object(Args args, BuiltinContext&) {
  if (!args[0].is_object()) throw_operand_type_error(1, args[0], {"object"});
  return args[0];
}

const std::vector<Value>& collection_items(const Value& v) {
  if (!v.is_array() && !v.is_set()) throw_operand_type_error(1, v, {"array", "set"});
  return v.items();
}

bool is_true(const Value& v) { return v.is_bool() && v.as_bool(); }

Result any(Args args, BuiltinContext&) {
  const std::vector<Value>& items = collection_items(args[0]);
  return Value::boolean(std::any_of(items.begin(), items.end(), is_true));
}

Result all(Args args, BuiltinContext&) {
  const std::vector<Value>& items = collection_items(args[0]);
  return Value::boolean(std::all_of(items.begin(), items.end(), is_true));
}

}  // namespace

void register_conversion_builtins(BuiltinRegistry& r) {
  r.add({.name = "to_number", .arity = 1, .function = to_number});
  r.add({.name = "cast_array", .arity = 1, .function = cast_array, .deprecated = true});
  r.add({.name = "cast_set", .arity = 1, .function = cast_set, .deprecated = true});
  r.add({.name = "cast_string", .arity = 1, .function = cast_string, .deprecated = true});
  r.add({.name = "cast_boolean", .arity = 1, .function = cast_boolean, .deprecated = true});
  r.add({.name = "cast_null", .arity = 1, .function = cast_null, .deprecated = true});
  r.add({.name = "cast_object", .arity = 1, .function = cast_object, .deprecated = true});
  r.add({.name = "any", .arity = 1, .function = any, .deprecated = true});
  r.add({.name = "all", .arity = 1, .function = all, .deprecated = true});
}

}  // namespace tollgate::rego
