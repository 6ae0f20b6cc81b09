// Rego's view of collections during evaluation: indexing (missing key, bad
// index or a scalar is undefined, never an error) and iteration over
// arrays (index, item), objects (key, value) and sets (member, member).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "rules/rego/number.h"
#include "rules/value/value.h"

namespace tollgate::rego::eval {

// obj[key] for an object and a string key: the entry Value::find finds. A
// small object (most of what a review's refs walk: input, metadata,
// parameters) is scanned comparing lengths first, which costs less than the
// binary search's ordered string comparisons.
inline const value::Value* find_string_key(const value::Value& obj, const std::string& key) {
  const auto& entries = obj.entries();
  if (entries.size() > 8) return obj.find(std::string_view(key));
  for (const auto& [k, v] : entries) {
    if (!k.is_string()) continue;
    const std::string& s = k.as_string();
    if (s.size() == key.size() && std::memcmp(s.data(), key.data(), key.size()) == 0) return &v;
  }
  return nullptr;
}

// coll[key], or null when undefined. For a set the result is the member
// (which equals key). Object keys and set members are found as OPA finds
// them by hash (opa_key_finds): an integer finds only an integer, so
// {2.0: "x"}[2] and {2.0}[2] are undefined while {2: "x"}[2.0] is "x".
inline const value::Value* lookup(const value::Value& coll, const value::Value& key) {
  using value::Kind;
  switch (coll.kind()) {
    case Kind::Object: return key.is_string() ? find_string_key(coll, key.as_string()) : opa_object_get(coll, key);
    case Kind::Array: {
      int64_t i = -1;
      if (key.is_int()) {
        i = key.as_int();
      } else if (key.is_uint()) {
        i = key.as_uint() <= static_cast<uint64_t>(INT64_MAX) ? static_cast<int64_t>(key.as_uint()) : -1;
      } else if (key.is_double()) {
        double d = key.as_double();
        if (d >= 0 && d == std::floor(d) && d < 9.0e18) i = static_cast<int64_t>(d);
      }
      return i >= 0 ? coll.at(static_cast<size_t>(i)) : nullptr;
    }
    case Kind::Set: return opa_set_contains(coll, key) ? &key : nullptr;
    default: return nullptr;
  }
}

// Lookup in base data (a JSON document): OPA's storage also finds the
// string key "2" for the number 2 (data.a[2]).
inline const value::Value* lookup_document(const value::Value& coll, const value::Value& key,
                                           std::string (*number_text)(const value::Value&)) {
  const value::Value* found = lookup(coll, key);
  if (found == nullptr && coll.is_object() && key.is_number()) found = coll.find(number_text(key));
  return found;
}

// Calls fn(key, value) for each entry; stops (returning false) when fn does.
template <class F>
bool for_each_entry(const value::Value& coll, F&& fn) {
  using value::Kind;
  switch (coll.kind()) {
    case Kind::Array: {
      const auto& items = coll.items();
      for (size_t i = 0; i < items.size(); ++i) {
        value::Value index = value::Value::integer(static_cast<int64_t>(i));
        if (!fn(index, items[i])) return false;
      }
      return true;
    }
    case Kind::Object:
      for (const auto& [k, v] : coll.entries()) {
        if (!fn(k, v)) return false;
      }
      return true;
    case Kind::Set:
      for (const auto& item : coll.items()) {
        if (!fn(item, item)) return false;
      }
      return true;
    default: return true;
  }
}

}  // namespace tollgate::rego::eval
