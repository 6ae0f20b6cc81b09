// The data document: base documents merged with the rule tree (rego-notes.md
// §5 "Documents, packages, imports"). A ref into data walks the rule tree
// while it can, evaluating rules where it reaches them, and continues into
// their values or into base data; variables iterate over packages, rule
// names and base keys alike. `with data...` replacements are applied on the
// way.
#include <algorithm>

#include "rules/rego/eval/collections.h"
#include "rules/rego/eval/evaluator.h"
#include "rules/rego/number.h"

namespace tollgate::rego::eval {

using ir::TermOp;

namespace {

// Calls fn(key, child node or null, base value or null) for the union of a
// node's children and the keys of the base object at the same place, in
// key order.
template <class F>
bool for_each_child(const ir::DataNode* node, const Value* base, F&& fn) {
  static const std::vector<std::unique_ptr<ir::DataNode>> no_children;
  const auto& children = node != nullptr ? node->children : no_children;
  const std::vector<Value::Entry>* entries = base != nullptr && base->is_object() ? &base->entries() : nullptr;
  size_t i = 0;
  size_t j = 0;
  const size_t nb = entries != nullptr ? entries->size() : 0;
  while (i < children.size() || j < nb) {
    if (j < nb && (i >= children.size() || (*entries)[j].first < children[i]->key)) {
      if (!fn((*entries)[j].first, static_cast<const ir::DataNode*>(nullptr), &(*entries)[j].second)) return false;
      ++j;
    } else if (j < nb && (*entries)[j].first == children[i]->key) {
      if (!fn(children[i]->key, children[i].get(), &(*entries)[j].second)) return false;
      ++i;
      ++j;
    } else {
      if (!fn(children[i]->key, children[i].get(), static_cast<const Value*>(nullptr))) return false;
      ++i;
    }
  }
  return true;
}

bool starts_with(const std::vector<Value>& path, const std::vector<Value>& prefix) {
  if (prefix.size() > path.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace

Value set_path(const Value& base, std::span<const Value> path, const Value& v) {
  if (path.empty()) return v;
  const Value& obj = base.is_object() ? base : Value::empty_object();
  const Value* child = obj.find(path[0]);
  return value::with_entry(obj, path[0], set_path(child != nullptr ? *child : Value(), path.subspan(1), v));
}

const Value* Evaluator::base_at(const std::vector<Value>& path, size_t depth) const {
  const Value* v = data_.is_object() ? &data_ : nullptr;
  for (size_t i = 0; i < depth && v != nullptr; ++i) {
    if (!v->is_object()) return nullptr;
    v = path[i].is_string() ? find_string_key(*v, path[i].as_string()) : v->find(path[i]);
  }
  return v;
}

ir::Term Evaluator::document_term(const CompiledPolicy& policy, const std::vector<Value>& path) {
  ir::Term t;
  t.op = TermOp::DataRef;
  t.path = path;
  const ir::DataNode* node = &policy.root;
  for (const auto& key : path) {
    const ir::DataNode* next = node->child(key);
    if (next == nullptr) break;
    node = next;
    if (node->has_rules_here()) break;
  }
  t.node = node;
  return t;
}

std::optional<Value> Evaluator::document(const ir::Term& t) {
  std::optional<Value> out;
  eval_data_ref(t, nullptr, [&](const Value& v) {
    out = v;
    return false;
  });
  return out;
}

bool Evaluator::eval_data_ref(const ir::Term& t, Frame f, Yield k) {
  if (state_.data_overrides != nullptr) {
    std::vector<Value> path;
    return walk_node_overridden(&policy_.root, data_.is_object() ? &data_ : nullptr, path, t, 0, f, k);
  }
  const size_t depth = t.node->path.size();
  return walk_node(t.node, base_at(t.path, depth), t, depth, f, k);
}

bool Evaluator::walk_node(const ir::DataNode* node, const Value* base, const ir::Term& t, size_t pos, Frame f,
                          Yield k) {
  if (node == nullptr) return base != nullptr ? walk(*base, t, pos, f, k) : true;
  if (node->has_rules_here()) {
    const Value* v = nullptr;
    if (node->group != nullptr) {
      if (node->group->kind == ir::GroupKind::Function) return true;
      v = group_value(*node->group);
    } else {
      v = group_value(*node->dynamic);
    }
    return v != nullptr ? walk(*v, t, pos, f, k) : true;
  }
  const size_t prefix = t.path.size();
  const size_t end = prefix + t.items.size();
  if (pos == end) return k(materialize(*node, base, true));

  const Value* key = nullptr;
  const ir::Term* op = nullptr;
  if (pos < prefix) {
    key = &t.path[pos];
  } else {
    op = &t.items[pos - prefix];
    if (op->op == TermOp::Const) {
      key = &op->value;
    } else if (op->op == TermOp::Local) {
      key = f[op->slot];
    }
  }
  auto step = [&](const Value& k2) {
    const Value* base_child = base != nullptr ? lookup_document(*base, k2, number_text) : nullptr;
    return walk_node(node->child(k2), base_child, t, pos + 1, f, k);
  };
  if (key != nullptr) return step(*key);
  if (op->op == TermOp::Local) {
    const uint32_t slot = op->slot;
    return for_each_child(node, base, [&](const Value& child_key, const ir::DataNode* child, const Value* bc) {
      f[slot] = &child_key;
      bool go = walk_node(child, bc, t, pos + 1, f, k);
      f[slot] = nullptr;
      return go;
    });
  }
  if (is_open(*op, f)) {
    return for_each_child(node, base, [&](const Value& child_key, const ir::DataNode* child, const Value* bc) {
      return unify_value(*op, child_key, f, [&] { return walk_node(child, bc, t, pos + 1, f, k); });
    });
  }
  return eval_term(*op, f, [&](const Value& computed) { return step(computed); });
}

std::optional<Value> Evaluator::node_value(const ir::DataNode& node, const Value* base) {
  if (node.group != nullptr) {
    if (node.group->kind == ir::GroupKind::Function) return std::nullopt;
    const Value* v = group_value(*node.group);
    return v != nullptr ? std::optional<Value>(*v) : std::nullopt;
  }
  if (node.dynamic != nullptr) {
    const Value* v = group_value(*node.dynamic);
    return v != nullptr ? std::optional<Value>(*v) : std::nullopt;
  }
  return materialize(node, base, true);
}

Value Evaluator::materialize(const ir::DataNode& node, const Value* base, bool include_dynamic) {
  ObjectTree acc;
  try {
    fill(node, base, acc);
  } catch (const KeyConflict&) {
    abort("eval_conflict_error", "object keys must be unique", "", {});
  }
  if (include_dynamic && node.dynamic != nullptr) add_dynamic(*node.dynamic, acc);
  return acc.to_value();
}

void Evaluator::fill(const ir::DataNode& node, const Value* base, ObjectTree& acc) {
  if (base != nullptr && base->is_object()) {
    for (const auto& [k, v] : base->entries()) acc.put_base(k, v);
  }
  for (const auto& child : node.children) {
    const Value* base_child = base != nullptr ? lookup(*base, child->key) : nullptr;
    if (child->group != nullptr) {
      switch (child->group->kind) {
        case ir::GroupKind::Function: break;
        case ir::GroupKind::PartialSet: {
          const Value* v = group_value(*child->group);
          if (v != nullptr) acc.add_members(child->key, v->items());
          break;
        }
        default: {
          const Value* v = group_value(*child->group);
          if (v != nullptr) acc.put(child->key, *v);
          break;
        }
      }
      continue;
    }
    ObjectTree& sub = acc.nested(child->key);
    fill(*child, base_child, sub);
    if (child->dynamic != nullptr) add_dynamic(*child->dynamic, sub);
  }
}

// ---- with data.<path> as ... ----

const Value* Evaluator::override_at(const std::vector<Value>& path) const {
  for (const DataOverride* o = state_.data_overrides; o != nullptr; o = o->next) {
    if (*o->path == path) return o->value;
  }
  return nullptr;
}

bool Evaluator::overrides_below(const std::vector<Value>& path) const {
  for (const DataOverride* o = state_.data_overrides; o != nullptr; o = o->next) {
    if (o->path->size() > path.size() && starts_with(*o->path, path)) return true;
  }
  return false;
}

Value Evaluator::apply_overrides_below(Value v, const std::vector<Value>& path) const {
  std::vector<const DataOverride*> below;
  for (const DataOverride* o = state_.data_overrides; o != nullptr; o = o->next) {
    if (o->path->size() > path.size() && starts_with(*o->path, path)) below.push_back(o);
  }
  // Oldest first, so that newer replacements win.
  for (auto it = below.rbegin(); it != below.rend(); ++it) {
    const auto& p = *(*it)->path;
    v = set_path(v, std::span<const Value>(p.data() + path.size(), p.size() - path.size()), *(*it)->value);
  }
  return v;
}

bool Evaluator::walk_node_overridden(const ir::DataNode* node, const Value* base, std::vector<Value>& path,
                                     const ir::Term& t, size_t pos, Frame f, Yield k) {
  if (const Value* replaced = override_at(path)) {
    Value v = apply_overrides_below(*replaced, path);
    return walk(v, t, pos, f, k);
  }
  if (!overrides_below(path)) return walk_node(node, base, t, pos, f, k);
  if (node == nullptr || node->has_rules_here()) {
    std::optional<Value> v;
    if (node != nullptr) {
      v = node_value(*node, base);
    } else if (base != nullptr) {
      v = *base;
    }
    Value patched = apply_overrides_below(v ? *v : Value(), path);
    return walk(patched, t, pos, f, k);
  }
  const size_t prefix = t.path.size();
  const size_t end = prefix + t.items.size();
  if (pos == end) {
    Value v = apply_overrides_below(materialize(*node, base, true), path);
    return k(v);
  }
  const Value* key = nullptr;
  const ir::Term* op = nullptr;
  if (pos < prefix) {
    key = &t.path[pos];
  } else {
    op = &t.items[pos - prefix];
    if (op->op == TermOp::Const) {
      key = &op->value;
    } else if (op->op == TermOp::Local) {
      key = f[op->slot];
    }
  }
  auto step = [&](const Value& k2) {
    const Value* base_child = base != nullptr ? lookup_document(*base, k2, number_text) : nullptr;
    path.push_back(k2);
    bool go = walk_node_overridden(node->child(k2), base_child, path, t, pos + 1, f, k);
    path.pop_back();
    return go;
  };
  if (key != nullptr) return step(*key);
  // Keys: rule-tree children, base keys, and the next segments of replacements below here.
  std::vector<Value> keys;
  for_each_child(node, base, [&](const Value& child_key, const ir::DataNode*, const Value*) {
    keys.push_back(child_key);
    return true;
  });
  for (const DataOverride* o = state_.data_overrides; o != nullptr; o = o->next) {
    if (o->path->size() > path.size() && starts_with(*o->path, path)) keys.push_back((*o->path)[path.size()]);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& candidate : keys) {
    bool go = true;
    if (op->op == TermOp::Local) {
      f[op->slot] = &candidate;
      go = step(candidate);
      f[op->slot] = nullptr;
    } else if (is_open(*op, f)) {
      go = unify_value(*op, candidate, f, [&] { return step(candidate); });
    } else {
      go = eval_term(*op, f, [&](const Value& computed) { return computed == candidate ? step(candidate) : true; });
    }
    if (!go) return false;
  }
  return true;
}

}  // namespace tollgate::rego::eval
