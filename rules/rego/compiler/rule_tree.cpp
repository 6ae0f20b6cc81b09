#include "rules/rego/compiler/rule_tree.h"

#include <cctype>

#include "rules/rego/value_text.h"

namespace tollgate::rego::compiler {

using value::Value;

namespace {

bool same_term(const Term& a, const Term& b) {
  if (a.kind != b.kind || a.loc.line != b.loc.line || a.loc.column != b.loc.column) return false;
  if (a.kind == TermKind::Var) return a.name == b.name;
  if (a.kind == TermKind::Scalar) return a.value == b.value;
  return true;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

const char* kind_word(ir::GroupKind k) {
  switch (k) {
    case ir::GroupKind::Complete: return "complete";
    case ir::GroupKind::PartialSet: return "multi-value";
    case ir::GroupKind::Dynamic: return "object";
    case ir::GroupKind::Function: return "function";
  }
  return "";
}

}  // namespace

std::string data_path_text(const std::vector<Value>& path) {
  std::string out = "data";
  for (const auto& k : path) {
    if (k.is_string() && is_identifier(k.as_string())) {
      out += '.';
      out += k.as_string();
    } else {
      out += '[';
      out += rego_text(k);
      out += ']';
    }
  }
  return out;
}

HeadShape head_shape(const Module& module, const Rule& rule) {
  HeadShape shape;
  for (const auto& seg : module.package) shape.path.push_back(Value::string(seg));
  std::vector<const Term*> ops;
  if (rule.ref.kind == TermKind::Ref && !rule.ref.items.empty()) {
    shape.path.push_back(Value::string(rule.ref.items[0].name));
    for (size_t i = 1; i < rule.ref.items.size(); ++i) ops.push_back(&rule.ref.items[i]);
  } else {
    shape.path.push_back(Value::string(rule.ref.name));
  }
  if (rule.kind == RuleKind::PartialObject && rule.key && (ops.empty() || !same_term(*ops.back(), *rule.key))) {
    ops.push_back(&*rule.key);
  }
  size_t i = 0;
  while (i < ops.size() && ops[i]->kind == TermKind::Scalar) shape.path.push_back(ops[i++]->value);
  for (; i < ops.size(); ++i) shape.dynamic_keys.push_back(ops[i]);

  switch (rule.kind) {
    case RuleKind::Function: shape.kind = ir::GroupKind::Function; break;
    case RuleKind::PartialSet:
      shape.member = rule.key ? &*rule.key : nullptr;
      if (shape.dynamic_keys.empty()) {
        shape.kind = ir::GroupKind::PartialSet;
      } else {
        shape.kind = ir::GroupKind::Dynamic;
        shape.set_leaf = true;
      }
      break;
    case RuleKind::Complete:
    case RuleKind::PartialObject:
      shape.kind = shape.dynamic_keys.empty() ? ir::GroupKind::Complete : ir::GroupKind::Dynamic;
      break;
  }
  return shape;
}

ir::RuleGroup* RuleTreeBuilder::new_group(ir::GroupKind kind, const std::vector<Value>& path) {
  auto group = std::make_unique<ir::RuleGroup>();
  group->kind = kind;
  group->id = static_cast<uint32_t>(policy_.groups.size());
  group->path = path;
  group->name = data_path_text(path);
  policy_.groups.push_back(std::move(group));
  return policy_.groups.back().get();
}

ir::RuleGroup* RuleTreeBuilder::group_at(ir::DataNode& node, ir::GroupKind kind, const Module& module,
                                         const Rule& rule, std::string_view file) {
  auto conflict = [&](const ir::RuleGroup& existing) {
    errors_.push_back({"rego_type_error",
                       "conflicting rules " + existing.name + " found (" + kind_word(existing.kind) + " and " +
                           kind_word(kind) + ")",
                       std::string(file), rule.loc});
    return nullptr;
  };
  if (kind == ir::GroupKind::Dynamic) {
    if (node.group != nullptr && node.group->kind != ir::GroupKind::Function) return conflict(*node.group);
    if (node.dynamic == nullptr) {
      node.dynamic = new_group(kind, node.path);
      node.dynamic->node = &node;
    }
    return node.dynamic;
  }
  if (node.dynamic != nullptr) return conflict(*node.dynamic);
  if (node.group == nullptr) {
    node.group = new_group(kind, node.path);
    node.group->node = &node;
    if (kind == ir::GroupKind::Function) node.group->arity = rule.args.size();
    return node.group;
  }
  if (node.group->kind != kind) return conflict(*node.group);
  if (kind == ir::GroupKind::Function && node.group->arity != rule.args.size()) {
    errors_.push_back({"rego_type_error", "conflicting rules " + node.group->name + " found (different arity)",
                       std::string(file), rule.loc});
    return nullptr;
  }
  return node.group;
}

void RuleTreeBuilder::add_module(const Module& module, size_t module_index, std::string_view file) {
  ir::DataNode* node = &policy_.root;
  for (const auto& seg : module.package) node = &node->ensure_child(Value::string(seg));
  node->is_package = true;
  if (!module.package.empty()) package_roots_.insert(module.package[0]);
  auto& names = rule_names_[module.package];

  for (const auto& rule : module.rules) {
    HeadShape shape = head_shape(module, rule);
    names.insert(shape.path[module.package.size()].as_string());
    ir::DataNode* target = &policy_.root;
    for (const auto& seg : shape.path) target = &target->ensure_child(seg);
    if (shape.kind == ir::GroupKind::Function && !shape.dynamic_keys.empty()) {
      errors_.push_back({"rego_parse_error", "function names must be constant references", std::string(file),
                         rule.loc});
      continue;
    }
    ir::RuleGroup* group = group_at(*target, shape.kind, module, rule, file);
    if (group == nullptr) continue;
    if (rule.is_default) {
      if (group->kind == ir::GroupKind::PartialSet || group->kind == ir::GroupKind::Dynamic) {
        errors_.push_back({"rego_parse_error", "default rules must be single-value rules", std::string(file),
                           rule.loc});
        continue;
      }
      for (const auto& d : defaults_) {
        if (d.group == group) {
          errors_.push_back({"rego_type_error", "multiple default rules " + group->name + " found",
                             std::string(file), rule.loc});
        }
      }
      defaults_.push_back({module_index, &rule, group});
      continue;
    }
    group->defs.emplace_back();
    ir::RuleDef& def = group->defs.back();
    def.file = file;
    def.loc = rule.loc;
    def.set_leaf = shape.set_leaf;
    pending_.push_back({module_index, &rule, group, group->defs.size() - 1, std::move(shape)});
  }
}

const std::set<std::string>& RuleTreeBuilder::rule_names(const std::vector<std::string>& package) const {
  static const std::set<std::string> none;
  auto it = rule_names_.find(package);
  return it == rule_names_.end() ? none : it->second;
}

}  // namespace tollgate::rego::compiler
