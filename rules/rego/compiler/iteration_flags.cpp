#include "rules/rego/compiler/iteration_flags.h"

#include <algorithm>

namespace tollgate::rego::compiler {

using ir::TermOp;

namespace {

// print(...) and relation builtins: a call that iterates whatever is bound.
bool iterates_always(const ir::Term& t) {
  return t.op == TermOp::Call && (t.call == ir::CallOp::Print || (t.call == ir::CallOp::Builtin && t.builtin != nullptr &&
                                                                  t.builtin->relation != nullptr));
}

void add_slots(std::vector<uint32_t>& to, const std::vector<uint32_t>& from) {
  for (uint32_t s : from) {
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
  }
}

// What makes `t` iterate in the evaluator's iterates(t, f) (given its items
// are marked): a term iterates when always_iterates or one of
// iteration_slots is unbound.
void mark_iteration_slots(ir::Term& t) {
  t.always_iterates = false;
  t.iteration_slots.clear();
  if (!t.may_iterate) return;
  auto add_term = [&](const ir::Term& item) {
    if (!item.may_iterate) return;
    t.always_iterates = t.always_iterates || item.always_iterates;
    add_slots(t.iteration_slots, item.iteration_slots);
  };
  // A ref operand iterates when unbound, open (a pattern with an unbound
  // slot), or iterating itself.
  auto add_operand = [&](const ir::Term& op) {
    if (op.op == TermOp::Local) {
      add_slots(t.iteration_slots, {op.slot});
      return;
    }
    add_slots(t.iteration_slots, op.pattern_slots);
    add_term(op);
  };
  // Constants, locals, input and comprehensions never iterate (may_iterate is false).
  if (t.op == TermOp::Ref) {
    add_term(t.items[0]);
    for (size_t i = 1; i < t.items.size(); ++i) add_operand(t.items[i]);
  } else if (t.op == TermOp::DataRef) {
    for (const auto& op : t.items) add_operand(op);
  } else {  // calls and composites
    t.always_iterates = iterates_always(t);
    for (const auto& item : t.items) add_term(item);
  }
  if (t.always_iterates) t.iteration_slots.clear();
}

}  // namespace

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
      t.may_iterate = any_item || iterates_always(t);
      break;
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object: t.may_iterate = any_item; break;
  }
  mark_iteration_slots(t);
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
