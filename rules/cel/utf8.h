// UTF-8 helpers: validation and code-point indexing (CEL string functions
// count code points, not bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel {

bool valid_utf8(std::string_view s);
// Number of code points.
size_t utf8_length(std::string_view s);
// Byte offset of each code point, plus s.size() at the end.
std::vector<size_t> utf8_offsets(std::string_view s);
// Decodes into code points (assumes valid UTF-8).
std::vector<char32_t> utf8_decode(std::string_view s);

}  // namespace tollgate::cel
