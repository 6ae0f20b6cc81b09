#include "rules/rego/builtins/runes.h"

#include <clocale>
#include <cwctype>
#include <locale.h>

#include "rules/value/utf8.h"

namespace tollgate::rego {

DecodedRune decode_rune(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  size_t n = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2; cp = b0 & 0x1F; min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3; cp = b0 & 0x0F; min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4; cp = b0 & 0x07; min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (i + n > s.size()) return {kRuneError, 1};
  for (size_t k = 1; k < n; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return {kRuneError, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {kRuneError, 1};
  return {cp, n};
}

void append_rune(char32_t r, std::string& out) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  value::append_utf8(r, out);
}

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else {
      i += decode_rune(s, i).width;
    }
  }
  return n;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    if (d.rune == kRuneError && d.width == 1) return false;
    i += d.width;
  }
  return true;
}

std::vector<char32_t> to_runes(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    out.push_back(d.rune);
    i += d.width;
  }
  return out;
}

std::string from_runes(const std::vector<char32_t>& runes, size_t begin, size_t end) {
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) append_rune(runes[i], out);
  return out;
}

bool is_space_rune(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

namespace {

// glibc's built-in C.UTF-8 locale carries the Unicode simple case mappings.
locale_t unicode_ctype() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

template <class MapRune>
std::string map_runes(std::string_view s, MapRune map) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(map(b)));
      ++i;
      continue;
    }
    DecodedRune d = decode_rune(s, i);
    append_rune(map(d.rune), out);
    i += d.width;
  }
  return out;
}

}  // namespace

char32_t to_lower_rune(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  locale_t loc = unicode_ctype();
  return loc ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(r), loc)) : r;
}

char32_t to_upper_rune(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  locale_t loc = unicode_ctype();
  return loc ? static_cast<char32_t>(towupper_l(static_cast<wint_t>(r), loc)) : r;
}

std::string to_lower(std::string_view s) { return map_runes(s, to_lower_rune); }
std::string to_upper(std::string_view s) { return map_runes(s, to_upper_rune); }

}  // namespace tollgate::rego
