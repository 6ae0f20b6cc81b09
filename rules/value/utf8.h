// UTF-8 encoding of one code point, shared by both rule languages' lexers
// (\u escapes) and their string functions.
#pragma once

#include <string>

namespace tollgate::value {

// Appends the UTF-8 bytes of cp (which the caller has checked is a valid
// code point: not a surrogate, at most U+10FFFF).
void append_utf8(char32_t cp, std::string& out);

}  // namespace tollgate::value
