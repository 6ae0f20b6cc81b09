#include "rules/rego/compiler/function_args.h"

#include <string>
#include <utility>

namespace tollgate::rego::compiler {

namespace {

// OPA's requiresEval: ContainsRefs or ContainsComprehensions (a call's
// operator is a reference).
bool requires_eval(const Term& t) {
  switch (t.kind) {
    case TermKind::Ref:
    case TermKind::Call:
    case TermKind::ArrayCompr:
    case TermKind::SetCompr:
    case TermKind::ObjectCompr: return true;
    default: break;
  }
  for (const auto& x : t.items) {
    if (requires_eval(x)) return true;
  }
  for (const auto& [k, v] : t.entries) {
    if (requires_eval(k) || requires_eval(v)) return true;
  }
  return false;
}

Expr unify(Term lhs, Term rhs, Location loc) {
  Expr e;
  e.kind = ExprKind::Unify;
  e.loc = loc;
  e.terms = {std::move(lhs), std::move(rhs)};
  return e;
}

void rewrite(Rule& rule) {
  int generated = 0;
  for (Term& arg : rule.args) {
    if (!requires_eval(arg)) continue;
    const Location loc = arg.loc;
    Term var = Term::var("__local_arg" + std::to_string(generated++) + "__", loc);
    for (auto& clause : rule.else_chain) clause.body.exprs.push_back(unify(var, arg, loc));
    rule.body.exprs.push_back(unify(var, std::move(arg), loc));
    arg = std::move(var);
  }
}

}  // namespace

void move_evaluated_args_into_bodies(std::vector<Module>& modules) {
  for (Module& m : modules) {
    for (Rule& r : m.rules) {
      if (r.kind == RuleKind::Function && !r.is_default) rewrite(r);
    }
  }
}

}  // namespace tollgate::rego::compiler
