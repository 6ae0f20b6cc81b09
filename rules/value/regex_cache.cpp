#include "rules/value/regex_cache.h"

#include <mutex>
#include <unordered_map>

namespace tollgate::value {

std::shared_ptr<const re2::RE2> cached_regex(const std::string& pattern, std::string* error) {
  constexpr size_t kMaxEntries = 256;
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const re2::RE2>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(pattern);
    if (it != cache.end()) return it->second;
  }
  auto re = std::make_shared<const re2::RE2>(pattern, re2::RE2::Quiet);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(pattern, re);
  return re;
}

}  // namespace tollgate::value
