#include "rules/rego/compiler/negation_hoist.h"

#include <string>
#include <utility>
#include <vector>

namespace tollgate::rego::compiler {

namespace {

class Hoister {
 public:
  void query(Query& q) {
    std::vector<Expr> out;
    out.reserve(q.exprs.size());
    for (Expr& e : q.exprs) {
      nested_bodies(e);
      std::vector<Expr> extras;
      if (e.negated) hoist_expr(e, extras);
      for (Expr& x : extras) out.push_back(std::move(x));
      out.push_back(std::move(e));
    }
    q.exprs = std::move(out);
  }

 private:
  // Bodies inside terms (comprehensions) and `every` are rewritten too.
  void nested_bodies(Expr& e) {
    for (Term& t : e.terms) nested_bodies(t);
    for (With& w : e.with) nested_bodies(w.value);
    if (e.body) query(*e.body);
  }
  void nested_bodies(Term& t) {
    for (Term& i : t.items) nested_bodies(i);
    for (auto& [k, v] : t.entries) {
      nested_bodies(k);
      nested_bodies(v);
    }
    if (t.body) query(*t.body);
  }

  static bool is_dynamic(const Term& t) { return t.kind == TermKind::Ref || t.kind == TermKind::Call; }

  // Replaces `t` by a fresh variable bound, in a literal of its own, to t.
  void extract(Term& t, const Expr& original, std::vector<Expr>& extras) {
    Term var = Term::var("__local_n" + std::to_string(counter_++) + "__", t.loc);
    Expr bind;
    bind.kind = ExprKind::Unify;
    bind.loc = t.loc;
    bind.with = original.with;
    bind.terms.push_back(var);
    bind.terms.push_back(std::move(t));
    extras.push_back(std::move(bind));
    t = std::move(var);
  }

  // An operand: dynamic terms are extracted; composites are searched.
  void operand(Term& t, const Expr& original, std::vector<Expr>& extras) {
    if (is_dynamic(t)) {
      extract(t, original, extras);
      return;
    }
    if (t.kind == TermKind::Array || t.kind == TermKind::Set) {
      for (Term& i : t.items) operand(i, original, extras);
    } else if (t.kind == TermKind::Object) {
      for (auto& [k, v] : t.entries) {
        operand(k, original, extras);
        operand(v, original, extras);
      }
    }
  }

  // A ref stays in the negated literal; its dynamic keys and a call it starts from do not.
  void ref_operands(Term& ref, const Expr& original, std::vector<Expr>& extras) {
    if (!ref.items.empty() && ref.items[0].kind == TermKind::Call) extract(ref.items[0], original, extras);
    for (size_t i = 1; i < ref.items.size(); ++i) operand(ref.items[i], original, extras);
  }

  void hoist_expr(Expr& e, std::vector<Expr>& extras) {
    switch (e.kind) {
      case ExprKind::Term: {
        if (e.terms.empty()) return;
        Term& t = e.terms[0];
        if (t.kind == TermKind::Call) {
          for (size_t i = 1; i < t.items.size(); ++i) operand(t.items[i], e, extras);
        } else if (t.kind == TermKind::Ref) {
          ref_operands(t, e, extras);
        }
        return;
      }
      case ExprKind::Unify:
        for (Term& t : e.terms) {
          if (t.kind == TermKind::Call) {
            extract(t, e, extras);
          } else if (t.kind == TermKind::Ref) {
            ref_operands(t, e, extras);
          } else {
            operand(t, e, extras);
          }
        }
        return;
      default: return;
    }
  }

  int counter_ = 0;
};

}  // namespace

void hoist_negated_operands(Module& module) {
  Hoister h;
  for (Rule& r : module.rules) {
    h.query(r.body);
    for (ElseClause& e : r.else_chain) h.query(e.body);
  }
}

void hoist_negated_operands(Query& query) { Hoister().query(query); }

}  // namespace tollgate::rego::compiler
