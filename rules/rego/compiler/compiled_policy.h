// The product of compiling a set of Rego modules: the rule tree with every
// rule group in compiled (IR) form. Immutable once built; evaluations of any
// number of queries on any number of threads share it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/compiler/ir.h"
#include "rules/rego/eval/join_index.h"
#include "rules/rego/rego.h"

namespace tollgate::rego {

class CompiledPolicy {
 public:
  ir::DataNode root;
  // Every rule group; RuleGroup::id indexes this vector.
  std::vector<std::unique_ptr<ir::RuleGroup>> groups;
  // File names of the modules (Expr::file and RuleDef::file point into these).
  std::vector<std::unique_ptr<std::string>> files;
  // The package of each module, in the order given to compile().
  std::vector<std::vector<std::string>> module_packages;
  const BuiltinRegistry* builtins = nullptr;
  CompileOptions options;
  // Indexes of equality joins over base data, per data document
  // (eval/join_index.h): built by the evaluator on first use.
  mutable eval::JoinIndexCache join_indexes;

  // The node at a constant path below data (null when no rules live there).
  const ir::DataNode* node_at(const std::vector<value::Value>& path) const;
};

}  // namespace tollgate::rego
