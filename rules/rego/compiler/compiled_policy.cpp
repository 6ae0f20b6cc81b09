#include "rules/rego/compiler/compiled_policy.h"

namespace tollgate::rego {

const ir::DataNode* CompiledPolicy::node_at(const std::vector<value::Value>& path) const {
  const ir::DataNode* node = &root;
  for (const auto& key : path) {
    node = node->child(key);
    if (node == nullptr) return nullptr;
  }
  return node;
}

const std::vector<std::string>& module_package(const CompiledPolicy& policy, size_t module_index) {
  return policy.module_packages.at(module_index);
}

}  // namespace tollgate::rego
