// internal.template_string: the builtin behind template strings
// ($"text {expr} text"; OPA topdown/template_string.go). The parser passes an
// array of the pieces: literal text and constant scalars as they are, every
// other expression e as the set {v | v = e}, so an undefined e arrives as an
// empty set and prints as <undefined>.
#include <string>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// Strings print raw; any other value as Rego text ([1, "a"], {"k": 1}, set()).
void append_piece_value(const Value& v, std::string& out) {
  if (v.is_string()) out += v.as_string();
  else append_rego_text(v, out);
}

Result template_string(Args args, BuiltinContext&) {
  const Value& pieces = array_operand(args, 1);
  std::string out;
  for (const Value& piece : pieces.items()) {
    if (piece.is_set()) {
      if (piece.size() == 0) out += "<undefined>";
      else if (piece.size() > 1) throw_builtin_error("template-strings must not produce multiple outputs");
      else append_piece_value(piece.items().front(), out);
    } else if (piece.is_array() || piece.is_object()) {
      // Composite expressions always come wrapped in a set by the parser.
      throw_builtin_error(std::string("illegal argument type: ") + rego_type_name(piece));
    } else {
      append_piece_value(piece, out);
    }
  }
  return Value::string(std::move(out));
}

}  // namespace

void register_template_string_builtins(BuiltinRegistry& r) {
  r.add({.name = "internal.template_string", .arity = 1, .function = template_string});
}

}  // namespace tollgate::rego
