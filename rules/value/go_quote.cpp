#include "rules/value/go_quote.h"

#include <cstdint>

namespace tollgate::value {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and its length,
// or -1 and length 1 for an invalid byte (Go's RuneError, width 1).
int32_t decode_rune(std::string_view s, size_t i, size_t* width) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  *width = 1;
  if (b0 < 0x80) return b0;
  size_t n = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) { n = 2; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { n = 3; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { n = 4; cp = b0 & 0x07; min = 0x10000; }
  else return -1;
  if (i + n > s.size()) return -1;
  for (size_t k = 1; k < n; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *width = n;
  return cp;
}

// unicode.IsPrint for code points >= 0x80: letters, marks, numbers,
// punctuation and symbols. This keeps the ranges that matter in practice
// (C1 controls, non-ASCII spaces, format characters, separators, private
// use, noncharacters) out; unassigned code points are treated as printable.
bool is_print_non_ascii(int32_t r) {
  struct Range { int32_t lo, hi; };
  static constexpr Range kNotPrint[] = {
      {0x80, 0xA0},     {0xAD, 0xAD},     {0x600, 0x605},   {0x61C, 0x61C},   {0x6DD, 0x6DD},
      {0x70F, 0x70F},   {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200F}, {0x2028, 0x202F},
      {0x205F, 0x206F}, {0x3000, 0x3000}, {0xE000, 0xF8FF}, {0xFDD0, 0xFDEF}, {0xFEFF, 0xFEFF},
      {0xFFF9, 0xFFFB}, {0xFFFE, 0xFFFF}, {0x110BD, 0x110BD}, {0x1D173, 0x1D17A},
      {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
  };
  for (const auto& range : kNotPrint) {
    if (r >= range.lo && r <= range.hi) return false;
  }
  return (r & 0xFFFE) != 0xFFFE;  // U+nFFFE / U+nFFFF are noncharacters in every plane
}

void append_hex(std::string& out, const char* prefix, uint32_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xF]);
}

// The escapes both styles share; false when r has none.
bool append_named_escape(std::string& out, int32_t r) {
  switch (r) {
    case '"': out += "\\\""; return true;
    case '\\': out += "\\\\"; return true;
    case '\a': out += "\\a"; return true;
    case '\b': out += "\\b"; return true;
    case '\f': out += "\\f"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    case '\t': out += "\\t"; return true;
    case '\v': out += "\\v"; return true;
    default: return false;
  }
}

bool is_print(int32_t r) { return (r >= 0x20 && r < 0x7F) || (r >= 0x80 && is_print_non_ascii(r)); }

void append_strconv_escape(std::string& out, int32_t r) {
  const auto u = static_cast<uint32_t>(r);
  if (r < 0x20 || r == 0x7F) {
    append_hex(out, "\\x", u, 2);
  } else if (r < 0x10000) {
    append_hex(out, "\\u", u, 4);
  } else {
    append_hex(out, "\\U", u, 8);
  }
}

}  // namespace

std::string go_quote(std::string_view s, GoQuoteStyle style) {
  const bool strconv = style == GoQuoteStyle::kStrconv;
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    int32_t r = decode_rune(s, i, &width);
    if (r < 0) {
      if (strconv) {
        append_hex(out, "\\x", static_cast<unsigned char>(s[i]), 2);
      } else {
        out += "\xEF\xBF\xBD";  // U+FFFD
      }
    } else if (!append_named_escape(out, r)) {
      if (!strconv || is_print(r)) {
        out.append(s.substr(i, width));
      } else {
        append_strconv_escape(out, r);
      }
    }
    i += width;
  }
  out.push_back('"');
  return out;
}

}  // namespace tollgate::value
