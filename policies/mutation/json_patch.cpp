#include <algorithm>

#include "policies/mutation/mutation_system.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::mutation {
namespace {

// Mutators rebuild only the path they change, so unchanged subtrees are the
// very same node on both sides and compare without being walked.
bool same(const Value& a, const Value& b) {
  if (a.identity() != nullptr && a.identity() == b.identity()) return true;
  return a == b;
}

Value operation(const char* op, const std::string& path, const Value* value = nullptr) {
  std::vector<Value::Entry> entries;
  entries.reserve(3);
  entries.emplace_back(Value::string("op"), Value::string(op));
  entries.emplace_back(Value::string("path"), Value::string(path));
  if (value != nullptr) entries.emplace_back(Value::string("value"), *value);
  return Value::object(std::move(entries));
}

void diff(const std::string& path, const Value& before, const Value& after, std::vector<Value>& ops);

void diff_objects(const std::string& path, const Value& before, const Value& after, std::vector<Value>& ops) {
  // Both entry lists are sorted by key: one merge walk.
  const auto& old_entries = before.entries();
  const auto& new_entries = after.entries();
  size_t i = 0, j = 0;
  while (i < old_entries.size() || j < new_entries.size()) {
    int order = i == old_entries.size() ? 1
                : j == new_entries.size() ? -1
                                          : value::compare(old_entries[i].first, new_entries[j].first);
    if (order < 0) {
      ops.push_back(operation("remove", value::pointer_append(path, old_entries[i].first.as_string())));
      ++i;
    } else if (order > 0) {
      ops.push_back(operation("add", value::pointer_append(path, new_entries[j].first.as_string()),
                              &new_entries[j].second));
      ++j;
    } else {
      diff(value::pointer_append(path, old_entries[i].first.as_string()), old_entries[i].second,
           new_entries[j].second, ops);
      ++i;
      ++j;
    }
  }
}

// Elements equal at the start and at the end produce nothing; of the middle
// parts, the overlapping positions are diffed in place, then the surplus is
// added (appends at "-") or removed from the highest index down, so that
// every index in the patch is valid when its operation is applied.
void diff_arrays(const std::string& path, const Value& before, const Value& after, std::vector<Value>& ops) {
  const auto& old_items = before.items();
  const auto& new_items = after.items();
  size_t shorter = std::min(old_items.size(), new_items.size());
  size_t prefix = 0;
  while (prefix < shorter && same(old_items[prefix], new_items[prefix])) ++prefix;
  size_t suffix = 0;
  while (suffix < shorter - prefix &&
         same(old_items[old_items.size() - 1 - suffix], new_items[new_items.size() - 1 - suffix])) {
    ++suffix;
  }
  size_t old_middle = old_items.size() - prefix - suffix;
  size_t new_middle = new_items.size() - prefix - suffix;
  size_t common = std::min(old_middle, new_middle);
  for (size_t k = 0; k < common; ++k) {
    diff(value::pointer_append(path, prefix + k), old_items[prefix + k], new_items[prefix + k], ops);
  }
  for (size_t k = common; k < new_middle; ++k) {
    std::string at = suffix == 0 ? path + "/-" : value::pointer_append(path, prefix + k);
    ops.push_back(operation("add", at, &new_items[prefix + k]));
  }
  for (size_t k = old_middle; k > common; --k) {
    ops.push_back(operation("remove", value::pointer_append(path, prefix + k - 1)));
  }
}

void diff(const std::string& path, const Value& before, const Value& after, std::vector<Value>& ops) {
  if (same(before, after)) return;
  if (before.is_object() && after.is_object()) {
    diff_objects(path, before, after, ops);
  } else if (before.is_array() && after.is_array()) {
    diff_arrays(path, before, after, ops);
  } else {
    ops.push_back(operation("replace", path, &after));
  }
}

}  // namespace

Value json_patch(const Value& before, const Value& after) {
  std::vector<Value> ops;
  diff("", before, after, ops);
  return Value::array(std::move(ops));
}

}  // namespace tollgate::policies::mutation
