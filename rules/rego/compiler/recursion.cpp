#include "rules/rego/compiler/recursion.h"

#include <algorithm>
#include <set>

namespace tollgate::rego::compiler {

namespace {

class DependencyGraph {
 public:
  explicit DependencyGraph(const CompiledPolicy& policy) : edges_(policy.groups.size()) {
    for (const auto& group : policy.groups) {
      std::set<uint32_t>& out = edges_[group->id];
      for (const auto& def : group->defs) {
        for (const auto& t : def.args) visit(t, out);
        for (const auto& t : def.keys) visit(t, out);
        for (const auto& c : def.clauses) {
          visit(c.body, out);
          if (c.value) visit(*c.value, out);
        }
      }
    }
  }
  const std::set<uint32_t>& edges(uint32_t id) const { return edges_[id]; }

 private:
  static void subtree(const ir::DataNode& node, std::set<uint32_t>& out) {
    if (node.group != nullptr) out.insert(node.group->id);
    if (node.dynamic != nullptr) out.insert(node.dynamic->id);
    for (const auto& c : node.children) subtree(*c, out);
  }
  void visit(const ir::Body& body, std::set<uint32_t>& out) {
    for (const auto& e : body.exprs) {
      for (const auto& t : e.terms) visit(t, out);
      for (const auto& w : e.with) {
        visit(w.value, out);
        if (w.replacement_function != nullptr) out.insert(w.replacement_function->id);
      }
      if (e.body) visit(*e.body, out);
    }
  }
  void visit(const ir::Term& t, std::set<uint32_t>& out) {
    if (t.op == ir::TermOp::DataRef && t.node != nullptr) {
      // What the constant path reaches. A variable iterating the children of
      // a package (data[x].p) is checked when evaluated instead.
      const ir::DataNode* node = t.node;
      if (node->has_rules_here() || (node->path.size() == t.path.size() && t.items.empty())) subtree(*node, out);
    }
    if (t.op == ir::TermOp::Call && t.call == ir::CallOp::Function) out.insert(t.function->id);
    for (const auto& item : t.items) visit(item, out);
    if (t.body) visit(*t.body, out);
  }

  std::vector<std::set<uint32_t>> edges_;
};

}  // namespace

void check_recursion(const CompiledPolicy& policy, std::vector<Error>& errors) {
  DependencyGraph graph(policy);
  enum Color : uint8_t { White, Grey, Black };
  std::vector<Color> color(policy.groups.size(), White);
  std::vector<uint32_t> stack;
  std::set<uint32_t> reported;

  auto dfs = [&](auto& self, uint32_t id) -> void {
    color[id] = Grey;
    stack.push_back(id);
    for (uint32_t next : graph.edges(id)) {
      if (color[next] == Grey) {
        auto from = std::find(stack.begin(), stack.end(), next);
        if (reported.insert(next).second) {
          const ir::RuleGroup& g = *policy.groups[next];
          std::string chain;
          for (auto it = from; it != stack.end(); ++it) chain += policy.groups[*it]->name + " -> ";
          chain += g.name;
          Error err{"rego_recursion_error", "rule " + g.name + " is recursive: " + chain, "", {}};
          if (!g.defs.empty()) {
            err.file = std::string(g.defs[0].file);
            err.loc = g.defs[0].loc;
          }
          errors.push_back(std::move(err));
        }
      } else if (color[next] == White) {
        self(self, next);
      }
    }
    stack.pop_back();
    color[id] = Black;
  };
  for (uint32_t id = 0; id < policy.groups.size(); ++id) {
    if (color[id] == White) dfs(dfs, id);
  }
}

}  // namespace tollgate::rego::compiler
