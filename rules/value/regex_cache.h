// A bounded, thread-safe cache of compiled RE2 patterns for regexes that are
// only known at run time (constant patterns are compiled at plan time).
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>

namespace tollgate::value {

// nullptr with *error set to RE2's reason when the pattern does not compile.
// Shared by CEL (matches, find) and Rego (regex.*).
std::shared_ptr<const re2::RE2> cached_regex(const std::string& pattern, std::string* error);

}  // namespace tollgate::value
