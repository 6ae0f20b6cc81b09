#include "rules/value/regex_cache.h"

#include <functional>
#include <unordered_map>

namespace tollgate::value {

namespace {

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Entry {
  std::shared_ptr<const re2::RE2> regex;  // null: the pattern does not compile
  std::string error;
};

// Bounded by entries and by the pattern text kept (a compiled program is
// proportional to it, within RE2's own max_mem per pattern): past either
// bound the thread's cache starts over.
constexpr size_t kMaxEntries = 256;
constexpr size_t kMaxPatternBytes = size_t{1} << 20;

struct ThreadCache {
  std::unordered_map<std::string, Entry, TransparentHash, std::equal_to<>> entries;
  size_t pattern_bytes = 0;
};

}  // namespace

std::shared_ptr<const re2::RE2> cached_regex(std::string_view pattern, std::string* error) {
  thread_local ThreadCache cache;
  auto it = cache.entries.find(pattern);
  if (it == cache.entries.end()) {
    if (cache.entries.size() >= kMaxEntries || cache.pattern_bytes + pattern.size() > kMaxPatternBytes) {
      cache.entries.clear();
      cache.pattern_bytes = 0;
    }
    Entry entry;
    auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), re2::RE2::Quiet);
    if (re->ok()) {
      entry.regex = std::move(re);
    } else {
      entry.error = re->error();
    }
    cache.pattern_bytes += pattern.size();
    it = cache.entries.emplace(std::string(pattern), std::move(entry)).first;
  }
  if (!it->second.regex) *error = it->second.error;
  return it->second.regex;
}

}  // namespace tollgate::value
