// Go fmt verbs that gator's output depends on, so that our text matches
// gator's byte for byte: `%v` of a []string and `%.3fs` of a duration
// (`%q` of a string is value::go_quote).
#pragma once

#include <string>
#include <vector>

namespace tollgate::policies::gator {

// fmt's %v of a []string: "[a b c]".
std::string go_string_list(const std::vector<std::string>& items);

// A duration as gator verify prints it: "%.3fs".
std::string go_seconds(double seconds);

}  // namespace tollgate::policies::gator
