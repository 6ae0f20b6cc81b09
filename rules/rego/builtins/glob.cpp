// glob.match and glob.quote_meta (OPA topdown/glob.go).
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/glob_pattern.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// The delimiters operand: null means none, an empty array means ".", else
// each element must be a one-rune string.
std::vector<char32_t> delimiters_operand(const Value& v) {
  if (v.is_null()) return {};
  if (!v.is_array()) throw_operand_type_error(2, v, {"array", "null"});
  std::vector<char32_t> out;
  for (const Value& item : v.items()) {
    if (!item.is_string()) throw_operand_element_error(2, v, item, "string");
    const std::string& s = item.as_string();
    if (s.empty() || decode_rune(s, 0).width != s.size()) throw_operand_element_error(2, v, item, "rune");
    out.push_back(decode_rune(s, 0).rune);
  }
  if (out.empty()) out.push_back('.');
  return out;
}

Result glob_match(Args args, BuiltinContext&) {
  const std::string& pattern = string_operand(args, 1);
  std::vector<char32_t> delimiters = delimiters_operand(args[1]);
  const std::string& s = string_operand(args, 3);
  std::string error;
  std::shared_ptr<const GlobPattern> glob = cached_glob(pattern, delimiters, &error);
  if (!glob) throw_builtin_error(std::move(error));
  return Value::boolean(glob->matches(s));
}

Result glob_quote_meta_builtin(Args args, BuiltinContext&) {
  return Value::string(glob_quote_meta(string_operand(args, 1)));
}

}  // namespace

void register_glob_builtins(BuiltinRegistry& r) {
  r.add({.name = "glob.match", .arity = 3, .function = glob_match});
  r.add({.name = "glob.quote_meta", .arity = 1, .function = glob_quote_meta_builtin});
}

}  // namespace tollgate::rego
