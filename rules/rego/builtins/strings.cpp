// String builtins (OPA topdown/strings.go). Positions and lengths are in
// code points; everything else follows Go's strings package.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_template.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"
#include "rules/rego/builtins/sprintf.h"
#include "rules/rego/go_float.h"
#include "rules/rego/number.h"
#include "rules/value/decimal.h"
#include "rules/value/eval_budget.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// Go's strings.Replacer: at each byte position the first pair (in argument
// order) whose old string matches there is replaced; an empty old string
// matches between bytes, but not twice in a row.
std::string replace_pairs(std::string_view s, const std::vector<std::pair<std::string_view, std::string_view>>& pairs) {
  std::string out;
  out.reserve(s.size());
  size_t last = 0;
  bool prev_match_empty = false;
  for (size_t i = 0; i <= s.size();) {
    const std::pair<std::string_view, std::string_view>* match = nullptr;
    for (const auto& pair : pairs) {
      if (pair.first.empty() && prev_match_empty) continue;
      if (s.substr(i).starts_with(pair.first)) {
        match = &pair;
        break;
      }
    }
    prev_match_empty = match != nullptr && match->first.empty();
    if (match != nullptr) {
      value::charge_memory(match->second.size());  // a long replacement multiplies the input
      out.append(s.substr(last, i - last));
      out.append(match->second);
      i += match->first.size();
      last = i;
      continue;
    }
    ++i;
  }
  if (last < s.size()) out.append(s.substr(last));
  return out;
}

// The byte offsets of rune starts, plus s.size().
std::vector<size_t> rune_offsets(std::string_view s) {
  std::vector<size_t> offsets;
  offsets.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); i += decode_rune(s, i).width) offsets.push_back(i);
  offsets.push_back(s.size());
  return offsets;
}

Result concat(Args args, BuiltinContext&) {
  const std::string& sep = string_operand(args, 1);
  const Value& coll = args[1];
  if (!coll.is_array() && !coll.is_set()) throw_operand_type_error(2, coll, {"set", "array"});
  size_t size = 0;
  for (const Value& item : coll.items()) {
    if (!item.is_string()) throw_operand_element_error(2, coll, item, "string");
    size += item.as_string().size() + sep.size();
  }
  if (coll.items().size() == 1) return coll.items()[0];
  value::charge_memory(size);  // before asking for it: a long separator multiplies the input
  std::string out;
  out.reserve(size);
  bool first = true;
  for (const Value& item : coll.items()) {
    if (!first) out += sep;
    out += item.as_string();
    first = false;
  }
  return Value::string(std::move(out));
}

Result contains(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& t = string_operand(args, 2);
  return Value::boolean(s.find(t) != std::string::npos);
}

Result startswith(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& t = string_operand(args, 2);
  return Value::boolean(std::string_view(s).starts_with(t));
}

Result endswith(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& t = string_operand(args, 2);
  return Value::boolean(std::string_view(s).ends_with(t));
}

// The integer part of a number as OPA computes it: the number read as a Go
// big.Float (64-bit mantissa), truncated toward zero.
Value integer_part(const Value& number) {
  Value n = canonical_number(number);
  if (n.is_int()) return n;
  value::Decimal d;
  if (!value::parse_decimal(number_text(n), &d, nullptr)) return Value::integer(0);
  return canonical_number(*number_from_text(GoFloat::parse(d).truncated().to_string()));
}

Result format_int(Args args, BuiltinContext&) {
  const Value& number = number_operand(args, 1);
  const Value& base = number_operand(args, 2);
  const char* format = nullptr;
  int64_t b = 0;
  if (integral_int64(base, &b)) {
    switch (b) {
      case 2: format = "%b"; break;
      case 8: format = "%o"; break;
      case 10: format = "%d"; break;
      case 16: format = "%x"; break;
      default: break;
    }
  }
  if (format == nullptr) throw_operand_error(2, "must be one of {2, 8, 10, 16}");
  Value integer = integer_part(number);
  return Value::string(go_sprintf(format, std::span<const Value>(&integer, 1)));
}

void require_search_text(const std::string& search) {
  if (search.empty()) throw_builtin_error("empty search character");
}

Result indexof(Args args, BuiltinContext&) {
  const std::string& base = string_operand(args, 1);
  const std::string& search = string_operand(args, 2);
  require_search_text(search);
  size_t byte_index = base.find(search);
  if (byte_index == std::string::npos) return Value::integer(-1);
  return Value::integer(static_cast<int64_t>(rune_count(std::string_view(base).substr(0, byte_index))));
}

Result indexof_n(Args args, BuiltinContext&) {
  const std::string& base = string_operand(args, 1);
  const std::string& search = string_operand(args, 2);
  require_search_text(search);
  std::vector<Value> found;
  int64_t rune_index = 0;
  for (size_t i = 0; i < base.size(); ++rune_index) {
    DecodedRune d = decode_rune(base, i);
    // Compare rune by rune so that an invalid byte (U+FFFD) matches as Go's []rune does.
    size_t j = i;
    size_t k = 0;
    bool match = true;
    while (k < search.size()) {
      if (j >= base.size()) {
        match = false;
        break;
      }
      DecodedRune a = decode_rune(base, j);
      DecodedRune b = decode_rune(search, k);
      if (a.rune != b.rune) {
        match = false;
        break;
      }
      j += a.width;
      k += b.width;
    }
    if (match) found.push_back(Value::integer(rune_index));
    i += d.width;
  }
  return Value::array(std::move(found));
}

Result lower(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  std::string out = to_lower(s);
  return out == s ? args[0] : Value::string(std::move(out));
}

Result upper(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  std::string out = to_upper(s);
  return out == s ? args[0] : Value::string(std::move(out));
}

Result split(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& delim = string_operand(args, 2);
  std::vector<Value> parts;
  if (delim.empty()) {
    parts.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
      size_t width = decode_rune(s, i).width;
      parts.push_back(Value::string(std::string_view(s).substr(i, width)));
      i += width;
    }
    return Value::array(std::move(parts));
  }
  size_t start = 0;
  while (true) {
    size_t at = s.find(delim, start);
    if (at == std::string::npos) break;
    parts.push_back(Value::string(std::string_view(s).substr(start, at - start)));
    start = at + delim.size();
  }
  if (parts.empty()) return Value::array({args[0]});
  parts.push_back(Value::string(std::string_view(s).substr(start)));
  return Value::array(std::move(parts));
}

Result replace(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& old_text = string_operand(args, 2);
  const std::string& new_text = string_operand(args, 3);
  std::string out = replace_pairs(s, {{old_text, new_text}});
  return out == s ? args[0] : Value::string(std::move(out));
}

Result replace_n(Args args, BuiltinContext&) {
  const Value& patterns = object_operand(args, 1);
  const std::string& s = string_operand(args, 2);
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  pairs.reserve(patterns.entries().size());
  for (const auto& [key, replacement] : patterns.entries()) {  // entries are sorted by key, as OPA sorts them
    if (!key.is_string()) throw_operand_error(1, "non-string key found in pattern object");
    if (!replacement.is_string()) throw_operand_error(1, "non-string value found in pattern object");
    pairs.emplace_back(key.as_string(), replacement.as_string());
  }
  return Value::string(replace_pairs(s, pairs));
}

Result sprintf(Args args, BuiltinContext&) {
  const std::string& format = string_operand(args, 1);
  const Value& values = args[1];
  if (!values.is_array()) throw_operand_type_error(2, values, {"array"});
  std::string out = go_sprintf(format, values.items());
  charge_work(out.size());  // formatting did work in proportion to what it wrote
  return Value::string(std::move(out));
}

Result substring(Args args, BuiltinContext&) {
  const std::string& base = string_operand(args, 1);
  int64_t start = int_operand(args, 2);
  int64_t length = int_operand(args, 3);
  if (start < 0) throw_builtin_error("negative offset");
  std::string_view s = base;
  if (is_ascii(s)) {
    if (start >= static_cast<int64_t>(s.size())) return Value::string("");
    size_t from = static_cast<size_t>(start);
    if (length < 0) return Value::string(s.substr(from));
    if (from == 0 && length >= static_cast<int64_t>(s.size())) return args[0];
    return Value::string(s.substr(from, static_cast<size_t>(std::min<int64_t>(length, static_cast<int64_t>(s.size())))));
  }
  std::vector<size_t> offsets = rune_offsets(s);
  auto runes = static_cast<int64_t>(offsets.size() - 1);
  if (start >= runes) return Value::string("");
  if (start == 0 && length >= runes) return args[0];
  int64_t upto = length < 0 ? runes : std::min(runes, start + length);
  size_t from = offsets[static_cast<size_t>(start)];
  size_t to = offsets[static_cast<size_t>(upto)];
  if (!valid_utf8(s)) return Value::string(from_runes(to_runes(s), static_cast<size_t>(start), static_cast<size_t>(upto)));
  return Value::string(s.substr(from, to - from));
}

bool in_cutset(char32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    DecodedRune d = decode_rune(cutset, i);
    if (d.rune == r) return true;
    i += d.width;
  }
  return false;
}

// The start of what remains after dropping leading runes in the cutset.
size_t trim_left_end(std::string_view s, std::string_view cutset) {
  size_t i = 0;
  while (i < s.size()) {
    DecodedRune d = decode_rune(s, i);
    if (!in_cutset(d.rune, cutset)) break;
    i += d.width;
  }
  return i;
}

// The end of what remains after dropping trailing runes in the cutset.
size_t trim_right_end(std::string_view s, std::string_view cutset) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && end - start < 4) --start;
    DecodedRune d = decode_rune(s, start);
    if (start + d.width != end) {  // not a whole rune: a single invalid byte
      start = end - 1;
      d = {kRuneError, 1};
    }
    if (!in_cutset(d.rune, cutset)) break;
    end = start;
  }
  return end;
}

Value trimmed(const Value& original, std::string_view s, size_t from, size_t to) {
  if (from == 0 && to == s.size()) return original;
  return Value::string(s.substr(from, to - from));
}

Result trim(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& cutset = string_operand(args, 2);
  if (s.empty() || cutset.empty()) return args[0];
  size_t from = trim_left_end(s, cutset);
  size_t to = from == s.size() ? from : trim_right_end(s, cutset);
  return trimmed(args[0], s, from, to);
}

Result trim_left(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& cutset = string_operand(args, 2);
  if (s.empty() || cutset.empty()) return args[0];
  return trimmed(args[0], s, trim_left_end(s, cutset), s.size());
}

Result trim_right(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& cutset = string_operand(args, 2);
  if (s.empty() || cutset.empty()) return args[0];
  return trimmed(args[0], s, 0, trim_right_end(s, cutset));
}

Result trim_prefix(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& prefix = string_operand(args, 2);
  if (prefix.empty() || !std::string_view(s).starts_with(prefix)) return args[0];
  return Value::string(std::string_view(s).substr(prefix.size()));
}

Result trim_suffix(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& suffix = string_operand(args, 2);
  if (suffix.empty() || !std::string_view(s).ends_with(suffix)) return args[0];
  return Value::string(std::string_view(s).substr(0, s.size() - suffix.size()));
}

Result trim_space(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  size_t from = 0;
  while (from < s.size()) {
    DecodedRune d = decode_rune(s, from);
    if (!is_space_rune(d.rune)) break;
    from += d.width;
  }
  size_t to = s.size();
  while (to > from) {
    size_t start = to - 1;
    while (start > from && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && to - start < 4) --start;
    DecodedRune d = decode_rune(s, start);
    if (start + d.width != to || !is_space_rune(d.rune)) break;
    to = start;
  }
  return trimmed(args[0], s, from, to);
}

// A string, or the strings of an array or set, for the any_*_match builtins.
std::vector<std::string_view> string_or_strings(const Value& v, int pos) {
  if (v.is_string()) return {v.as_string()};
  if (v.is_array() || v.is_set()) return string_items_operand(v, pos);
  throw_operand_type_error(pos, v, {"string", "set", "array"});
}

Result any_prefix_match(Args args, BuiltinContext&) {
  std::vector<std::string_view> strings = string_or_strings(args[0], 1);
  std::vector<std::string_view> prefixes = string_or_strings(args[1], 2);
  for (std::string_view s : strings) {
    for (std::string_view p : prefixes) {
      if (s.starts_with(p)) return Value::boolean(true);
    }
  }
  return Value::boolean(false);
}

Result any_suffix_match(Args args, BuiltinContext&) {
  std::vector<std::string_view> strings = string_or_strings(args[0], 1);
  std::vector<std::string_view> suffixes = string_or_strings(args[1], 2);
  for (std::string_view s : strings) {
    for (std::string_view p : suffixes) {
      if (s.ends_with(p)) return Value::boolean(true);
    }
  }
  return Value::boolean(false);
}

Result reverse(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  std::vector<char32_t> runes = to_runes(s);
  std::reverse(runes.begin(), runes.end());
  return Value::string(from_runes(runes, 0, runes.size()));
}

Result count(Args args, BuiltinContext&) {
  const std::string& s = string_operand(args, 1);
  const std::string& sub = string_operand(args, 2);
  if (sub.empty()) return Value::integer(static_cast<int64_t>(rune_count(s)) + 1);
  int64_t n = 0;
  for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
  return Value::integer(n);
}

Result render_template(Args args, BuiltinContext&) {
  const std::string& text = string_operand(args, 1);
  const Value& vars = object_operand(args, 2);
  std::string error;
  std::optional<std::string> out = render_go_template(text, vars, &error);
  if (!out) throw_builtin_error(std::move(error));
  return Value::string(std::move(*out));
}

}  // namespace

void register_string_builtins(BuiltinRegistry& r) {
  r.add({.name = "concat", .arity = 2, .function = concat});
  r.add({.name = "contains", .arity = 2, .function = contains});
  r.add({.name = "startswith", .arity = 2, .function = startswith});
  r.add({.name = "endswith", .arity = 2, .function = endswith});
  r.add({.name = "format_int", .arity = 2, .function = format_int});
  r.add({.name = "indexof", .arity = 2, .function = indexof});
  r.add({.name = "indexof_n", .arity = 2, .function = indexof_n});
  r.add({.name = "lower", .arity = 1, .function = lower});
  r.add({.name = "upper", .arity = 1, .function = upper});
  r.add({.name = "split", .arity = 2, .function = split});
  r.add({.name = "replace", .arity = 3, .function = replace});
  r.add({.name = "strings.replace_n", .arity = 2, .function = replace_n});
  r.add({.name = "sprintf", .arity = 2, .function = sprintf});
  r.add({.name = "substring", .arity = 3, .function = substring});
  r.add({.name = "trim", .arity = 2, .function = trim});
  r.add({.name = "trim_left", .arity = 2, .function = trim_left});
  r.add({.name = "trim_right", .arity = 2, .function = trim_right});
  r.add({.name = "trim_prefix", .arity = 2, .function = trim_prefix});
  r.add({.name = "trim_suffix", .arity = 2, .function = trim_suffix});
  r.add({.name = "trim_space", .arity = 1, .function = trim_space});
  r.add({.name = "strings.any_prefix_match", .arity = 2, .function = any_prefix_match});
  r.add({.name = "strings.any_suffix_match", .arity = 2, .function = any_suffix_match});
  r.add({.name = "strings.reverse", .arity = 1, .function = reverse});
  r.add({.name = "strings.count", .arity = 2, .function = count});
  r.add({.name = "strings.render_template", .arity = 2, .function = render_template});
}

}  // namespace tollgate::rego
