#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rules/cel/format_clauses.h"
#include "rules/cel/go_format.h"
#include "rules/cel/string_format_v1.h"
#include "rules/value/regex_cache.h"
#include "rules/cel/stdlib.h"
#include "rules/cel/time_util.h"
#include "rules/cel/utf8.h"
#include "rules/value/go_quote.h"
#include "rules/value/utf8.h"

namespace tollgate::cel {

namespace {

using Args = std::span<const Value>;
using T = CelType;

uint64_t cost_receiver_size(Args a, const Result&) { return 1 + size_cost(a[0]); }
uint64_t cost_product(Args a, const Result&) { return 1 + size_cost(a[0]) * std::max<uint64_t>(1, size_cost(a[1])); }
uint64_t cost_result_size(Args a, const Result& r) { return 1 + size_cost(a[0]) + (r.ok() ? size_cost(r.value()) : 0); }

Result contains(Args a) { return Value::boolean(a[0].as_string().find(a[1].as_string()) != std::string::npos); }
Result starts_with(Args a) {
  const auto& s = a[0].as_string();
  const auto& p = a[1].as_string();
  return Value::boolean(s.size() >= p.size() && s.compare(0, p.size(), p) == 0);
}
Result ends_with(Args a) {
  const auto& s = a[0].as_string();
  const auto& p = a[1].as_string();
  return Value::boolean(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
}

Result matches(Args a) {
  std::string error;
  auto re = value::cached_regex(a[1].as_string(), &error);
  if (!re) return make_error("invalid regular expression '" + a[1].as_string() + "': " + error);
  return Value::boolean(re2::RE2::PartialMatch(a[0].as_string(), *re));
}
uint64_t matches_cost(Args a, const Result&) {
  return ((a[0].as_string().size() + 10) / 10) * ((a[1].as_string().size() + 3) / 4);
}

Result find(Args a) {
  std::string error;
  auto re = value::cached_regex(a[1].as_string(), &error);
  if (!re) return make_error("invalid regular expression '" + a[1].as_string() + "': " + error);
  re2::StringPiece match;
  re2::StringPiece input(a[0].as_string());
  if (!re->Match(input, 0, input.size(), re2::RE2::UNANCHORED, &match, 1)) return Value::string("");
  return Value::string(std::string(match.data(), match.size()));
}

Result find_all(Args a) {
  std::string error;
  auto re = value::cached_regex(a[1].as_string(), &error);
  if (!re) return make_error("invalid regular expression '" + a[1].as_string() + "': " + error);
  int64_t limit = a.size() > 2 ? a[2].as_int() : -1;
  std::vector<Value> out;
  const std::string& s = a[0].as_string();
  re2::StringPiece input(s);
  size_t pos = 0;
  int64_t prev_end = -1;
  while (pos <= s.size() && (limit < 0 || static_cast<int64_t>(out.size()) < limit)) {
    re2::StringPiece match;
    if (!re->Match(input, pos, s.size(), re2::RE2::UNANCHORED, &match, 1)) break;
    const size_t start = static_cast<size_t>(match.data() - s.data());
    const size_t end = start + match.size();
    // Go skips an empty match right after the previous match.
    if (!(match.empty() && static_cast<int64_t>(start) == prev_end)) out.push_back(Value::string(std::string(match)));
    prev_end = static_cast<int64_t>(end);
    if (end > pos) {
      pos = end;
    } else {
      // Advance one code point past an empty match.
      size_t next = pos + 1;
      while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
      pos = next;
    }
  }
  return Value::array(std::move(out));
}

// ---- ext.Strings ----

Result index_error(int64_t i) { return make_error("index out of range: " + std::to_string(i)); }

Result char_at(Args a) {
  const auto cps = utf8_offsets(a[0].as_string());
  const int64_t n = static_cast<int64_t>(cps.size()) - 1;
  const int64_t i = a[1].as_int();
  if (i < 0 || i > n) return index_error(i);
  if (i == n) return Value::string("");
  return Value::string(a[0].as_string().substr(cps[i], cps[i + 1] - cps[i]));
}

int64_t find_runes(const std::vector<char32_t>& s, const std::vector<char32_t>& sub, int64_t from, bool last) {
  const int64_t n = static_cast<int64_t>(s.size()), m = static_cast<int64_t>(sub.size());
  auto at = [&](int64_t i) { return std::equal(sub.begin(), sub.end(), s.begin() + i); };
  if (!last) {
    for (int64_t i = from; i + m <= n; ++i)
      if (at(i)) return i;
    return -1;
  }
  for (int64_t i = std::min(from, n - m); i >= 0; --i)
    if (at(i)) return i;
  return -1;
}

template <bool kLast, bool kPastEndFindsNothing = false>
Result index_of(Args a) {
  const auto s = utf8_decode(a[0].as_string());
  const auto sub = utf8_decode(a[1].as_string());
  const int64_t n = static_cast<int64_t>(s.size());
  if (a.size() == 2) {
    if (sub.empty()) return Value::integer(kLast ? n : 0);
    return Value::integer(find_runes(s, sub, kLast ? n : 0, kLast));
  }
  const int64_t off = a[2].as_int();
  if (sub.empty()) return Value::integer(off);
  if (off < 0 || (off >= n && !kPastEndFindsNothing)) return index_error(off);
  if (off >= n) return Value::integer(-1);  // cel-go v0.22
  return Value::integer(find_runes(s, sub, off, kLast));
}

Result lower_ascii(Args a) {
  std::string s = a[0].as_string();
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return Value::string(std::move(s));
}
Result upper_ascii(Args a) {
  std::string s = a[0].as_string();
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return Value::string(std::move(s));
}

// Go strings.Replace.
Result replace(Args a) {
  const std::string& s = a[0].as_string();
  const std::string& from = a[1].as_string();
  const std::string& to = a[2].as_string();
  int64_t n = a.size() > 3 ? a[3].as_int() : -1;
  if (n == 0 || (from == to && !from.empty())) return a[0];
  std::string out;
  if (from.empty()) {
    // Matches at the start and after each code point: k+1 matches for k code points.
    const auto offs = utf8_offsets(s);
    int64_t done = 0;
    for (size_t i = 0; i < offs.size(); ++i) {
      if (n < 0 || done < n) {
        out += to;
        ++done;
      }
      if (i + 1 < offs.size()) out.append(s, offs[i], offs[i + 1] - offs[i]);
    }
    return Value::string(std::move(out));
  }
  size_t pos = 0;
  int64_t done = 0;
  while (n < 0 || done < n) {
    const size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
    ++done;
  }
  out.append(s, pos, std::string::npos);
  return Value::string(std::move(out));
}

// Go strings.SplitN.
Result split(Args a) {
  const std::string& s = a[0].as_string();
  const std::string& sep = a[1].as_string();
  const int64_t n = a.size() > 2 ? a[2].as_int() : -1;
  std::vector<Value> out;
  if (n == 0) return Value::array({});
  if (sep.empty()) {
    const auto offs = utf8_offsets(s);
    const size_t count = offs.size() - 1;
    for (size_t i = 0; i < count; ++i) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
        out.push_back(Value::string(s.substr(offs[i])));
        break;
      }
      out.push_back(Value::string(s.substr(offs[i], offs[i + 1] - offs[i])));
    }
    return Value::array(std::move(out));
  }
  size_t pos = 0;
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    const size_t hit = s.find(sep, pos);
    if (hit == std::string::npos) break;
    out.push_back(Value::string(s.substr(pos, hit - pos)));
    pos = hit + sep.size();
  }
  out.push_back(Value::string(s.substr(pos)));
  return Value::array(std::move(out));
}

Result substring(Args a) {
  const auto offs = utf8_offsets(a[0].as_string());
  const int64_t n = static_cast<int64_t>(offs.size()) - 1;
  const int64_t start = a[1].as_int();
  const int64_t end = a.size() > 2 ? a[2].as_int() : n;
  if (start < 0 || start > n) return index_error(start);
  if (end < 0 || end > n) return index_error(end);
  if (end < start) return make_error("invalid substring range. start: " + std::to_string(start) +
                                     ", end: " + std::to_string(end));
  return Value::string(a[0].as_string().substr(offs[start], offs[end] - offs[start]));
}

bool is_unicode_space(char32_t c) {
  switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: return true;
    default: return c >= 0x2000 && c <= 0x200A;
  }
}

Result trim(Args a) {
  const auto cps = utf8_decode(a[0].as_string());
  size_t b = 0, e = cps.size();
  while (b < e && is_unicode_space(cps[b])) ++b;
  while (e > b && is_unicode_space(cps[e - 1])) --e;
  std::string out;
  for (size_t i = b; i < e; ++i) value::append_utf8(cps[i], out);
  return Value::string(std::move(out));
}

Result join(Args a) {
  const std::string sep = a.size() > 1 ? a[1].as_string() : "";
  std::string out;
  bool first = true;
  for (const auto& item : a[0].items()) {
    if (!item.is_string()) return no_such_overload("join");
    if (!first) out += sep;
    out += item.as_string();
    first = false;
  }
  return Value::string(std::move(out));
}

Result quote(Args a) {
  return Value::string(value::go_quote(a[0].as_string(), value::GoQuoteStyle::kCelStrings));
}

// ---- format ----

std::string format_value_as_string(const Value& v, bool* ok);

std::string format_double_for_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return format_double_go(d);
}

// %s: lists and maps print their elements unquoted; map entries sort by
// their printed key (what cel-go's formatter does).
std::string format_value_as_string(const Value& v, bool* ok) {
  switch (v.kind()) {
    case value::Kind::Null: return "null";
    case value::Kind::Bool: return v.as_bool() ? "true" : "false";
    case value::Kind::Int: return std::to_string(v.as_int());
    case value::Kind::Uint: return std::to_string(v.as_uint());
    case value::Kind::Double: return format_double_for_string(v.as_double());
    case value::Kind::String: return v.as_string();
    case value::Kind::Bytes:
      if (!valid_utf8(v.as_string())) *ok = false;
      return v.as_string();
    case value::Kind::Array:
    case value::Kind::Set:
      return bracketed_list(v.items(), [ok](const Value& item) { return format_value_as_string(item, ok); });
    case value::Kind::Object: {
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& [k, val] : v.entries())
        entries.emplace_back(format_value_as_string(k, ok), format_value_as_string(val, ok));
      std::sort(entries.begin(), entries.end());
      std::string out = "{";
      bool first = true;
      for (const auto& [k, val] : entries) {
        if (!first) out += ", ";
        first = false;
        out += k + ": " + val;
      }
      return out + "}";
    }
    case value::Kind::Opaque: {
      if (const auto* t = as_timestamp(v)) return format_rfc3339(t->seconds(), t->nanos(), t->offset_seconds());
      if (const auto* d = as_duration(v)) return format_duration(d->nanos());
      if (const auto* t = as_type(v)) return t->name();
      return v.as_opaque().debug_string();
    }
    default: return v.is_bignum() ? v.as_string() : "";
  }
}

std::string to_base(uint64_t u, int base, bool upper) {
  if (u == 0) return "0";
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  while (u) {
    out += digits[u % static_cast<uint64_t>(base)];
    u /= static_cast<uint64_t>(base);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result format(Args a) {
  std::vector<FormatPiece> pieces;
  if (auto error = split_format(a[0].as_string(), &pieces)) return make_error(*error);
  const auto& args = a[1].items();
  std::string out;
  size_t next = 0;
  for (const FormatPiece& piece : pieces) {
    if (piece.verb == 0) {
      out += piece.text;
      continue;
    }
    const int precision = piece.precision;
    const char verb = piece.verb;
    if (next >= args.size()) return make_error("index " + std::to_string(next) + " out of range");
    const Value& v = args[next++];
    switch (verb) {
      case 's': {
        bool ok = true;
        out += format_value_as_string(v, &ok);
        if (!ok) return make_error("invalid UTF-8 in bytes");
        break;
      }
      case 'd':
        if (v.is_int()) out += std::to_string(v.as_int());
        else if (v.is_uint()) out += std::to_string(v.as_uint());
        else if (v.is_double() && (std::isnan(v.as_double()) || std::isinf(v.as_double())))
          out += format_double_for_string(v.as_double());
        else return make_error("error during formatting: decimal clause can only be used on integers, was given " +
                               std::string(runtime_type_name(v)));
        break;
      case 'f':
      case 'e': {
        double d;
        if (v.is_double()) d = v.as_double();
        else if (v.is_int()) d = static_cast<double>(v.as_int());
        else if (v.is_uint()) d = static_cast<double>(v.as_uint());
        else return make_error("error during formatting: fixed-point clause can only be used on doubles, was given " +
                               std::string(runtime_type_name(v)));
        const int p = precision < 0 ? 6 : precision;
        if (std::isnan(d)) out += "NaN";
        else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
        else {
          // Room for every digit asked for: 309 integer digits at most, plus sign, point and exponent.
          std::string buf(static_cast<size_t>(p) + 400, '\0');
          const int n = std::snprintf(buf.data(), buf.size(), verb == 'f' ? "%.*f" : "%.*e", p, d);
          out.append(buf.data(), n > 0 ? static_cast<size_t>(n) : 0);
        }
        break;
      }
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        const int base = verb == 'b' ? 2 : verb == 'o' ? 8 : 16;
        const bool upper = verb == 'X';
        if (v.is_int()) {
          const int64_t x = v.as_int();
          if (x < 0) out += '-';
          out += to_base(x < 0 ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x), base, upper);
        } else if (v.is_uint()) {
          out += to_base(v.as_uint(), base, upper);
        } else if (v.is_bool() && base == 2) {
          out += v.as_bool() ? "1" : "0";
        } else if ((v.is_string() || v.is_bytes()) && base == 16) {
          for (unsigned char c : v.as_string()) {
            const std::string h = to_base(c, 16, upper);
            if (h.size() == 1) out += '0';
            out += h;
          }
        } else {
          return make_error(std::string("error during formatting: unsupported type for %") + verb + ": " +
                            std::string(runtime_type_name(v)));
        }
        break;
      }
      default: return make_error(unknown_format_verb_error(verb));
    }
  }
  return Value::string(std::move(out));
}

}  // namespace

void register_string_functions(FunctionRegistry& r, StdlibVersion v) {
  const T s = T::string(), i = T::int_(), bo = T::bool_();
  r.add_member("contains", "contains_string", {s, s}, bo, contains, cost_product);
  r.add_member("startsWith", "starts_with_string", {s, s}, bo, starts_with, cost_receiver_size);
  r.add_member("endsWith", "ends_with_string", {s, s}, bo, ends_with, cost_receiver_size);
  {
    Overload m;
    m.function = "matches";
    m.id = "matches_string";
    m.style = CallStyle::Receiver;
    m.args = {s, s};
    m.result = bo;
    m.impl = matches;
    m.cost = matches_cost;
    m.constant_check = [](std::span<const Value> a) -> std::optional<std::string> {
      std::string error;
      if (a[1].is_string() && !value::cached_regex(a[1].as_string(), &error)) {
        return "invalid regular expression '" + a[1].as_string() + "': " + error;
      }
      return std::nullopt;
    };
    r.add(m);
    m.id = "matches";
    m.style = CallStyle::Global;
    r.add(m);
  }
  r.add_member("find", "string_find", {s, s}, s, find, matches_cost);
  r.add_member("findAll", "string_find_all", {s, s}, T::list(s), find_all, matches_cost);
  r.add_member("findAll", "string_find_all_n", {s, s, i}, T::list(s), find_all, matches_cost);

  r.add_member("charAt", "string_char_at_int", {s, i}, s, char_at);
  r.add_member("indexOf", "string_index_of_string", {s, s}, i, index_of<false>, cost_receiver_size);
  r.add_member("indexOf", "string_index_of_string_int", {s, s, i}, i,
               v.cel_go_v0_22 ? index_of<false, true> : index_of<false>, cost_receiver_size);
  r.add_member("lastIndexOf", "string_last_index_of_string", {s, s}, i, index_of<true>, cost_receiver_size);
  r.add_member("lastIndexOf", "string_last_index_of_string_int", {s, s, i}, i,
               v.cel_go_v0_22 ? index_of<true, true> : index_of<true>, cost_receiver_size);
  r.add_member("lowerAscii", "string_lower_ascii", {s}, s, lower_ascii, cost_receiver_size);
  r.add_member("upperAscii", "string_upper_ascii", {s}, s, upper_ascii, cost_receiver_size);
  r.add_member("replace", "string_replace_string_string", {s, s, s}, s, replace, cost_result_size);
  r.add_member("replace", "string_replace_string_string_int", {s, s, s, i}, s, replace, cost_result_size);
  r.add_member("split", "string_split_string", {s, s}, T::list(s), split, cost_result_size);
  r.add_member("split", "string_split_string_int", {s, s, i}, T::list(s), split, cost_result_size);
  r.add_member("substring", "string_substring_int", {s, i}, s, substring, cost_receiver_size);
  r.add_member("substring", "string_substring_int_int", {s, i, i}, s, substring, cost_receiver_size);
  r.add_member("trim", "string_trim", {s}, s, trim, cost_receiver_size);
  r.add_member("join", "list_join", {T::list(s)}, s, join, cost_result_size);
  r.add_member("join", "list_join_string", {T::list(s), s}, s, join, cost_result_size);
  r.add_global("strings.quote", "strings_quote", {s}, s, quote, cost_result_size);
  r.add_member("format", "string_format", {s, T::list(T::dyn())}, s, v.cel_go_v0_22 ? format_v1 : format,
               cost_result_size);
}

}  // namespace tollgate::cel
