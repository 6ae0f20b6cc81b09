#include "rules/rego/eval/object_tree.h"

namespace tollgate::rego::eval {

using value::Value;

ObjectTree& ObjectTree::nested(const Value& key) {
  auto [it, added] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (added || e.kind == Entry::Kind::Base) {
    Value base = added ? Value() : e.leaf;
    e = Entry{};
    e.kind = Entry::Kind::Nested;
    e.nested = std::make_unique<ObjectTree>();
    if (base.is_object()) {
      for (const auto& [k, v] : base.entries()) e.nested->put_base(k, v);
    }
    return *e.nested;
  }
  if (e.kind == Entry::Kind::Nested) return *e.nested;
  throw KeyConflict{};
}

void ObjectTree::put(const Value& key, const Value& v) {
  auto [it, added] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (e.kind == Entry::Kind::Base && !added) return;  // base documents win over rules (as OPA)
  if (added) {
    e.kind = Entry::Kind::Leaf;
    e.leaf = v;
    return;
  }
  if (e.kind == Entry::Kind::Leaf && e.leaf == v) return;
  throw KeyConflict{};
}

void ObjectTree::add_members(const Value& key, std::span<const Value> members) {
  auto [it, added] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (e.kind == Entry::Kind::Base && !added) return;
  if (added) {
    e.kind = Entry::Kind::Set;
  } else if (e.kind != Entry::Kind::Set) {
    throw KeyConflict{};
  }
  e.members.insert(e.members.end(), members.begin(), members.end());
}

void ObjectTree::put_base(const Value& key, const Value& v) {
  auto [it, added] = entries_.try_emplace(key);
  if (!added) return;
  it->second.kind = Entry::Kind::Base;
  it->second.leaf = v;
}

void ObjectTree::insert(std::span<const Value> keys, const Value& v, bool set_leaf) {
  ObjectTree* node = this;
  for (size_t i = 0; i + 1 < keys.size(); ++i) node = &node->nested(keys[i]);
  if (set_leaf) {
    node->add_members(keys.back(), std::span<const Value>(&v, 1));
  } else {
    node->put(keys.back(), v);
  }
}

Value ObjectTree::to_value() const {
  std::vector<Value::Entry> out;
  out.reserve(entries_.size());
  for (const auto& [k, e] : entries_) {
    switch (e.kind) {
      case Entry::Kind::Leaf:
      case Entry::Kind::Base: out.emplace_back(k, e.leaf); break;
      case Entry::Kind::Set: out.emplace_back(k, Value::set(e.members)); break;
      case Entry::Kind::Nested: out.emplace_back(k, e.nested ? e.nested->to_value() : Value::empty_object()); break;
    }
  }
  return Value::object_sorted(std::move(out));
}

}  // namespace tollgate::rego::eval
