// UTF-8 the way Go's strings and unicode/utf8 packages see it: builtins count
// and index strings in code points, and an invalid byte decodes as U+FFFD
// of width 1.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune;
  size_t width;  // bytes consumed (1 for an invalid byte)
};

// The rune starting at s[i] (i < s.size()).
DecodedRune decode_rune(std::string_view s, size_t i);
// Go's utf8.AppendRune: surrogates and values beyond U+10FFFF become U+FFFD.
void append_rune(char32_t r, std::string& out);
// Number of runes (an invalid byte counts as one).
size_t rune_count(std::string_view s);
bool is_ascii(std::string_view s);
bool valid_utf8(std::string_view s);
std::vector<char32_t> to_runes(std::string_view s);
std::string from_runes(const std::vector<char32_t>& runes, size_t begin, size_t end);

// Go's unicode.IsSpace.
bool is_space_rune(char32_t r);
// Go's unicode.ToLower / ToUpper (simple case mapping).
char32_t to_lower_rune(char32_t r);
char32_t to_upper_rune(char32_t r);
// Go's strings.ToLower / ToUpper (an invalid byte becomes U+FFFD when the
// string changes).
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

}  // namespace tollgate::rego
