#include "rules/rego/compiler/negation_hoist.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tollgate::rego::compiler {

namespace {

// The names a rule declares anywhere (arguments, `:=`, `some`, `some ... in`,
// `every`): those shadow rules of the package with the same name.
class Declared {
 public:
  void rule(const Rule& r) {
    for (const Term& a : r.args) pattern(a);
    query(r.body);
    for (const ElseClause& e : r.else_chain) query(e.body);
  }
  const std::set<std::string>& names() const { return names_; }

 private:
  void pattern(const Term& t) {
    if (t.kind == TermKind::Var) {
      names_.insert(t.name);
      return;
    }
    for (const Term& i : t.items) pattern(i);
    for (const auto& [k, v] : t.entries) pattern(v);
  }
  void nested(const Term& t) {
    for (const Term& i : t.items) nested(i);
    for (const auto& [k, v] : t.entries) {
      nested(k);
      nested(v);
    }
    if (t.body) query(*t.body);
  }
  void query(const Query& q) {
    for (const Expr& e : q.exprs) {
      switch (e.kind) {
        case ExprKind::Assign:
          if (!e.terms.empty()) pattern(e.terms[0]);
          break;
        case ExprKind::SomeDecl:
          for (const Term& t : e.terms) pattern(t);
          break;
        case ExprKind::SomeIn:
        case ExprKind::Every:
          for (size_t i = 0; i + 1 < e.terms.size(); ++i) pattern(e.terms[i]);
          break;
        default: break;
      }
      for (const Term& t : e.terms) nested(t);
      if (e.body) query(*e.body);
    }
  }

  std::set<std::string> names_;
};

class Hoister {
 public:
  // module: the module compiler's rules (RewriteEquals applies); globals:
  // bare names that are refs (rules of the package, import aliases).
  Hoister(bool module, const std::set<std::string>* globals, const std::set<std::string>* locals)
      : module_(module), globals_(globals), locals_(locals) {}

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

  int counter = 0;

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

  // A bare name OPA resolves to a ref (data.<package>.<rule>, an import).
  bool is_global_name(const Term& t) const {
    return t.kind == TermKind::Var && globals_ != nullptr && globals_->count(t.name) > 0 &&
           (locals_ == nullptr || locals_->count(t.name) == 0);
  }
  bool is_dynamic(const Term& t) const {
    return t.kind == TermKind::Ref || t.kind == TermKind::Call || is_global_name(t);
  }

  // Replaces `t` by a fresh variable bound, in a literal of its own, to t.
  void extract(Term& t, const Expr& original, std::vector<Expr>& extras) {
    Term var = Term::var("__local_n" + std::to_string(counter++) + "__", t.loc);
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

  // A side of a unification: a call is bound before (expandExpr), a ref or a
  // rule name stays (rewriteDynamicsInTerm), composites are searched.
  void unify_side(Term& t, const Expr& original, std::vector<Expr>& extras) {
    if (t.kind == TermKind::Call) {
      extract(t, original, extras);
    } else if (t.kind == TermKind::Ref) {
      ref_operands(t, original, extras);
    } else if (!is_global_name(t)) {
      operand(t, original, extras);
    }
  }

  static bool is_equal_call(const Term& t) {
    return t.kind == TermKind::Call && t.items.size() == 3 && t.items[0].kind == TermKind::Var &&
           t.items[0].name == "equal";
  }

  void hoist_expr(Expr& e, std::vector<Expr>& extras) {
    switch (e.kind) {
      case ExprKind::Term: {
        if (e.terms.empty()) return;
        Term& t = e.terms[0];
        if (module_ && is_equal_call(t)) {
          // RewriteEquals: `a == b` in a module is `a = b`.
          unify_side(t.items[1], e, extras);
          unify_side(t.items[2], e, extras);
        } else if (t.kind == TermKind::Call) {
          for (size_t i = 1; i < t.items.size(); ++i) operand(t.items[i], e, extras);
        } else if (t.kind == TermKind::Ref) {
          ref_operands(t, e, extras);
        }
        return;
      }
      case ExprKind::Unify:
        for (Term& t : e.terms) unify_side(t, e, extras);
        return;
      default: return;
    }
  }

  bool module_;
  const std::set<std::string>* globals_;
  const std::set<std::string>* locals_;
};

std::string rule_name(const Rule& r) {
  if (r.ref.kind == TermKind::Var) return r.ref.name;
  if (r.ref.kind == TermKind::Ref && !r.ref.items.empty() && r.ref.items[0].kind == TermKind::Var)
    return r.ref.items[0].name;
  return "";
}

// The alias an import binds (see compiler.cpp import_names).
std::string import_alias(const Import& imp) {
  if (!imp.alias.empty()) return imp.alias;
  const Term& p = imp.path;
  if (p.kind == TermKind::Var) return p.name == "input" || p.name == "data" ? "" : p.name;
  if (p.kind != TermKind::Ref || p.items.size() < 2 || p.items[0].kind != TermKind::Var) return "";
  const std::string& root = p.items[0].name;
  if (root != "input" && root != "data") return "";
  const Term& last = p.items.back();
  return last.kind == TermKind::Scalar && last.value.is_string() ? last.value.as_string() : "";
}

}  // namespace

void hoist_negated_operands(std::vector<Module>& modules) {
  std::map<std::vector<std::string>, std::set<std::string>> rules_of_package;
  for (const Module& m : modules) {
    auto& names = rules_of_package[m.package];
    for (const Rule& r : m.rules) {
      std::string n = rule_name(r);
      if (!n.empty()) names.insert(std::move(n));
    }
  }
  for (Module& m : modules) {
    std::set<std::string> globals = rules_of_package[m.package];
    for (const Import& imp : m.imports) {
      std::string alias = import_alias(imp);
      if (!alias.empty()) globals.insert(std::move(alias));
    }
    int counter = 0;
    for (Rule& r : m.rules) {
      Declared declared;
      declared.rule(r);
      Hoister h(true, &globals, &declared.names());
      h.counter = counter;
      h.query(r.body);
      for (ElseClause& e : r.else_chain) h.query(e.body);
      counter = h.counter;
    }
  }
}

void hoist_negated_operands(Query& query) { Hoister(false, nullptr, nullptr).query(query); }

}  // namespace tollgate::rego::compiler
