#include "rules/cel/format_clauses.h"

namespace tollgate::cel {

std::optional<std::string> split_format(std::string_view f, std::vector<FormatPiece>* pieces) {
  size_t text_start = 0;
  auto flush = [&](size_t end) {
    if (end > text_start) pieces->push_back(FormatPiece{f.substr(text_start, end - text_start)});
  };
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    flush(i);
    if (++i >= f.size()) return "unexpected end of format string";
    if (f[i] == '%') {
      text_start = i;  // the second '%' starts the next text
      continue;
    }
    FormatPiece clause;
    if (f[i] == '.') {
      clause.precision = 0;
      ++i;
      // Saturates past the limit instead of overflowing int: a clause such as
      // %.99999999999f is refused, not formatted into gigabytes.
      while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
        if (clause.precision <= kMaxFormatPrecision) clause.precision = clause.precision * 10 + (f[i] - '0');
        ++i;
      }
      if (i >= f.size()) return "unexpected end of format string";
      if (clause.precision > kMaxFormatPrecision) {
        return "error while parsing precision: precision exceeds the limit of " + std::to_string(kMaxFormatPrecision);
      }
    }
    clause.verb = f[i];
    pieces->push_back(clause);
    text_start = i + 1;
  }
  flush(f.size());
  return std::nullopt;
}

bool known_format_verb(char verb) { return std::string_view("sdfeboxX").find(verb) != std::string_view::npos; }

std::string unknown_format_verb_error(char verb) {
  return std::string("could not parse formatting clause: unrecognized formatting clause \"") + verb + "\"";
}

}  // namespace tollgate::cel
