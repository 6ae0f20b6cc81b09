#include "rules/rego/compiler/ir.h"

#include <algorithm>

namespace tollgate::rego::ir {

namespace {

auto find_child(const std::vector<std::unique_ptr<DataNode>>& children, const value::Value& k) {
  return std::lower_bound(children.begin(), children.end(), k,
                          [](const std::unique_ptr<DataNode>& n, const value::Value& key) { return n->key < key; });
}

}  // namespace

const DataNode* DataNode::child(const value::Value& k) const {
  auto it = find_child(children, k);
  return it != children.end() && (*it)->key == k ? it->get() : nullptr;
}

DataNode* DataNode::child(const value::Value& k) {
  auto it = find_child(children, k);
  return it != children.end() && (*it)->key == k ? it->get() : nullptr;
}

DataNode& DataNode::ensure_child(const value::Value& k) {
  auto it = find_child(children, k);
  if (it != children.end() && (*it)->key == k) return **it;
  auto node = std::make_unique<DataNode>();
  node->key = k;
  node->path = path;
  node->path.push_back(k);
  return **children.insert(it, std::move(node));
}

}  // namespace tollgate::rego::ir
