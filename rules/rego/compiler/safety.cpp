#include "rules/rego/compiler/safety.h"

#include <set>

namespace tollgate::rego::compiler {

namespace {

using ir::TermOp;

bool all_safe(const ir::Term& t, const SlotSet& safe) {
  SlotSet vars;
  term_vars(t, vars);
  return vars.subset_of(safe);
}

void ref_outputs(const ir::Term& t, const SlotSet& safe, SlotSet& out);

// Variables in a ref operand position are bound by iterating the ref.
void operand_outputs(const ir::Term& op, const SlotSet& safe, SlotSet& out) {
  switch (op.op) {
    case TermOp::Local: out.add(op.slot); break;
    case TermOp::Array:
    case TermOp::Object:
      for (const auto& item : op.items) operand_outputs(item, safe, out);
      break;
    case TermOp::Ref:
    case TermOp::DataRef:
    case TermOp::Call: ref_outputs(op, safe, out); break;
    default: break;
  }
}

void ref_outputs(const ir::Term& t, const SlotSet& safe, SlotSet& out) {
  switch (t.op) {
    case TermOp::Ref: {
      const ir::Term& head = t.items[0];
      ref_outputs(head, safe, out);
      SlotSet head_safe = safe;
      head_safe.add_all(out);
      if (!all_safe(head, head_safe)) return;
      for (size_t i = 1; i < t.items.size(); ++i) operand_outputs(t.items[i], safe, out);
      return;
    }
    case TermOp::DataRef:
      for (const auto& op : t.items) operand_outputs(op, safe, out);
      return;
    case TermOp::Call:
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object:
      for (const auto& item : t.items) ref_outputs(item, safe, out);
      return;
    default: return;
  }
}

void pattern_vars(const ir::Term& t, SlotSet& out) {
  for (uint32_t s : t.pattern_slots) out.add(s);
}

// Slots bound by unifying a with b when `safe` is bound.
void unify_outputs(const ir::Term& a, const ir::Term& b, const SlotSet& safe, SlotSet& out) {
  auto is_unbound_var = [&](const ir::Term& t) { return t.op == TermOp::Local && !safe.contains(t.slot); };
  if (is_unbound_var(a) && all_safe(b, safe)) {
    out.add(a.slot);
    return;
  }
  if (is_unbound_var(b) && all_safe(a, safe)) {
    out.add(b.slot);
    return;
  }
  if (a.op == TermOp::Array && b.op == TermOp::Array && a.items.size() == b.items.size()) {
    for (size_t i = 0; i < a.items.size(); ++i) unify_outputs(a.items[i], b.items[i], safe, out);
    return;
  }
  if (a.op == TermOp::Object && b.op == TermOp::Object && a.items.size() == b.items.size()) {
    for (size_t i = 0; i + 1 < a.items.size(); i += 2) {
      for (size_t j = 0; j + 1 < b.items.size(); j += 2) {
        const ir::Term& ka = a.items[i];
        const ir::Term& kb = b.items[j];
        bool same = (ka.is_const() && kb.is_const() && ka.value == kb.value) ||
                    (ka.op == TermOp::Local && kb.op == TermOp::Local && ka.slot == kb.slot);
        if (same) {
          unify_outputs(a.items[i + 1], b.items[j + 1], safe, out);
        }
      }
    }
    return;
  }
  auto is_pattern = [](const ir::Term& t) { return t.op == TermOp::Array || t.op == TermOp::Object; };
  if (is_pattern(a) && all_safe(b, safe)) {
    pattern_vars(a, out);
    return;
  }
  if (is_pattern(b) && all_safe(a, safe)) pattern_vars(b, out);
}

}  // namespace

void term_vars(const ir::Term& t, SlotSet& out) {
  switch (t.op) {
    case TermOp::Local: out.add(t.slot); return;
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr:
      for (uint32_t s : t.body->captured) out.add(s);
      return;
    default:
      for (const auto& item : t.items) term_vars(item, out);
      return;
  }
}

SlotSet expr_vars(const ir::Expr& e) {
  SlotSet out;
  if (e.op == ir::ExprOp::Every) {
    term_vars(e.terms[2], out);
    for (uint32_t s : e.body->captured) out.add(s);
  } else {
    for (const auto& t : e.terms) term_vars(t, out);
  }
  for (const auto& w : e.with) term_vars(w.value, out);
  return out;
}

SlotSet expr_outputs(const ir::Expr& e, const SlotSet& safe) {
  SlotSet out;
  if (e.negated) return out;
  switch (e.op) {
    case ir::ExprOp::True:
    case ir::ExprOp::Every: return out;
    case ir::ExprOp::Term: ref_outputs(e.terms[0], safe, out); return out;
    case ir::ExprOp::SomeIn: {
      const ir::Term& coll = e.terms[2];
      ref_outputs(coll, safe, out);
      SlotSet s = safe;
      s.add_all(out);
      if (!all_safe(coll, s)) return out;
      if (e.has_key) pattern_vars(e.terms[0], out);
      pattern_vars(e.terms[1], out);
      return out;
    }
    case ir::ExprOp::Unify: {
      ref_outputs(e.terms[0], safe, out);
      ref_outputs(e.terms[1], safe, out);
      for (;;) {
        SlotSet s = safe;
        s.add_all(out);
        SlotSet more;
        unify_outputs(e.terms[0], e.terms[1], s, more);
        if (more.subset_of(out)) break;
        out.add_all(more);
      }
      return out;
    }
  }
  return out;
}

void SafetyChecker::order_closures(ir::Term& term, const SlotSet& safe) {
  switch (term.op) {
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr: {
      SlotSet inner = safe;
      order_body(*term.body, inner);
      for (auto& head : term.items) check_term(head, inner);
      return;
    }
    default:
      for (auto& item : term.items) order_closures(item, safe);
      return;
  }
}

void SafetyChecker::order_closures(ir::Expr& expr, const SlotSet& safe) {
  for (auto& t : expr.terms) order_closures(t, safe);
  for (auto& w : expr.with) order_closures(w.value, safe);
  if (expr.op == ir::ExprOp::Every) {
    SlotSet inner = safe;
    for (uint32_t s : expr.terms[0].pattern_slots) inner.add(s);
    for (uint32_t s : expr.terms[1].pattern_slots) inner.add(s);
    order_body(*expr.body, inner);
  }
}

void SafetyChecker::report_unsafe(const ir::Expr& expr, const SlotSet& unsafe) {
  ok_ = false;
  std::set<uint32_t> reported;
  // The location of each variable's first occurrence in the expression.
  std::vector<std::pair<uint32_t, Location>> found;
  auto visit = [&](auto& self, const ir::Term& t) -> void {
    if (t.op == TermOp::Local && unsafe.contains(t.slot) && reported.insert(t.slot).second) {
      found.emplace_back(t.slot, t.loc.line != 0 ? t.loc : expr.loc);
    }
    for (const auto& item : t.items) self(self, item);
  };
  for (const auto& t : expr.terms) visit(visit, t);
  for (const auto& w : expr.with) visit(visit, w.value);
  for (uint32_t s : unsafe.slots()) {
    if (reported.insert(s).second) found.emplace_back(s, expr.loc);
  }
  for (const auto& [slot, loc] : found) {
    errors_.push_back({"rego_unsafe_var_error", "var " + frame_.name(slot) + " is unsafe", std::string(file_), loc});
  }
}

bool SafetyChecker::order_body(ir::Body& body, SlotSet& safe) {
  bool was_ok = ok_;
  ok_ = true;
  std::vector<bool> done(body.exprs.size(), false);
  std::vector<size_t> order;
  std::vector<SlotSet> safe_before(body.exprs.size());
  for (;;) {
    size_t before = order.size();
    for (size_t i = 0; i < body.exprs.size(); ++i) {
      if (done[i]) continue;
      const ir::Expr& e = body.exprs[i];
      SlotSet outs = expr_outputs(e, safe);
      SlotSet vars = expr_vars(e);
      SlotSet available = safe;
      available.add_all(outs);
      bool ready = true;
      for (uint32_t s : vars.slots()) {
        if (available.contains(s)) continue;
        // Wildcards inside a negated expression are its own (iterated inside it).
        if (e.negated && frame_.name(s) == "_") continue;
        ready = false;
        break;
      }
      if (!ready) continue;
      done[i] = true;
      order.push_back(i);
      safe_before[i] = safe;
      safe.add_all(outs);
    }
    if (order.size() == before) break;
  }
  for (size_t i = 0; i < body.exprs.size(); ++i) {
    if (done[i]) continue;
    const ir::Expr& e = body.exprs[i];
    SlotSet vars = expr_vars(e);
    SlotSet unsafe;
    SlotSet outs = expr_outputs(e, safe);
    for (uint32_t s : vars.slots()) {
      if (!safe.contains(s) && !outs.contains(s) && !(e.negated && frame_.name(s) == "_")) unsafe.add(s);
    }
    report_unsafe(e, unsafe);
  }
  if (!ok_) {
    ok_ = ok_ && was_ok;
    return false;
  }
  std::vector<ir::Expr> reordered;
  reordered.reserve(body.exprs.size());
  for (size_t i : order) {
    order_closures(body.exprs[i], safe_before[i]);
    reordered.push_back(std::move(body.exprs[i]));
  }
  body.exprs = std::move(reordered);
  bool result = ok_;
  ok_ = ok_ && was_ok;
  return result;
}

bool SafetyChecker::check_term(ir::Term& term, const SlotSet& given) {
  // Variables in refs of the term iterate (`q := xs[_]`).
  SlotSet safe = given;
  SlotSet outs;
  ref_outputs(term, given, outs);
  safe.add_all(outs);
  order_closures(term, safe);
  SlotSet vars;
  term_vars(term, vars);
  bool good = true;
  std::set<uint32_t> reported;
  auto visit = [&](auto& self, const ir::Term& t) -> void {
    if (t.op == TermOp::Local && !safe.contains(t.slot) && reported.insert(t.slot).second) {
      errors_.push_back(
          {"rego_unsafe_var_error", "var " + frame_.name(t.slot) + " is unsafe", std::string(file_), t.loc});
      good = false;
    }
    for (const auto& item : t.items) self(self, item);
  };
  if (!vars.subset_of(safe)) visit(visit, term);
  if (!good) ok_ = false;
  return good;
}

}  // namespace tollgate::rego::compiler
