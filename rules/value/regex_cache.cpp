#include "rules/value/regex_cache.h"

#include "rules/value/thread_cache.h"

namespace tollgate::value {

namespace {

struct Entry {
  std::shared_ptr<const re2::RE2> regex;  // null: the pattern does not compile
  std::string error;
};

}  // namespace

std::shared_ptr<const re2::RE2> cached_regex(std::string_view pattern, std::string* error) {
  // A compiled program is proportional to its pattern (within RE2's own
  // max_mem per pattern), so the pattern bytes kept bound the memory too.
  thread_local BoundedCache<Entry> cache(256, size_t{1} << 20);
  const Entry& entry = cache.get(pattern, [&] {
    Entry made;
    auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), re2::RE2::Quiet);
    if (re->ok()) {
      made.regex = std::move(re);
    } else {
      made.error = re->error();
    }
    return made;
  });
  if (!entry.regex) *error = entry.error;
  return entry.regex;
}

}  // namespace tollgate::value
