#include "policies/mutation/path_mutation.h"

#include <utility>
#include <vector>

namespace tollgate::policies::mutation {

using value::Value;

namespace {

enum class Step { Unchanged, Mutated, Failed };

// Gatekeeper's %+v of a path node, as its mismatch errors print it.
std::string go_node(const PathNode& n) {
  if (n.type == PathNode::Type::Object) return "&{Reference:" + n.name + "}";
  std::string key = n.glob ? "<nil>" : n.integer_key ? std::to_string(n.key_integer) : n.key_string;
  return "&{KeyField:" + n.name + " KeyValue:" + key + " Glob:" + (n.glob ? "true" : "false") + "}";
}

class Walker {
 public:
  Walker(const Location& location, const PathTester& tester, const Setter& setter)
      : nodes_(location.nodes), tester_(tester), setter_(setter) {}

  Step walk(const Value& current, size_t depth, Value* out) {
    const PathNode& node = nodes_[depth];
    return node.type == PathNode::Type::Object ? walk_object(current, node, depth, out)
                                               : walk_list(current, node, depth, out);
  }

  std::string error;

 private:
  bool last(size_t depth) const { return depth + 1 == nodes_.size(); }

  Step fail(std::string message) {
    error = std::move(message);
    return Step::Failed;
  }

  // `current` with `key` set to the setter's value; `current` itself when
  // the value is already there.
  static Value set_leaf(const Value& current, const std::string& key, const Value* before, Value next) {
    if (before != nullptr && *before == next) return current;
    return value::with_entry(current, key, std::move(next));
  }

  // `current` with `key` set to a walked child. Leaves keep identity when
  // unchanged (set_leaf) and so do the maps and lists above them, so a new
  // identity always means a change.
  static Value set_child(const Value& current, const std::string& key, const Value* before, Value next) {
    if (before != nullptr && before->identity() == next.identity()) return current;
    return value::with_entry(current, key, std::move(next));
  }

  Step walk_object(const Value& current, const PathNode& node, size_t depth, Value* out) {
    if (!current.is_object()) {
      return fail("mismatch between path entry (type: object) and received object (type: " + go_type_name(current) +
                  "). Path: " + go_node(node));
    }
    const Value* existing = current.find(node.name);
    if (existing != nullptr ? !tester_.exists_okay(depth) : !tester_.missing_okay(depth)) return Step::Unchanged;
    if (last(depth)) {
      std::optional<Value> next;
      if (!setter_.set_value(existing, &next, &error)) return Step::Failed;
      *out = next ? set_leaf(current, node.name, existing, std::move(*next)) : current;
      return Step::Mutated;
    }
    Value created;
    if (existing == nullptr) {
      if (!create_missing(depth, &created)) return Step::Failed;
    }
    Value next;
    Step s = walk(existing != nullptr ? *existing : created, depth + 1, &next);
    if (s == Step::Mutated) *out = set_child(current, node.name, existing, std::move(next));
    return s;
  }

  Step walk_list(const Value& current, const PathNode& node, size_t depth, Value* out) {
    if (!current.is_array()) {
      return fail("mismatch between path entry (type: List) and received object (type: " + go_type_name(current) +
                  "). Path: " + go_node(node));
    }
    if (last(depth)) {
      if (!setter_.keyed_list_okay()) return fail("mutator does not understand keyed lists");
      return set_list_element(current, node, depth, out);
    }
    // A glob never selects a missing element, so MustNotExist can never hold.
    if (node.glob && !tester_.exists_okay(depth)) return Step::Unchanged;

    const std::vector<Value>& items = current.items();
    std::vector<Value> changed;  // copy of items, made on the first change
    bool mutated = false;
    bool found = false;
    for (size_t i = 0; i < items.size(); ++i) {
      const Value& item = items[i];
      if (!node.glob) {
        const Value* field = item.is_object() ? item.find(node.name) : nullptr;
        if (field == nullptr || !node.key_matches(*field)) continue;
        if (!tester_.exists_okay(depth)) return Step::Unchanged;
      }
      found = true;
      Value next;
      Step s = walk(item, depth + 1, &next);
      if (s == Step::Failed) return s;
      if (s == Step::Mutated) {
        mutated = true;
        if (next.identity() != item.identity()) {
          if (changed.empty()) changed = items;
          changed[i] = std::move(next);
        }
      }
    }
    if (!node.glob && !found) {
      if (!tester_.missing_okay(depth)) return Step::Unchanged;
      Value element;
      if (!create_missing(depth, &element)) return Step::Failed;
      Value next;
      Step s = walk(element, depth + 1, &next);
      if (s == Step::Failed) return s;
      if (s == Step::Mutated) {
        mutated = true;
        if (changed.empty()) changed = items;
        changed.push_back(std::move(next));
      }
    }
    if (!mutated) return Step::Unchanged;
    *out = changed.empty() ? current : Value::array(std::move(changed));
    return Step::Mutated;
  }

  // The location ends in `[key: value]`: replace the first element with that
  // key or append one.
  Step set_list_element(const Value& current, const PathNode& node, size_t depth, Value* out) {
    if (node.glob) return fail("last path entry can not be globbed");
    Value element;
    if (!setter_.keyed_list_value(&element, &error)) return Step::Failed;
    const std::vector<Value>& items = current.items();
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is_object()) {
        return fail("cast error, unable to case " + go_type_name(items[i]) + " to map[string]interface{}");
      }
      const Value* field = items[i].find(node.name);
      if (field == nullptr || !node.key_matches(*field)) continue;
      const Value* new_key = element.find(node.name);
      if (new_key == nullptr || !node.key_matches(*new_key))
        return fail("key value of replaced object must not change");
      if (!tester_.exists_okay(depth)) return Step::Unchanged;
      if (items[i] == element) {
        *out = current;
      } else {
        std::vector<Value> changed = items;
        changed[i] = std::move(element);
        *out = Value::array(std::move(changed));
      }
      return Step::Mutated;
    }
    if (!tester_.missing_okay(depth)) return Step::Unchanged;
    std::vector<Value> changed = items;
    changed.push_back(std::move(element));
    *out = Value::array(std::move(changed));
    return Step::Mutated;
  }

  // What goes where the path continues but the object has nothing: a map or
  // a list for the next node; for a keyed list a new element with its key.
  bool create_missing(size_t depth, Value* out) {
    const PathNode& node = nodes_[depth];
    const PathNode& next = nodes_[depth + 1];
    if (node.type == PathNode::Type::List) {
      if (next.type == PathNode::Type::List) {
        error = "two consecutive list path entries not allowed";
        return false;
      }
      *out = Value::object({{Value::string(node.name), node.key_value()}});
      return true;
    }
    *out = next.type == PathNode::Type::Object ? Value::empty_object() : Value::empty_array();
    return true;
  }

  const std::vector<PathNode>& nodes_;
  const PathTester& tester_;
  const Setter& setter_;
};

}  // namespace

bool Setter::keyed_list_value(Value* out, std::string* error) const {
  *error = "mutator does not understand keyed lists";
  return false;
}

PathMutation mutate_path(const Location& location, const PathTester& tester, const Setter& setter,
                         const Value& object) {
  PathMutation result;
  result.object = object;
  if (location.empty()) {
    result.failed = true;
    result.error = "attempting to mutate an empty target location";
    return result;
  }
  Walker walker(location, tester, setter);
  Value out;
  Step s = walker.walk(object, 0, &out);
  if (s == Step::Failed) {
    result.failed = true;
    result.error = std::move(walker.error);
  } else if (s == Step::Mutated) {
    result.mutated = true;
    result.object = std::move(out);
  }
  return result;
}

std::string go_type_name(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null:
      return "<nil>";
    case value::Kind::Bool:
      return "bool";
    case value::Kind::Int:
      return "int64";
    case value::Kind::Uint:
      return "uint64";
    case value::Kind::Double:
    case value::Kind::BigNum:
      return "float64";
    case value::Kind::String:
      return "string";
    case value::Kind::Array:
    case value::Kind::Set:
      return "[]interface {}";
    case value::Kind::Object:
      return "map[string]interface {}";
    default:
      return value::kind_name(v.kind());
  }
}

}  // namespace tollgate::policies::mutation
