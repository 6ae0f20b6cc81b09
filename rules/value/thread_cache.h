// A bounded cache of values made from a string key, meant to be declared
// thread_local: what the request path compiles from run-time text (regex and
// glob patterns, time zones) is made once per worker thread and then read
// without a lock. Past max_entries or max_key_bytes of keys it starts over.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tollgate::value {

template <class V>
class BoundedCache {
 public:
  BoundedCache(size_t max_entries, size_t max_key_bytes) : max_entries_(max_entries), max_key_bytes_(max_key_bytes) {}

  // The value for key, made by make() (returning V) when it is not cached.
  template <class Make>
  const V& get(std::string_view key, Make&& make) {
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    if (entries_.size() >= max_entries_ || key_bytes_ + key.size() > max_key_bytes_) {
      entries_.clear();
      key_bytes_ = 0;
    }
    V made = make();
    key_bytes_ += key.size();
    return entries_.emplace(std::string(key), std::move(made)).first->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, V, Hash, std::equal_to<>> entries_;
  size_t max_entries_;
  size_t max_key_bytes_;
  size_t key_bytes_ = 0;
};

}  // namespace tollgate::value
