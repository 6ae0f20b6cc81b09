#include "rules/cel/k8s/go_quote.h"

#include <cstdint>
#include <cstdio>

namespace tollgate::cel::k8s {
namespace {

// Decodes one UTF-8 sequence; returns its length, or 0 when invalid.
size_t decode_utf8(std::string_view s, size_t i, uint32_t* rune) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    *rune = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *rune = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *rune = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *rune = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    *rune = (*rune << 6) | (cc & 0x3F);
  }
  if (*rune < min || *rune > 0x10FFFF || (*rune >= 0xD800 && *rune <= 0xDFFF)) return 0;
  return len;
}

void append_hex(std::string& out, const char* format, uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, v);
  out += buf;
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    uint32_t rune = 0;
    size_t len = decode_utf8(s, i, &rune);
    if (len == 0) {
      append_hex(out, "\\x%02x", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    switch (rune) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (rune < 0x20 || rune == 0x7F) {
          append_hex(out, "\\x%02x", rune);
        } else if (rune >= 0x80 && rune < 0xA0) {
          // C1 controls are not printable in Go either.
          append_hex(out, "\\u%04x", rune);
        } else {
          out.append(s.substr(i, len));
        }
    }
    i += len;
  }
  out += '"';
  return out;
}

}  // namespace tollgate::cel::k8s
