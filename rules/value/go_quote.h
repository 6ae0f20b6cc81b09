// Go's string quoting, so that messages which embed a quoted string match
// Gatekeeper, the Kubernetes API server and cel-go byte for byte.
#pragma once

#include <string>
#include <string_view>

namespace tollgate::value {

// Which of Go's two quoting rules to follow beyond the shared named escapes
// (\" \\ \a \b \f \n \r \t \v).
enum class GoQuoteStyle {
  // strconv.Quote, which is fmt's %q: printable UTF-8 is kept; other control
  // bytes and invalid UTF-8 become \xNN, other non-printable runes \uNNNN or
  // \UNNNNNNNN.
  kStrconv,
  // cel-go's strings.quote: every valid rune is kept as it is, and each
  // invalid byte becomes U+FFFD.
  kCelStrings,
};

// A double-quoted Go string literal of s.
std::string go_quote(std::string_view s, GoQuoteStyle style = GoQuoteStyle::kStrconv);

}  // namespace tollgate::value
