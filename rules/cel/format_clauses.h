// The clauses of a `'<fmt>'.format(list)` string, shared by the formatters
// (stdlib_strings.cpp, string_format_v1.cpp) and the planner's format
// validator: literal text, and `%[.precision]verb` clauses (`%%` is text).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel {

struct FormatPiece {
  std::string_view text;  // literal text when verb == 0
  char verb = 0;
  int precision = -1;     // -1: none given
};

// Largest precision a clause may ask for (Go's fmt refuses more than 1e6 too).
inline constexpr int kMaxFormatPrecision = 1'000'000;

// Splits `format`; nullopt on success, else cel-go's error message (or the
// precision limit's).
std::optional<std::string> split_format(std::string_view format, std::vector<FormatPiece>* pieces);

// The verbs cel-go's formatter knows: s d f e b o x X.
bool known_format_verb(char verb);
// cel-go's message for any other verb.
std::string unknown_format_verb_error(char verb);

// "[a, b]": a list's items printed by `print`, as both formatters write lists.
template <typename Items, typename Print>
std::string bracketed_list(const Items& items, Print print) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ", ";
    first = false;
    out += print(item);
  }
  return out + "]";
}

}  // namespace tollgate::cel
