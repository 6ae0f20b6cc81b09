// Go's strconv.Quote (what fmt's %q prints for a string), used to reproduce
// the exact error messages of Go's net/url and net/netip.
#pragma once

#include <string>
#include <string_view>

namespace tollgate::cel::k8s {

// Double-quoted Go string literal: \" \\ \a \b \f \n \r \t \v escapes, \xNN
// for other control bytes and invalid UTF-8, \u/\U for non-printable runes.
std::string go_quote(std::string_view s);

}  // namespace tollgate::cel::k8s
