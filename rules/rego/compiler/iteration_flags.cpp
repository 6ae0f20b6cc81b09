#include "rules/rego/compiler/iteration_flags.h"

namespace tollgate::rego::compiler {

using ir::TermOp;

void mark_iteration(ir::Term& t) {
  for (auto& item : t.items) mark_iteration(item);
  if (t.body) mark_iteration(*t.body);
  bool any_item = false;
  for (const auto& item : t.items) any_item = any_item || item.may_iterate;
  switch (t.op) {
    case TermOp::Const:
    case TermOp::Local:
    case TermOp::Input:
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr: t.may_iterate = false; break;
    case TermOp::Ref: {
      bool variable_operand = false;
      for (size_t i = 1; i < t.items.size(); ++i) variable_operand = variable_operand || !t.items[i].is_const();
      t.may_iterate = variable_operand || any_item;
      break;
    }
    case TermOp::DataRef: {
      bool variable_operand = false;
      for (const auto& op : t.items) variable_operand = variable_operand || !op.is_const();
      t.may_iterate = variable_operand;
      break;
    }
    case TermOp::Call:
      t.may_iterate = any_item || t.call == ir::CallOp::Print ||
                      (t.call == ir::CallOp::Builtin && t.builtin != nullptr && t.builtin->relation != nullptr);
      break;
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object: t.may_iterate = any_item; break;
  }
}

void mark_iteration(ir::Body& body) {
  for (auto& e : body.exprs) {
    for (auto& t : e.terms) mark_iteration(t);
    for (auto& w : e.with) mark_iteration(w.value);
    if (e.body) mark_iteration(*e.body);
  }
}

void mark_iteration(ir::RuleGroup& group) {
  for (auto& def : group.defs) {
    for (auto& t : def.args) mark_iteration(t);
    for (auto& t : def.keys) mark_iteration(t);
    for (auto& c : def.clauses) {
      mark_iteration(c.body);
      if (c.value) mark_iteration(*c.value);
    }
  }
  if (group.default_term) mark_iteration(*group.default_term);
}

}  // namespace tollgate::rego::compiler
