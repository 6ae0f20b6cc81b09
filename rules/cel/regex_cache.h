// A bounded, thread-safe cache of compiled RE2 patterns for regexes that are
// only known at run time (constant patterns are compiled at plan time).
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>

namespace tollgate::cel {

// nullptr with *error set when the pattern does not compile.
std::shared_ptr<const re2::RE2> cached_regex(const std::string& pattern, std::string* error);

}  // namespace tollgate::cel
