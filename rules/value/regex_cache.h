// A bounded cache of compiled RE2 patterns for regexes that are only known at
// run time (constant patterns are compiled at plan time). One cache per
// thread: no lock on the request path, and a pattern compiled once per worker.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>

namespace tollgate::value {

// nullptr with *error set to RE2's reason when the pattern does not compile
// (failures are remembered too). Shared by CEL (matches, find) and Rego
// (regex.*).
std::shared_ptr<const re2::RE2> cached_regex(std::string_view pattern, std::string* error);

}  // namespace tollgate::value
