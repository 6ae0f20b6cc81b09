// Go fmt verbs that gator's output depends on, so that our text matches
// gator's byte for byte: `%q` of a string (strconv.Quote) and `%v` of a
// []string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::policies::gator {

// strconv.Quote: double-quoted, with Go escapes; printable UTF-8 is kept,
// invalid bytes become \xNN.
std::string go_quote(std::string_view s);

// fmt's %v of a []string: "[a b c]".
std::string go_string_list(const std::vector<std::string>& items);

// A duration as gator verify prints it: "%.3fs".
std::string go_seconds(double seconds);

}  // namespace tollgate::policies::gator
