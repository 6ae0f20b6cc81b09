#include "rules/rego/builtins/sprintf.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rules/rego/big_int.h"
#include "rules/rego/builtins/runes.h"
#include "rules/rego/number.h"
#include "rules/rego/value_text.h"
#include "rules/value/go_quote.h"

namespace tollgate::rego {

using value::Kind;
using value::Value;

namespace {

// ---------------------------------------------------------------------------
// strconv.FormatFloat

// value = 0.d × 10^dp; d has no leading or trailing zeros and is empty for 0.
struct DecimalDigits {
  std::string d;
  int dp = 0;
};

void trim_digits(DecimalDigits& digs) {
  size_t lead = 0;
  while (lead < digs.d.size() && digs.d[lead] == '0') ++lead;
  digs.d.erase(0, lead);
  digs.dp -= static_cast<int>(lead);
  while (!digs.d.empty() && digs.d.back() == '0') digs.d.pop_back();
  if (digs.d.empty()) digs.dp = 0;
}

// From std::to_chars scientific text "d.ddde+XX".
DecimalDigits from_scientific(std::string_view text) {
  DecimalDigits digs;
  size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c != '.') digs.d.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  digs.dp = exponent + 1;
  trim_digits(digs);
  return digs;
}

// a >= 0 and finite. significant <= 0 means the shortest round-trip digits.
DecimalDigits significant_digits(double a, int significant) {
  std::string buf(static_cast<size_t>(std::max(significant, 0)) + 40, '\0');
  std::to_chars_result r = significant <= 0
                               ? std::to_chars(buf.data(), buf.data() + buf.size(), a, std::chars_format::scientific)
                               : std::to_chars(buf.data(), buf.data() + buf.size(), a, std::chars_format::scientific,
                                               significant - 1);
  return from_scientific(std::string_view(buf.data(), static_cast<size_t>(r.ptr - buf.data())));
}

// a >= 0 and finite, rounded to `fraction` digits after the point.
DecimalDigits fixed_digits(double a, int fraction) {
  std::string buf(static_cast<size_t>(fraction) + 340, '\0');
  std::to_chars_result r =
      std::to_chars(buf.data(), buf.data() + buf.size(), a, std::chars_format::fixed, fraction);
  std::string_view text(buf.data(), static_cast<size_t>(r.ptr - buf.data()));
  DecimalDigits digs;
  size_t point = text.find('.');
  digs.d.assign(text.substr(0, point));
  digs.dp = static_cast<int>(digs.d.size());
  if (point != std::string_view::npos) digs.d.append(text.substr(point + 1));
  trim_digits(digs);
  return digs;
}

void format_e(std::string& out, bool neg, const DecimalDigits& digs, int prec, char fmt) {
  if (neg) out.push_back('-');
  int nd = static_cast<int>(digs.d.size());
  out.push_back(nd != 0 ? digs.d[0] : '0');
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    int m = std::min(nd, prec + 1);
    if (i < m) {
      out.append(digs.d, static_cast<size_t>(i), static_cast<size_t>(m - i));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = nd == 0 ? 0 : digs.dp - 1;
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + (exp / 10) % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

void format_f(std::string& out, bool neg, const DecimalDigits& digs, int prec) {
  if (neg) out.push_back('-');
  int nd = static_cast<int>(digs.d.size());
  if (digs.dp > 0) {
    int m = std::min(nd, digs.dp);
    out.append(digs.d, 0, static_cast<size_t>(m));
    for (; m < digs.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = digs.dp + i - 1;
      out.push_back(j >= 0 && j < nd ? digs.d[static_cast<size_t>(j)] : '0');
    }
  }
}

void append_decimal(std::string& out, uint64_t u) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  out.append(buf, r.ptr);
}

// %b: decimal mantissa, 'p', binary exponent.
void format_b(std::string& out, bool neg, uint64_t mant, int exp) {
  if (neg) out.push_back('-');
  append_decimal(out, mant);
  out.push_back('p');
  exp -= 52;
  if (exp >= 0) out.push_back('+');
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, exp);
  out.append(buf, r.ptr);
}

// %x: -0x1.yyyyp±dd.
void format_x(std::string& out, int prec, char fmt, bool neg, uint64_t mant, int exp) {
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    --exp;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = static_cast<unsigned>(prec * 4);
    uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) ++mant;
    mant <<= 60 - shift;
    if (mant & (uint64_t{1} << 61)) {
      mant >>= 1;
      ++exp;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  if (neg) out.push_back('-');
  out.push_back('0');
  out.push_back(fmt);
  out.push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out.push_back('.');
    while (mant != 0) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out.push_back(fmt == 'X' ? 'P' : 'p');
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else if (exp < 1000) {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + (exp / 10) % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 1000));
    out.push_back(static_cast<char>('0' + (exp / 100) % 10));
    out.push_back(static_cast<char>('0' + (exp / 10) % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

}  // namespace

std::string go_format_float(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  bool neg = std::signbit(v);
  std::string out;
  if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    int exp = static_cast<int>((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
    if (exp == 0) {
      ++exp;
    } else {
      mant |= uint64_t{1} << 52;
    }
    exp -= 1023;
    if (fmt == 'b') {
      format_b(out, neg, mant, exp);
    } else {
      format_x(out, prec, fmt, neg, mant, exp);
    }
    return out;
  }
  double a = std::fabs(v);
  bool shortest = prec < 0;
  DecimalDigits digs;
  if (shortest) {
    digs = a == 0 ? DecimalDigits{} : significant_digits(a, 0);
    int nd = static_cast<int>(digs.d.size());
    switch (fmt) {
      case 'e': case 'E': prec = std::max(nd - 1, 0); break;
      case 'f': prec = std::max(nd - digs.dp, 0); break;
      default: prec = nd; break;
    }
  } else if (fmt == 'f') {
    digs = fixed_digits(a, prec);
  } else if (fmt == 'e' || fmt == 'E') {
    digs = significant_digits(a, prec + 1);
  } else {
    if (prec == 0) prec = 1;
    digs = significant_digits(a, prec);
  }
  int nd = static_cast<int>(digs.d.size());
  switch (fmt) {
    case 'e': case 'E': format_e(out, neg, digs, prec, fmt); break;
    case 'f': format_f(out, neg, digs, prec); break;
    case 'g': case 'G': {
      int eprec = prec;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      if (shortest) eprec = 6;
      int exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        format_e(out, neg, digs, prec - 1, static_cast<char>(fmt + 'e' - 'g'));
      } else {
        if (prec > digs.dp) prec = nd;
        format_f(out, neg, digs, std::max(prec - digs.dp, 0));
      }
      break;
    }
    default: out = std::string("%") + fmt; break;
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------
// Go quoting beyond value::go_quote (which is strconv.Quote)

bool is_print_rune(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return false;
  std::string s;
  append_rune(r, s);
  // strconv.Quote keeps exactly the printable runes as they are.
  return value::go_quote(s) == "\"" + s + "\"";
}

void append_hex_escape(std::string& out, const char* prefix, uint32_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xF]);
}

// strconv's appendEscapedRune for ASCII-only output.
void append_ascii_escaped(std::string& out, char32_t r, char quote) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(r));
    return;
  }
  if (r < 0x80 && is_print_rune(r)) {
    out.push_back(static_cast<char>(r));
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    append_hex_escape(out, "\\x", r, 2);
  } else {
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
    if (r < 0x10000) {
      append_hex_escape(out, "\\u", r, 4);
    } else {
      append_hex_escape(out, "\\U", r, 8);
    }
  }
}

// strconv.QuoteToASCII.
std::string quote_to_ascii(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    if (d.rune == kRuneError && d.width == 1) {
      append_hex_escape(out, "\\x", static_cast<unsigned char>(s[i]), 2);
    } else {
      append_ascii_escaped(out, d.rune, '"');
    }
    i += d.width;
  }
  out.push_back('"');
  return out;
}

// strconv.QuoteRune / QuoteRuneToASCII.
std::string quote_rune(char32_t r, bool ascii_only) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  std::string out = "'";
  if (ascii_only) {
    append_ascii_escaped(out, r, '\'');
  } else if (r == '\'') {
    out += "\\'";
  } else if (r == '"') {
    out += "\"";
  } else {
    std::string s;
    append_rune(r, s);
    std::string q = value::go_quote(s);
    out.append(q, 1, q.size() - 2);
  }
  out.push_back('\'');
  return out;
}

// strconv.CanBackquote.
bool can_backquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    if (d.width == 1 && d.rune == kRuneError) return false;
    if (d.width == 1) {
      char32_t c = d.rune;
      if (c == '`' || c == 0x7F || (c < ' ' && c != '\t')) return false;
    } else if (d.rune == 0xFEFF) {
      return false;
    }
    i += d.width;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Big integers (decimal digits) in other bases, for *big.Int's Format.

std::string decimal_to_base(std::string_view digits, int base) {
  BigInt n = BigInt::from_decimal_digits(digits);
  if (n.is_zero()) return "0";
  size_t bits_per_digit = base == 2 ? 1 : base == 8 ? 3 : 4;
  std::string out;
  for (size_t pos = 0; pos < n.bit_length(); pos += bits_per_digit) {
    unsigned d = 0;
    for (size_t b = bits_per_digit; b-- > 0;) d = (d << 1) | (n.bit(pos + b) ? 1u : 0u);
    out.push_back("0123456789abcdef"[d]);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------
// Arguments and the printer

struct Arg {
  enum class Type { Int, BigInt, Float, String };
  Type type = Type::String;
  int64_t i = 0;
  double f = 0;
  const std::string* ref = nullptr;  // String text or BigInt digits held by the Value
  std::string owned;                 // ... or held here

  std::string_view text() const { return ref ? std::string_view(*ref) : std::string_view(owned); }
  const char* go_type() const {
    switch (type) {
      case Type::Int: return "int";
      case Type::BigInt: return "*big.Int";
      case Type::Float: return "float64";
      case Type::String: return "string";
    }
    return "string";
  }
};

bool is_integer_text(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Arg convert(const Value& v) {
  Arg a;
  switch (v.kind()) {
    case Kind::String:
      a.ref = &v.as_string();
      return a;
    case Kind::Int:
      a.type = Arg::Type::Int;
      a.i = v.as_int();
      return a;
    case Kind::Uint:
    case Kind::Double:
    case Kind::BigNum: {
      // OPA tries json.Number's Int64, then big.Int, then Float64 on the
      // number's text: 1.0 and 1e2 are float64 there.
      Value n = v.is_bignum() && !integer_text(v) ? v : canonical_number(v);
      if (n.is_int()) {
        a.type = Arg::Type::Int;
        a.i = n.as_int();
        return a;
      }
      if (n.is_double()) {
        a.type = Arg::Type::Float;
        a.f = n.as_double();
        return a;
      }
      std::string text = n.is_bignum() ? n.as_string() : number_text(n);
      if (is_integer_text(text)) {
        a.type = Arg::Type::BigInt;
        a.owned = std::move(text);
        return a;
      }
      double d = std::strtod(text.c_str(), nullptr);
      if (std::isfinite(d)) {
        a.type = Arg::Type::Float;
        a.f = d;
        return a;
      }
      a.owned = std::move(text);  // beyond float64: printed as its literal text
      return a;
    }
    default:
      a.owned = rego_text(v);
      return a;
  }
}

struct Flags {
  bool wid_present = false;
  bool prec_present = false;
  bool minus = false;
  bool plus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  bool plus_v = false;
  bool sharp_v = false;
  int wid = 0;
  int prec = 0;
};

constexpr const char* kLowerDigits = "0123456789abcdefx";
constexpr const char* kUpperDigits = "0123456789ABCDEFX";

class Printer {
 public:
  explicit Printer(std::string& out) : buf_(out) {}

  void do_printf(std::string_view format, const std::vector<Arg>& args);

 private:
  void write_padding(int n) {
    if (n <= 0) return;
    buf_.append(static_cast<size_t>(n), f_.zero && !f_.minus ? '0' : ' ');
  }

  void pad(std::string_view s) {
    if (!f_.wid_present || f_.wid == 0) {
      buf_.append(s);
      return;
    }
    int width = f_.wid - static_cast<int>(rune_count(s));
    if (!f_.minus) {
      write_padding(width);
      buf_.append(s);
    } else {
      buf_.append(s);
      write_padding(width);
    }
  }

  void fmt_unicode(uint64_t u) {
    std::string digits;
    uint64_t x = u;
    do {
      digits.push_back(kUpperDigits[x & 0xF]);
      x >>= 4;
    } while (x != 0);
    int prec = f_.prec_present && f_.prec > 4 ? f_.prec : 4;
    while (static_cast<int>(digits.size()) < prec) digits.push_back('0');
    std::reverse(digits.begin(), digits.end());
    std::string s = "U+" + digits;
    if (f_.sharp && u <= 0x10FFFF && is_print_rune(static_cast<char32_t>(u))) {
      s += " '";
      append_rune(static_cast<char32_t>(u), s);
      s += "'";
    }
    bool old_zero = f_.zero;
    f_.zero = false;
    pad(s);
    f_.zero = old_zero;
  }

  void fmt_integer(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = ~u + 1;
    int prec = 0;
    if (f_.prec_present) {
      prec = f_.prec;
      if (prec == 0 && u == 0) {
        bool old_zero = f_.zero;
        f_.zero = false;
        write_padding(f_.wid);
        f_.zero = old_zero;
        return;
      }
    } else if (f_.zero && !f_.minus && f_.wid_present) {
      prec = f_.wid;
      if (negative || f_.plus || f_.space) --prec;
    }
    std::string s;  // built right to left, reversed at the end
    do {
      s.push_back(digits[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u != 0);
    while (static_cast<int>(s.size()) < prec) s.push_back('0');
    if (f_.sharp) {
      switch (base) {
        case 2: s += "b0"; break;
        case 8:
          if (s.back() != '0') s.push_back('0');
          break;
        case 16:
          s.push_back(digits[16]);
          s.push_back('0');
          break;
        default: break;
      }
    }
    if (verb == 'O') s += "o0";
    if (negative) {
      s.push_back('-');
    } else if (f_.plus) {
      s.push_back('+');
    } else if (f_.space) {
      s.push_back(' ');
    }
    std::reverse(s.begin(), s.end());
    bool old_zero = f_.zero;
    f_.zero = false;
    pad(s);
    f_.zero = old_zero;
  }

  std::string_view truncate(std::string_view s) const {
    if (!f_.prec_present) return s;
    int n = f_.prec;
    for (size_t i = 0; i < s.size();) {
      if (--n < 0) return s.substr(0, i);
      i += decode_rune(s, i).width;
    }
    return s;
  }

  void fmt_s(std::string_view s) { pad(truncate(s)); }

  void fmt_sx(std::string_view s, const char* digits) {
    int length = static_cast<int>(s.size());
    if (f_.prec_present && f_.prec < length) length = f_.prec;
    int width = 2 * length;
    if (width > 0) {
      if (f_.space) {
        if (f_.sharp) width *= 2;
        width += length - 1;
      } else if (f_.sharp) {
        width += 2;
      }
    } else {
      if (f_.wid_present) write_padding(f_.wid);
      return;
    }
    if (f_.wid_present && f_.wid > width && !f_.minus) write_padding(f_.wid - width);
    if (f_.sharp) {
      buf_.push_back('0');
      buf_.push_back(digits[16]);
    }
    for (int i = 0; i < length; ++i) {
      if (f_.space && i > 0) {
        buf_.push_back(' ');
        if (f_.sharp) {
          buf_.push_back('0');
          buf_.push_back(digits[16]);
        }
      }
      unsigned char c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
      buf_.push_back(digits[c >> 4]);
      buf_.push_back(digits[c & 0xF]);
    }
    if (f_.wid_present && f_.wid > width && f_.minus) write_padding(f_.wid - width);
  }

  void fmt_q(std::string_view s) {
    s = truncate(s);
    if (f_.sharp && can_backquote(s)) {
      pad("`" + std::string(s) + "`");
      return;
    }
    pad(f_.plus ? quote_to_ascii(s) : value::go_quote(s));
  }

  static char32_t rune_of(uint64_t c) { return c > 0x10FFFF ? kRuneError : static_cast<char32_t>(c); }

  void fmt_c(uint64_t c) {
    std::string s;
    append_rune(rune_of(c), s);
    pad(s);
  }

  void fmt_qc(uint64_t c) { pad(quote_rune(rune_of(c), f_.plus)); }

  void fmt_float(double v, char32_t verb, int prec) {
    if (f_.prec_present) prec = f_.prec;
    std::string num = go_format_float(v, static_cast<char>(verb), prec);
    if (num[0] == '-' || num[0] == '+') {
      // keep the sign
    } else {
      num.insert(num.begin(), '+');
    }
    if (f_.space && num[0] == '+' && !f_.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old_zero = f_.zero;
      f_.zero = false;
      if (num[1] == 'N' && !f_.space && !f_.plus) num.erase(0, 1);
      pad(num);
      f_.zero = old_zero;
      return;
    }
    if (f_.sharp && verb != 'b') {
      int digits = 0;
      if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
        digits = prec;
        if (digits == -1) digits = 6;
      }
      std::string tail;
      bool has_decimal_point = false;
      bool saw_nonzero_digit = false;
      for (size_t i = 1; i < num.size(); ++i) {
        char c = num[i];
        if (c == '.') {
          has_decimal_point = true;
        } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else {
          if (c != '0') saw_nonzero_digit = true;
          if (saw_nonzero_digit) --digits;
        }
      }
      if (!has_decimal_point) {
        if (num.size() == 2 && num[1] == '0') --digits;
        num.push_back('.');
      }
      while (digits > 0) {
        num.push_back('0');
        --digits;
      }
      num += tail;
    }
    if (f_.plus || num[0] != '+') {
      if (f_.zero && !f_.minus && f_.wid_present && f_.wid > static_cast<int>(num.size())) {
        buf_.push_back(num[0]);
        write_padding(f_.wid - static_cast<int>(num.size()));
        buf_.append(num, 1, std::string::npos);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  // *big.Int's Format method.
  void fmt_big(std::string_view text, char32_t verb) {
    int base = 0;
    switch (verb) {
      case 'b': base = 2; break;
      case 'o': case 'O': base = 8; break;
      case 'd': case 's': case 'v': base = 10; break;
      case 'x': case 'X': base = 16; break;
      default:
        buf_ += "%!";
        append_rune(verb, buf_);
        buf_ += "(big.Int=";
        buf_.append(text);
        buf_.push_back(')');
        return;
    }
    bool negative = !text.empty() && text[0] == '-';
    std::string_view magnitude = negative ? text.substr(1) : text;
    std::string sign = negative ? "-" : (f_.plus || f_.plus_v) ? "+" : f_.space ? " " : "";
    std::string prefix;
    if (f_.sharp || f_.sharp_v) {
      switch (verb) {
        case 'b': prefix = "0b"; break;
        case 'o': prefix = "0"; break;
        case 'x': prefix = "0x"; break;
        case 'X': prefix = "0X"; break;
        default: break;
      }
    }
    if (verb == 'O') prefix = "0o";
    std::string digits = base == 10 ? std::string(magnitude) : decimal_to_base(magnitude, base);
    if (verb == 'X') {
      for (char& c : digits) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
    }
    int left = 0, zeros = 0, right = 0;
    if (f_.prec_present) {
      if (static_cast<int>(digits.size()) < f_.prec) {
        zeros = f_.prec - static_cast<int>(digits.size());
      } else if (digits == "0" && f_.prec == 0) {
        return;
      }
    }
    int length = static_cast<int>(sign.size() + prefix.size() + digits.size()) + zeros;
    if (f_.wid_present && length < f_.wid) {
      int d = f_.wid - length;
      if (f_.minus) {
        right = d;
      } else if (f_.zero && !f_.prec_present) {
        zeros = d;
      } else {
        left = d;
      }
    }
    buf_.append(static_cast<size_t>(left), ' ');
    buf_ += sign;
    buf_ += prefix;
    buf_.append(static_cast<size_t>(zeros), '0');
    buf_ += digits;
    buf_.append(static_cast<size_t>(right), ' ');
  }

  void bad_verb(const Arg& arg, char32_t verb) {
    erroring_ = true;
    buf_ += "%!";
    append_rune(verb, buf_);
    buf_.push_back('(');
    buf_ += arg.go_type();
    buf_.push_back('=');
    print_arg(arg, 'v');
    buf_.push_back(')');
    erroring_ = false;
  }

  void print_arg(const Arg& arg, char32_t verb) {
    if (verb == 'T') {
      fmt_s(arg.go_type());
      return;
    }
    if (verb == 'p') {
      bad_verb(arg, verb);
      return;
    }
    switch (arg.type) {
      case Arg::Type::Int: {
        auto u = static_cast<uint64_t>(arg.i);
        switch (verb) {
          case 'v': case 'd': fmt_integer(u, 10, true, verb, kLowerDigits); return;
          case 'b': fmt_integer(u, 2, true, verb, kLowerDigits); return;
          case 'o': case 'O': fmt_integer(u, 8, true, verb, kLowerDigits); return;
          case 'x': fmt_integer(u, 16, true, verb, kLowerDigits); return;
          case 'X': fmt_integer(u, 16, true, verb, kUpperDigits); return;
          case 'c': fmt_c(u); return;
          case 'q': fmt_qc(u); return;
          case 'U': fmt_unicode(u); return;
          default: bad_verb(arg, verb); return;
        }
      }
      case Arg::Type::Float:
        switch (verb) {
          case 'v': fmt_float(arg.f, 'g', -1); return;
          case 'b': case 'g': case 'G': case 'x': case 'X': fmt_float(arg.f, verb, -1); return;
          case 'f': case 'e': case 'E': fmt_float(arg.f, verb, 6); return;
          case 'F': fmt_float(arg.f, 'f', 6); return;
          default: bad_verb(arg, verb); return;
        }
      case Arg::Type::String:
        switch (verb) {
          case 'v':
            if (f_.sharp_v) {
              fmt_q(arg.text());
            } else {
              fmt_s(arg.text());
            }
            return;
          case 's': fmt_s(arg.text()); return;
          case 'x': fmt_sx(arg.text(), kLowerDigits); return;
          case 'X': fmt_sx(arg.text(), kUpperDigits); return;
          case 'q': fmt_q(arg.text()); return;
          default: bad_verb(arg, verb); return;
        }
      case Arg::Type::BigInt:
        fmt_big(arg.text(), verb);
        return;
    }
  }

  // Go's parsenum: an unsigned decimal at format[start:end].
  static bool parse_num(std::string_view format, size_t start, size_t end, int* num, size_t* next) {
    *num = 0;
    bool isnum = false;
    size_t i = start;
    for (; i < end && format[i] >= '0' && format[i] <= '9'; ++i) {
      if (*num > 1000000) {
        *num = 0;
        *next = end;
        return false;
      }
      *num = *num * 10 + (format[i] - '0');
      isnum = true;
    }
    *next = i;
    return isnum;
  }

  // An explicit argument index "[n]" at format[i].
  void arg_number(std::string_view format, size_t& i, size_t num_args, size_t& arg_num, bool& found) {
    found = false;
    if (i >= format.size() || format[i] != '[') return;
    reordered_ = true;
    size_t width = 1;
    bool ok = false;
    int index = 0;
    if (format.size() - i >= 3) {
      for (size_t j = i + 1; j < format.size(); ++j) {
        if (format[j] == ']') {
          size_t next = 0;
          int n = 0;
          bool isnum = parse_num(format, i + 1, j, &n, &next);
          width = j - i + 1;
          if (isnum && next == j) {
            ok = true;
            index = n - 1;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && static_cast<size_t>(index) < num_args) {
      arg_num = static_cast<size_t>(index);
      i += width;
      found = true;
      return;
    }
    good_arg_num_ = false;
    i += width;
    found = ok;
  }

  // Go's intFromArg, for '*' widths and precisions.
  static bool int_from_arg(const std::vector<Arg>& args, size_t& arg_num, int* out) {
    *out = 0;
    if (arg_num >= args.size()) return false;
    const Arg& a = args[arg_num++];
    if (a.type != Arg::Type::Int || a.i > 1000000 || a.i < -1000000) return false;
    *out = static_cast<int>(a.i);
    return true;
  }

  std::string& buf_;
  Flags f_;
  bool erroring_ = false;
  bool reordered_ = false;
  bool good_arg_num_ = true;
};

void Printer::do_printf(std::string_view format, const std::vector<Arg>& args) {
  const size_t end = format.size();
  size_t arg_num = 0;
  bool after_index = false;
  reordered_ = false;
  for (size_t i = 0; i < end;) {
    good_arg_num_ = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) buf_.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;  // the '%'

    f_ = Flags{};
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        f_.sharp = true;
      } else if (c == '0') {
        f_.zero = true;
      } else if (c == '+') {
        f_.plus = true;
      } else if (c == '-') {
        f_.minus = true;
      } else if (c == ' ') {
        f_.space = true;
      } else {
        break;
      }
    }

    arg_number(format, i, args.size(), arg_num, after_index);

    if (i < end && format[i] == '*') {
      ++i;
      f_.wid_present = int_from_arg(args, arg_num, &f_.wid);
      if (!f_.wid_present) buf_ += "%!(BADWIDTH)";
      if (f_.wid < 0) {
        f_.wid = -f_.wid;
        f_.minus = true;
        f_.zero = false;
      }
      after_index = false;
    } else {
      size_t next = i;
      f_.wid_present = parse_num(format, i, end, &f_.wid, &next);
      i = next;
      if (after_index && f_.wid_present) good_arg_num_ = false;
    }

    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num_ = false;
      arg_number(format, i, args.size(), arg_num, after_index);
      if (i < end && format[i] == '*') {
        ++i;
        f_.prec_present = int_from_arg(args, arg_num, &f_.prec);
        if (f_.prec < 0) {
          f_.prec = 0;
          f_.prec_present = false;
        }
        if (!f_.prec_present) buf_ += "%!(BADPREC)";
        after_index = false;
      } else {
        size_t next = i;
        f_.prec_present = parse_num(format, i, end, &f_.prec, &next);
        i = next;
        if (!f_.prec_present) {
          f_.prec = 0;
          f_.prec_present = true;
        }
      }
    }

    if (!after_index) arg_number(format, i, args.size(), arg_num, after_index);

    if (i >= end) {
      buf_ += "%!(NOVERB)";
      break;
    }

    DecodedRune d = decode_rune(format, i);
    char32_t verb = d.rune;
    i += d.width;

    if (verb == '%') {
      buf_.push_back('%');
    } else if (!good_arg_num_) {
      buf_ += "%!";
      append_rune(verb, buf_);
      buf_ += "(BADINDEX)";
    } else if (arg_num >= args.size()) {
      buf_ += "%!";
      append_rune(verb, buf_);
      buf_ += "(MISSING)";
    } else {
      if (verb == 'v' || verb == 'w') {
        f_.sharp_v = f_.sharp;
        f_.sharp = false;
        f_.plus_v = f_.plus;
        f_.plus = false;
      }
      if (verb == 'w') {
        bad_verb(args[arg_num], verb);  // %w is only for fmt.Errorf
      } else {
        print_arg(args[arg_num], verb);
      }
      ++arg_num;
    }
  }

  if (!reordered_ && arg_num < args.size()) {
    f_ = Flags{};
    buf_ += "%!(EXTRA ";
    for (size_t k = arg_num; k < args.size(); ++k) {
      if (k > arg_num) buf_ += ", ";
      buf_ += args[k].go_type();
      buf_.push_back('=');
      print_arg(args[k], 'v');
    }
    buf_.push_back(')');
  }
}

}  // namespace

std::string go_sprintf(std::string_view format, std::span<const Value> args) {
  std::vector<Arg> converted;
  converted.reserve(args.size());
  for (const Value& v : args) converted.push_back(convert(v));
  std::string out;
  out.reserve(format.size() + 16 * args.size());
  Printer(out).do_printf(format, converted);
  return out;
}

}  // namespace tollgate::rego
