// Building the value of a rule-tree node: a package, or a ref-head prefix
// whose entries come from several rules (child rules, partial objects,
// general ref heads `p[x].y := z`, multi-value leaves `p[x] contains y`)
// and base data. Entries merge into nested objects; a key given two
// different values is a conflict ("object keys must be unique").
#pragma once

#include <map>
#include <memory>
#include <span>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego::eval {

// Thrown when two rules give one key different values.
struct KeyConflict {};

class ObjectTree {
 public:
  // The nested object at key (created when absent).
  ObjectTree& nested(const value::Value& key);
  // A single value at key.
  void put(const value::Value& key, const value::Value& v);
  // Members of a set at key (sets from several rules merge).
  void add_members(const value::Value& key, std::span<const value::Value> members);
  // Base data at key; where a rule gives the same key, the base document wins (as in OPA).
  void put_base(const value::Value& key, const value::Value& v);
  // A value at a path of keys below here; set_leaf: v is a member of the set at the path.
  void insert(std::span<const value::Value> keys, const value::Value& v, bool set_leaf);

  value::Value to_value() const;

 private:
  struct Entry {
    enum class Kind { Leaf, Set, Nested, Base } kind = Kind::Leaf;
    value::Value leaf;
    std::vector<value::Value> members;
    std::unique_ptr<ObjectTree> nested;
  };
  std::map<value::Value, Entry> entries_;
};

}  // namespace tollgate::rego::eval
