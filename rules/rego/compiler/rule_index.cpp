#include "rules/rego/compiler/rule_index.h"

#include <algorithm>

namespace tollgate::rego::compiler {

using value::Value;

void build_rule_index(ir::RuleGroup& group) {
  for (auto& def : group.defs) {
    def.constant_value.reset();
    if (group.kind == ir::GroupKind::PartialSet || group.kind == ir::GroupKind::Dynamic) continue;
    std::optional<Value> constant;
    bool all_constant = !def.clauses.empty();
    for (const auto& c : def.clauses) {
      Value v = Value::boolean(true);
      if (c.value) {
        if (!c.value->is_const()) {
          all_constant = false;
          break;
        }
        v = c.value->value;
      }
      if (constant && *constant != v) {
        all_constant = false;
        break;
      }
      constant = v;
    }
    if (all_constant) def.constant_value = constant;
  }

  group.indexed = false;
  group.index_by_first_arg.clear();
  group.unindexed.clear();
  if (group.kind != ir::GroupKind::Function || group.arity == 0) return;
  size_t constant_first = 0;
  for (const auto& def : group.defs) {
    if (!def.args.empty() && def.args[0].is_const()) ++constant_first;
  }
  if (constant_first < 2) return;
  group.indexed = true;
  for (uint32_t i = 0; i < group.defs.size(); ++i) {
    const auto& def = group.defs[i];
    if (def.args.empty() || !def.args[0].is_const()) {
      group.unindexed.push_back(i);
      continue;
    }
    const Value& key = def.args[0].value;
    auto it = std::lower_bound(group.index_by_first_arg.begin(), group.index_by_first_arg.end(), key,
                               [](const auto& entry, const Value& k) { return entry.first < k; });
    if (it == group.index_by_first_arg.end() || it->first != key) {
      it = group.index_by_first_arg.insert(it, {key, {}});
    }
    it->second.push_back(i);
  }
}

void index_candidates(const ir::RuleGroup& group, const Value& first_arg, std::vector<uint32_t>& out) {
  out.clear();
  if (!group.indexed) {
    if (!group.order.empty()) {
      out = group.order;
      return;
    }
    for (uint32_t i = 0; i < group.defs.size(); ++i) out.push_back(i);
    return;
  }
  auto it = std::lower_bound(group.index_by_first_arg.begin(), group.index_by_first_arg.end(), first_arg,
                             [](const auto& entry, const Value& k) { return entry.first < k; });
  if (it != group.index_by_first_arg.end() && it->first == first_arg) {
    auto by_position = [&](uint32_t a, uint32_t b) {
      return group.position.empty() ? a < b : group.position[a] < group.position[b];
    };
    std::merge(it->second.begin(), it->second.end(), group.unindexed.begin(), group.unindexed.end(),
               std::back_inserter(out), by_position);
  } else {
    out = group.unindexed;
  }
}

}  // namespace tollgate::rego::compiler
