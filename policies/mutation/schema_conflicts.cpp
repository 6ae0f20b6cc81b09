#include "policies/mutation/schema_conflicts.h"

#include <map>
#include <set>

namespace tollgate::policies::mutation {

namespace {

// What a node of the implied schema is: the type of the next path node, or
// for the last node the mutator's terminal type.
enum class NodeType { Object, List, Unknown, Set, String };

const char* type_name(NodeType t) {
  switch (t) {
    case NodeType::Object:
      return "object";
    case NodeType::List:
      return "keyed list";
    case NodeType::Unknown:
      return "unknown";
    case NodeType::Set:
      return "set";
    case NodeType::String:
      return "string";
  }
  return "?";
}

NodeType terminal(TerminalType t) {
  switch (t) {
    case TerminalType::Unknown:
      return NodeType::Unknown;
    case TerminalType::Set:
      return NodeType::Set;
    case TerminalType::String:
      return NodeType::String;
  }
  return NodeType::Unknown;
}

struct SchemaNode {
  std::set<size_t> referenced_by;
  // Children by field name (for a list: by key field), then by implied type;
  // more than one known type under a name is a conflict.
  std::map<std::string, std::map<NodeType, SchemaNode>> children;

  void add(size_t id, const std::vector<PathNode>& path, size_t depth, NodeType last) {
    referenced_by.insert(id);
    if (depth == path.size()) return;
    NodeType type = depth + 1 < path.size() ? (path[depth + 1].is_list() ? NodeType::List : NodeType::Object) : last;
    children[path[depth].name][type].add(id, path, depth + 1, last);
  }
};

struct Conflict {
  std::set<size_t> others;
  std::set<std::string> places;
};

class ConflictFinder {
 public:
  explicit ConflictFinder(size_t count) : conflicts_(count) {}

  void walk(const SchemaNode& node, const std::string& where, bool node_is_list, const std::string& binding) {
    for (const auto& [name, by_type] : node.children) {
      std::string child_where = node_is_list    ? where + "[" + name + ": ...]"
                                : where.empty() ? name
                                                : where + "." + name;
      std::set<size_t> typed;  // mutators implying a known type here
      std::string types;
      for (const auto& [type, child] : by_type) {
        if (type == NodeType::Unknown) continue;
        typed.insert(child.referenced_by.begin(), child.referenced_by.end());
        types += (types.empty() ? "" : " vs ") + std::string(type_name(type));
      }
      size_t known = by_type.size() - by_type.count(NodeType::Unknown);
      if (known > 1) record(typed, child_where + " (" + types + ")", binding);
      for (const auto& [type, child] : by_type) {
        if (type == NodeType::List && child.children.size() > 1) {
          std::string keys;
          for (const auto& entry : child.children) keys += (keys.empty() ? "" : ", ") + entry.first;
          record(child.referenced_by, child_where + " (list keyed by " + keys + ")", binding);
        }
      }
      for (const auto& [type, child] : by_type) walk(child, child_where, type == NodeType::List, binding);
    }
  }

  std::vector<Conflict> conflicts_;

 private:
  void record(const std::set<size_t>& ids, const std::string& place, const std::string& binding) {
    for (size_t id : ids) {
      conflicts_[id].places.insert(place + " for " + binding);
      for (size_t other : ids) {
        if (other != id) conflicts_[id].others.insert(other);
      }
    }
  }
};

}  // namespace

std::vector<std::string> find_schema_conflicts(const std::vector<const Mutator*>& mutators) {
  std::map<SchemaBinding, SchemaNode> schemas;
  for (size_t i = 0; i < mutators.size(); ++i) {
    const Mutator& m = *mutators[i];
    if (!m.has_schema()) continue;
    for (const SchemaBinding& b : m.bindings()) {
      schemas[b].add(i, m.location().nodes, 0, terminal(m.terminal_type()));
    }
  }
  ConflictFinder finder(mutators.size());
  for (const auto& [binding, root] : schemas) finder.walk(root, "", false, binding.to_string());

  std::vector<std::string> out(mutators.size());
  for (size_t i = 0; i < mutators.size(); ++i) {
    const Conflict& c = finder.conflicts_[i];
    if (c.places.empty()) continue;
    std::string reason = "conflicting schemas at ";
    bool first = true;
    for (const std::string& p : c.places) {
      reason += (first ? "" : "; ") + p;
      first = false;
    }
    if (!c.others.empty()) {
      reason += " with ";
      std::set<std::string> names;
      for (size_t o : c.others) names.insert(mutators[o]->id().display());
      first = true;
      for (const std::string& n : names) {
        reason += (first ? "" : ", ") + n;
        first = false;
      }
    }
    out[i] = std::move(reason);
  }
  return out;
}

}  // namespace tollgate::policies::mutation
