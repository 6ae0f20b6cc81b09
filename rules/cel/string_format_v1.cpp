#include "rules/cel/string_format_v1.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "rules/cel/format_clauses.h"
#include "rules/cel/go_format.h"
#include "rules/cel/time_util.h"
#include "rules/cel/utf8.h"
#include "rules/value/go_quote.h"

namespace tollgate::cel {

namespace {

struct FormatError {
  std::string message;
};

std::string type_name(const Value& v) { return std::string(runtime_type_name(v)); }

FormatError clause_error(const char* what, const Value& v) {
  return {std::string("error during formatting: ") + what + type_name(v)};
}

// Go's %d / %b / %o / %x of an integer.
std::string unsigned_in_base(uint64_t n, int base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  do {
    out += digits[n % static_cast<uint64_t>(base)];
    n /= static_cast<uint64_t>(base);
  } while (n);
  std::reverse(out.begin(), out.end());
  return out;
}

std::string integer_text(const Value& v, int base, bool upper) {
  if (v.is_uint()) return unsigned_in_base(v.as_uint(), base, upper);
  const int64_t x = v.as_int();
  if (x < 0) return "-" + unsigned_in_base(0 - static_cast<uint64_t>(x), base, upper);
  return unsigned_in_base(static_cast<uint64_t>(x), base, upper);
}

// Go's strconv.FormatFloat(d, 'f', -1, 64) of a Duration's Seconds() (a float64).
std::string duration_text(int64_t nanos) { return format_duration(nanos); }

std::string timestamp_text(const TimestampValue& t) {
  return format_rfc3339(t.seconds(), t.nanos(), t.offset_seconds());
}

// Digits of fmt's %.<p>f with en_US grouping of the integer part.
std::string grouped_fixed(double d, int precision) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "∞" : "-∞";
  std::vector<char> buf(static_cast<size_t>(precision) + 400);
  std::snprintf(buf.data(), buf.size(), "%.*f", precision, d);
  std::string s(buf.data());
  std::string sign;
  if (!s.empty() && s[0] == '-') {
    sign = "-";
    s.erase(0, 1);
  }
  const size_t dot = s.find('.');
  std::string int_part = s.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : s.substr(dot);
  std::string grouped;
  for (size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) grouped += ',';
    grouped += int_part[i];
  }
  return sign + grouped + rest;
}

// x/text's en_US scientific form: mantissa with 6 decimals, "×10", and the
// exponent (at least two digits) in superscript.
std::string localized_scientific(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "∞" : "-∞";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6e", d);
  std::string s(buf);
  const size_t e = s.find('e');
  std::string out = s.substr(0, e) + "×10";
  const std::string exp = s.substr(e + 1);  // "+03", "-12"
  static const char* kSuperscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  if (exp[0] == '-') out += "⁻";
  for (size_t i = 1; i < exp.size(); ++i) out += kSuperscript[exp[i] - '0'];
  return out;
}

std::string format_string(const Value& v);

// A list or map member, printed as a CEL literal (cel-go's clauseForType and
// quoteForCEL).
std::string literal_member(const Value& v) {
  if (v.is_int() || v.is_uint()) return integer_text(v, 10, false);
  if (v.is_double()) {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.6f", v.as_double());
    if (std::isnan(v.as_double())) return "\"NaN\"";
    if (std::isinf(v.as_double())) return v.as_double() > 0 ? "\"+Inf\"" : "\"-Inf\"";
    return buf;
  }
  if (v.is_string()) return value::go_quote(v.as_string());
  if (v.is_bytes()) {
    if (!valid_utf8(v.as_string())) throw FormatError{"invalid UTF-8 in bytes, cannot convert to string"};
    return "b" + value::go_quote(v.as_string());
  }
  if (const auto* t = as_timestamp(v)) return "timestamp(" + value::go_quote(timestamp_text(*t)) + ")";
  if (const auto* d = as_duration(v)) return "duration(" + value::go_quote(duration_text(d->nanos())) + ")";
  if (v.is_bool() || v.is_null() || as_type(v) || v.is_array() || v.is_set() || v.is_object())
    return format_string(v);
  throw FormatError{"no formatting function for " + type_name(v)};
}

// cel-go's FormatString: what %s prints.
std::string format_string(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return "null";
    case value::Kind::Bool: return v.as_bool() ? "true" : "false";
    case value::Kind::Int:
    case value::Kind::Uint: return integer_text(v, 10, false);
    case value::Kind::Double: return format_double_go(v.as_double());
    case value::Kind::String: return v.as_string();
    case value::Kind::Bytes:
      if (!valid_utf8(v.as_string())) throw FormatError{"invalid UTF-8 in bytes, cannot convert to string"};
      return v.as_string();
    case value::Kind::Array:
    case value::Kind::Set: return bracketed_list(v.items(), literal_member);
    case value::Kind::Object: {
      std::vector<std::pair<std::string, std::string>> pairs;
      for (const auto& [k, x] : v.entries()) {
        std::string key;
        if (k.is_string()) key = value::go_quote(k.as_string());
        else if (k.is_bool()) key = k.as_bool() ? "true" : "false";
        else if (k.is_int() || k.is_uint()) key = integer_text(k, 10, false);
        else throw FormatError{"no formatting function for map key of type " + type_name(k)};
        pairs.emplace_back(std::move(key), literal_member(x));
      }
      std::stable_sort(pairs.begin(), pairs.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string out = "{";
      for (size_t i = 0; i < pairs.size(); ++i) {
        if (i) out += ", ";
        out += pairs[i].first + ":" + pairs[i].second;
      }
      return out + "}";
    }
    case value::Kind::Opaque:
      if (const auto* t = as_timestamp(v)) return timestamp_text(*t);
      if (const auto* d = as_duration(v)) return duration_text(d->nanos());
      if (const auto* t = as_type(v)) return t->name();
      break;
    default: break;
  }
  throw clause_error(
      "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and "
      "timestamps, was given ",
      v);
}

// %f and %e take doubles, and the strings "NaN", "Infinity" and "-Infinity".
double float_argument(const Value& v, const char* what) {
  if (v.is_double()) return v.as_double();
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
  }
  throw clause_error(what, v);
}

}  // namespace

Result format_v1(std::span<const Value> a) {
  std::vector<FormatPiece> pieces;
  if (auto error = split_format(a[0].as_string(), &pieces)) return make_error(*error);
  const auto& args = a[1].items();
  std::string out;
  size_t next = 0;
  try {
    for (const FormatPiece& piece : pieces) {
      if (piece.verb == 0) {
        out += piece.text;
        continue;
      }
      const int precision = piece.precision;
      const char verb = piece.verb;
      if (!known_format_verb(verb)) return make_error(unknown_format_verb_error(verb));
      if (next >= args.size()) return make_error("index " + std::to_string(next) + " out of range");
      const Value& v = args[next++];
      switch (verb) {
        case 's': out += format_string(v); break;
        case 'd':
          if (!v.is_int() && !v.is_uint()) throw clause_error("decimal clause can only be used on integers, was given ", v);
          out += integer_text(v, 10, false);
          break;
        case 'f':
          out += grouped_fixed(float_argument(v, "fixed-point clause can only be used on doubles, was given "),
                               precision < 0 ? 6 : precision);
          break;
        case 'e':
          out += localized_scientific(float_argument(v, "scientific clause can only be used on doubles, was given "));
          break;
        case 'b':
          if (v.is_bool()) out += v.as_bool() ? "1" : "0";
          else if (v.is_int() || v.is_uint()) out += integer_text(v, 2, false);
          else throw clause_error("only integers and bools can be formatted as binary, was given ", v);
          break;
        case 'o':
          if (!v.is_int() && !v.is_uint()) throw clause_error("octal clause can only be used on integers, was given ", v);
          out += integer_text(v, 8, false);
          break;
        default: {  // x, X
          const bool upper = verb == 'X';
          if (v.is_int() || v.is_uint()) {
            out += integer_text(v, 16, upper);
          } else if (v.is_string() || v.is_bytes()) {
            const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
            for (unsigned char c : v.as_string()) {
              out += digits[c >> 4];
              out += digits[c & 15];
            }
          } else {
            throw clause_error("only integers, byte buffers, and strings can be formatted as hex, was given ", v);
          }
        }
      }
    }
  } catch (const FormatError& e) {
    return make_error(e.message);
  }
  return Value::string(std::move(out));
}

}  // namespace tollgate::cel
