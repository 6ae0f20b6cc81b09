// object.get keys remove filter union union_n subset, json.filter
// json.remove json.patch, graph.reachable(_paths) over object graphs, and
// the walk relation.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/json_patch.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using value::Kind;

// OPA's Value.Find: a path through objects (by key), arrays (by integral
// index) and sets (by member); nullptr when a step is missing.
const Value* find_path(const Value& root, std::span<const Value> path) {
  const Value* current = &root;
  for (const Value& key : path) {
    switch (current->kind()) {
      case Kind::Object: current = current->find(key); break;
      case Kind::Array: {
        int64_t index = 0;
        if (!key.is_number() || !integral_int64(key, &index) || index < 0) return nullptr;
        current = current->at(static_cast<size_t>(index));
        break;
      }
      case Kind::Set: {
        const std::vector<Value>& items = current->items();
        auto it = std::lower_bound(items.begin(), items.end(), key,
                                   [](const Value& a, const Value& b) { return value::compare(a, b) < 0; });
        current = it != items.end() && *it == key ? &*it : nullptr;
        break;
      }
      default: return nullptr;
    }
    if (!current) return nullptr;
  }
  return current;
}

// object.get(o, key, default); an array key is a path, [] meaning o itself.
std::optional<Value> object_get(Args args, BuiltinContext&) {
  const Value& object = object_operand(args, 1);
  const Value& key = args[1];
  if (!key.is_array()) {
    const Value* found = key.is_string() ? object.find(std::string_view(key.as_string())) : object.find(key);
    return found ? *found : args[2];
  }
  const Value* found = find_path(object, key.items());
  return found ? *found : args[2];
}

std::optional<Value> object_keys(Args args, BuiltinContext&) {
  const Value& object = object_operand(args, 1);
  std::vector<Value> keys;
  keys.reserve(object.entries().size());
  for (const auto& [key, v] : object.entries()) keys.push_back(key);
  return Value::set(std::move(keys));
}

// The keys named by an array, a set, or an object's keys, as a sorted set.
Value keys_operand(const Value& v) {
  switch (v.kind()) {
    case Kind::Array: return Value::set(v.items());
    case Kind::Set: return v;
    case Kind::Object: {
      std::vector<Value> keys;
      for (const auto& [key, item] : v.entries()) keys.push_back(key);
      return Value::set(std::move(keys));
    }
    default: throw_operand_type_error(2, v, {"object", "set", "array"});
  }
}

Value entries_where(const Value& object, const Value& keys, bool keep_listed) {
  std::vector<Value::Entry> out;
  for (const auto& entry : object.entries()) {
    if (keys.contains(entry.first) == keep_listed) out.push_back(entry);
  }
  return Value::object_sorted(std::move(out));
}

std::optional<Value> object_remove(Args args, BuiltinContext&) {
  const Value& object = object_operand(args, 1);
  return entries_where(object, keys_operand(args[1]), false);
}

std::optional<Value> object_filter(Args args, BuiltinContext&) {
  const Value& object = object_operand(args, 1);
  return entries_where(object, keys_operand(args[1]), true);
}

// Recursive merge: b wins, except that two objects under one key merge.
Value merge_with_overwrite(const Value& a, const Value& b) {
  if (a.entries().empty()) return b;
  if (b.entries().empty()) return a;
  std::vector<Value::Entry> out;
  const auto& x = a.entries();
  const auto& y = b.entries();
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    int c = i == x.size() ? 1 : j == y.size() ? -1 : value::compare(x[i].first, y[j].first);
    if (c < 0) {
      out.push_back(x[i++]);
    } else if (c > 0) {
      out.push_back(y[j++]);
    } else {
      const Value& left = x[i].second;
      const Value& right = y[j].second;
      out.emplace_back(y[j].first, left.is_object() && right.is_object() ? merge_with_overwrite(left, right) : right);
      ++i;
      ++j;
    }
  }
  return Value::object_sorted(std::move(out));
}

std::optional<Value> object_union(Args args, BuiltinContext&) {
  const Value& a = object_operand(args, 1);
  const Value& b = object_operand(args, 2);
  if (a == b) return a;
  return merge_with_overwrite(a, b);
}

std::optional<Value> object_union_n(Args args, BuiltinContext&) {
  const Value& objects = array_operand(args, 1);
  Value result = Value::empty_object();
  for (const Value& object : objects.items()) {
    if (!object.is_object()) throw_operand_element_error(1, objects, object, "object");
  }
  for (const Value& object : objects.items()) result = merge_with_overwrite(result, object);
  return result;
}

bool array_contains_run(const std::vector<Value>& super, const std::vector<Value>& sub) {
  if (sub.size() > super.size()) return false;
  for (size_t start = 0; start + sub.size() <= super.size(); ++start) {
    size_t k = 0;
    while (k < sub.size() && super[start + k] == sub[k]) ++k;
    if (k == sub.size()) return true;
  }
  return false;
}

// As OPA: true once the array has supplied as many members of the set as the
// set has (an array element is counted each time it occurs), never for [].
bool array_covers_set(const std::vector<Value>& super, const Value& sub) {
  size_t unmatched = sub.items().size();
  for (const Value& item : super) {
    if (sub.contains(item)) --unmatched;
    if (unmatched == 0) return true;
  }
  return false;
}

bool is_subset(const Value& super, const Value& sub);

bool object_subset(const Value& super, const Value& sub) {
  for (const auto& [key, sub_value] : sub.entries()) {
    const Value* super_value = super.find(key);
    if (!super_value) return false;
    if (*super_value == sub_value) continue;
    bool same_composite = (super_value->is_object() && sub_value.is_object()) ||
                          (super_value->is_set() && sub_value.is_set()) ||
                          (super_value->is_array() && sub_value.is_array());
    if (!same_composite || !is_subset(*super_value, sub_value)) return false;
  }
  return true;
}

bool is_subset(const Value& super, const Value& sub) {
  if (super.is_object()) return object_subset(super, sub);
  if (super.is_set()) {
    for (const Value& item : sub.items()) {
      if (!super.contains(item)) return false;
    }
    return true;
  }
  return array_contains_run(super.items(), sub.items());
}

std::optional<Value> object_subset_builtin(Args args, BuiltinContext&) {
  const Value& super = args[0];
  const Value& sub = args[1];
  if ((super.is_object() && sub.is_object()) || (super.is_set() && sub.is_set()) ||
      (super.is_array() && sub.is_array())) {
    return Value::boolean(is_subset(super, sub));
  }
  if (super.is_array() && sub.is_set()) return Value::boolean(array_covers_set(super.items(), sub));
  throw BuiltinError(BuiltinError::Code::Type,
                     "both arguments object.subset must be of the same type or array and set");
}

// ---- json.filter / json.remove ----

// The paths of operand 2 merged into one tree: {"a": {"b": null}} for "a/b";
// a path that is a prefix of another wins.
class PathTree {
 public:
  void add(const std::vector<Value>& path) {
    if (path.empty()) return;
    PathTree* node = this;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      auto it = node->children_.find(path[i]);
      if (it == node->children_.end()) {
        node = &node->children_[path[i]];
        node->leaf_ = false;
        continue;
      }
      if (it->second.leaf_) return;
      node = &it->second;
    }
    PathTree& last = node->children_[path.back()];
    last.leaf_ = true;
    last.children_.clear();
  }

  // The tree as OPA builds it: leaves are null, inner nodes objects.
  Value to_value() const {
    if (leaf_) return Value::null();
    std::vector<Value::Entry> entries;
    for (const auto& [key, node] : children_) entries.emplace_back(key, node.to_value());
    return Value::object_sorted(std::move(entries));
  }

 private:
  struct Less {
    bool operator()(const Value& a, const Value& b) const { return value::compare(a, b) < 0; }
  };
  bool leaf_ = false;
  std::map<Value, PathTree, Less> children_;
};

Value json_paths_operand(Args args) {
  const Value& paths = args[1];
  if (!paths.is_array() && !paths.is_set()) throw_operand_type_error(2, paths, {"set", "array"});
  PathTree tree;
  for (const Value& path : paths.items()) {
    std::optional<std::vector<Value>> segments = json_path_segments(path);
    if (!segments) {
      throw_operand_error(2, std::string("must be one of {set, array} containing string paths or array of path "
                                         "segments but got ") + rego_type_name(path));
    }
    tree.add(*segments);
  }
  return tree.to_value();
}

// OPA's filterObject: keeps what the filter tree names (array positions are
// named by their decimal text).
Value filter_value(const Value& v, const Value& filter) {
  if (filter.is_null()) return v;
  switch (v.kind()) {
    case Kind::Array: {
      std::vector<Value> out;
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (const Value* sub = filter.find(std::to_string(i))) out.push_back(filter_value(v.items()[i], *sub));
      }
      return Value::array(std::move(out));
    }
    case Kind::Set: {
      std::vector<Value> out;
      for (const Value& item : v.items()) {
        if (const Value* sub = filter.find(item)) out.push_back(filter_value(item, *sub));
      }
      return Value::set(std::move(out));
    }
    case Kind::Object: {
      std::vector<Value::Entry> out;
      for (const auto& [key, item] : v.entries()) {
        if (const Value* sub = filter.find(key)) out.emplace_back(key, filter_value(item, *sub));
      }
      return Value::object_sorted(std::move(out));
    }
    default: return v;
  }
}

// OPA's jsonRemove: drops what the tree's leaves name; nullopt = removed.
std::optional<Value> remove_value(const Value& v, const Value* tree) {
  if (!tree || !tree->is_object()) return tree && tree->is_null() ? std::nullopt : std::optional<Value>(v);
  switch (v.kind()) {
    case Kind::Object: {
      std::vector<Value::Entry> out;
      for (const auto& [key, item] : v.entries()) {
        if (std::optional<Value> kept = remove_value(item, tree->find(key))) out.emplace_back(key, std::move(*kept));
      }
      return Value::object_sorted(std::move(out));
    }
    case Kind::Set: {
      std::vector<Value> out;
      for (const Value& item : v.items()) {
        if (std::optional<Value> kept = remove_value(item, tree->find(item))) out.push_back(std::move(*kept));
      }
      return Value::set(std::move(out));
    }
    case Kind::Array: {
      std::vector<Value> out;
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (std::optional<Value> kept = remove_value(v.items()[i], tree->find(std::to_string(i)))) {
          out.push_back(std::move(*kept));
        }
      }
      return Value::array(std::move(out));
    }
    default: return v;
  }
}

std::optional<Value> json_filter(Args args, BuiltinContext&) {
  const Value& object = object_operand(args, 1);
  return filter_value(object, json_paths_operand(args));
}

std::optional<Value> json_remove(Args args, BuiltinContext&) {
  const Value& object = object_operand(args, 1);
  Value tree = json_paths_operand(args);
  return remove_value(object, &tree);
}

std::optional<Value> json_patch(Args args, BuiltinContext&) {
  const Value& operations = array_operand(args, 2);
  return apply_json_patch(args[0], operations);
}

// ---- graph.reachable, graph.reachable_paths ----

// Neighbours are an array or a set; anything else has none.
const std::vector<Value>& vertices(const Value& v) {
  static const std::vector<Value> none;
  return v.is_array() || v.is_set() ? v.items() : none;
}

const std::vector<Value>& initial_vertices(Args args) {
  if (!args[1].is_array() && !args[1].is_set()) throw_operand_type_error(2, args[1], {"{array, set}"});
  return args[1].items();
}

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return value::compare(a, b) < 0; }
};

// Every node reachable from the initial ones, themselves included when they are in the graph.
std::optional<Value> graph_reachable(Args args, BuiltinContext&) {
  const Value& graph = object_operand(args, 1);
  std::vector<Value> queue = initial_vertices(args);
  std::set<Value, ValueLess> reached;
  for (size_t i = 0; i < queue.size(); ++i) {
    const Value node = queue[i];
    const Value* edges = graph.find(node);
    if (!edges) continue;
    for (const Value& neighbor : vertices(*edges)) {
      if (!reached.count(neighbor)) queue.push_back(neighbor);
    }
    reached.insert(node);
  }
  return Value::set(std::vector<Value>(reached.begin(), reached.end()));
}

// OPA's pathBuilder as OPA v1.5.1 has it (Gatekeeper's OPA; rewritten in
// 2026): depth first from `root`, committing the path at a leaf, at a node
// outside the graph (without that node) and at an edge to an already reached
// node. `reached` is shared by every branch of one walk, so a node reached
// through one branch ends the sibling branches that meet it; and the paths
// committed at edges to reached nodes accumulate within one call, so a second
// such edge commits the path twice over ([a, b, a, b]), as OPA does.
void build_paths(const Value& graph, const Value& root, std::vector<Value> path, std::vector<Value>& paths,
                 std::set<Value, ValueLess>& reached) {
  std::vector<Value> committed;
  auto commit = [&] {
    committed.insert(committed.end(), path.begin(), path.end());
    paths.push_back(Value::array(committed));
  };
  const Value* edges = graph.find(root);
  if (!edges) {
    commit();
    return;
  }
  path.push_back(root);
  if (vertices(*edges).empty()) {
    commit();
    return;
  }
  for (const Value& neighbor : vertices(*edges)) {
    if (reached.count(neighbor)) {
      commit();
    } else {
      reached.insert(root);
      build_paths(graph, neighbor, path, paths, reached);
    }
  }
}

std::optional<Value> graph_reachable_paths(Args args, BuiltinContext&) {
  const Value& graph = object_operand(args, 1);
  std::vector<Value> paths;
  for (const Value& node : initial_vertices(args)) {
    const Value* edges = graph.find(node);
    if (!edges) continue;
    if (vertices(*edges).empty()) {
      paths.push_back(Value::array({node}));
      continue;
    }
    for (const Value& neighbor : vertices(*edges)) {
      std::set<Value, ValueLess> reached = {node};
      build_paths(graph, neighbor, {node}, paths, reached);
    }
  }
  return Value::set(std::move(paths));
}

// ---- walk ----

// Yields [path, value] for the value and everything inside it, parents
// first; arrays by index, objects by key, set members by themselves.
bool walk_from(const Value& v, std::vector<Value>& path, const std::function<bool(const Value&)>& yield) {
  if (!yield(Value::array({Value::array(path), v}))) return false;
  switch (v.kind()) {
    case Kind::Array:
      for (size_t i = 0; i < v.items().size(); ++i) {
        path.push_back(Value::integer(static_cast<int64_t>(i)));
        bool more = walk_from(v.items()[i], path, yield);
        path.pop_back();
        if (!more) return false;
      }
      return true;
    case Kind::Object:
      for (const auto& [key, item] : v.entries()) {
        path.push_back(key);
        bool more = walk_from(item, path, yield);
        path.pop_back();
        if (!more) return false;
      }
      return true;
    case Kind::Set:
      for (const Value& item : v.items()) {
        path.push_back(item);
        bool more = walk_from(item, path, yield);
        path.pop_back();
        if (!more) return false;
      }
      return true;
    default: return true;
  }
}

void walk(Args args, BuiltinContext&, const std::function<bool(const Value&)>& yield) {
  std::vector<Value> path;
  walk_from(args[0], path, yield);
}

}  // namespace

void register_object_builtins(BuiltinRegistry& r) {
  r.add({.name = "object.get", .arity = 3, .function = object_get});
  r.add({.name = "object.keys", .arity = 1, .function = object_keys});
  r.add({.name = "object.remove", .arity = 2, .function = object_remove});
  r.add({.name = "object.filter", .arity = 2, .function = object_filter});
  r.add({.name = "object.union", .arity = 2, .function = object_union});
  r.add({.name = "object.union_n", .arity = 1, .function = object_union_n});
  r.add({.name = "object.subset", .arity = 2, .function = object_subset_builtin});
  r.add({.name = "json.filter", .arity = 2, .function = json_filter});
  r.add({.name = "json.remove", .arity = 2, .function = json_remove});
  r.add({.name = "json.patch", .arity = 2, .function = json_patch});
  r.add({.name = "graph.reachable", .arity = 2, .function = graph_reachable});
  r.add({.name = "graph.reachable_paths", .arity = 2, .function = graph_reachable_paths});
  r.add({.name = "walk", .arity = 1, .relation = walk});
}

}  // namespace tollgate::rego
