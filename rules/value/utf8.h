// UTF-8 encoding of one code point, shared by both rule languages' lexers
// (\u escapes) and their string functions; and the length of one encoded
// code point, as Go's utf8.DecodeRune accepts it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tollgate::value {

// Appends the UTF-8 bytes of cp (which the caller has checked is a valid
// code point: not a surrogate, at most U+10FFFF).
void append_utf8(char32_t cp, std::string& out);

// The length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0
// when the bytes there are not one (a stray continuation byte, a truncated
// or overlong sequence, a surrogate, a code point beyond U+10FFFF): where Go's
// utf8.DecodeRuneInString answers (RuneError, 1).
size_t utf8_sequence_length(std::string_view s, size_t i);

}  // namespace tollgate::value
