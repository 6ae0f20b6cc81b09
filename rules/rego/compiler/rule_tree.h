// Building the rule tree: every rule of every module placed at its path
// below data (package + head ref), grouped with the other definitions of
// the same path, with the kind checks OPA makes (conflicting rule kinds,
// function arities, multiple defaults).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/compiled_policy.h"

namespace tollgate::rego::compiler {

// Where a rule lives and what it produces, from its head.
struct HeadShape {
  std::vector<value::Value> path;          // below data: package, rule name, constant ref segments
  std::vector<const Term*> dynamic_keys;   // ref operands after the constant part (Dynamic rules)
  const Term* member = nullptr;            // partial set member (the set leaf of `contains`)
  ir::GroupKind kind = ir::GroupKind::Complete;
  bool set_leaf = false;                   // Dynamic rule whose leaf is a set member
};

HeadShape head_shape(const Module& module, const Rule& rule);

// A rule definition waiting for its bodies to be compiled.
struct PendingRule {
  size_t module_index = 0;
  const Rule* rule = nullptr;
  ir::RuleGroup* group = nullptr;
  size_t def_index = 0;  // into group->defs
  HeadShape shape;
};

class RuleTreeBuilder {
 public:
  RuleTreeBuilder(CompiledPolicy& policy, std::vector<Error>& errors) : policy_(policy), errors_(errors) {}

  // Registers the package and the rules of one module.
  void add_module(const Module& module, size_t module_index, std::string_view file);

  std::vector<PendingRule>& pending() { return pending_; }
  // Default rules, compiled separately (their value must be a constant).
  struct PendingDefault {
    size_t module_index;
    const Rule* rule;
    ir::RuleGroup* group;
  };
  std::vector<PendingDefault>& defaults() { return defaults_; }

  // First segments of the rule paths of a package (bare names that refer to rules).
  const std::set<std::string>& rule_names(const std::vector<std::string>& package) const;
  // Packages' first segments (data roots defined by the modules).
  const std::set<std::string>& package_roots() const { return package_roots_; }

 private:
  ir::RuleGroup* group_at(ir::DataNode& node, ir::GroupKind kind, const Module& module, const Rule& rule,
                          std::string_view file);
  ir::RuleGroup* new_group(ir::GroupKind kind, const std::vector<value::Value>& path);

  CompiledPolicy& policy_;
  std::vector<Error>& errors_;
  std::vector<PendingRule> pending_;
  std::vector<PendingDefault> defaults_;
  std::map<std::vector<std::string>, std::set<std::string>> rule_names_;
  std::set<std::string> package_roots_;
};

// "data.a.b[\"c d\"]" for a path below data.
std::string data_path_text(const std::vector<value::Value>& path);

}  // namespace tollgate::rego::compiler
