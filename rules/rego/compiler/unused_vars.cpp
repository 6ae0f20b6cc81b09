#include "rules/rego/compiler/unused_vars.h"

#include <string>

namespace tollgate::rego::compiler {

namespace {

bool mentions(const Query& q, const std::string& name);

bool mentions(const Term& t, const std::string& name) {
  if (t.kind == TermKind::Var) return t.name == name;
  for (const auto& x : t.items) {
    if (mentions(x, name)) return true;
  }
  for (const auto& [k, v] : t.entries) {
    if (mentions(k, name) || mentions(v, name)) return true;
  }
  return t.body && mentions(*t.body, name);
}

bool mentions(const Expr& e, const std::string& name) {
  for (const auto& t : e.terms) {
    if (mentions(t, name)) return true;
  }
  for (const auto& w : e.with) {
    if (mentions(w.target, name) || mentions(w.value, name)) return true;
  }
  return e.body && mentions(*e.body, name);
}

bool mentions(const Query& q, const std::string& name) {
  for (const auto& e : q.exprs) {
    if (mentions(e, name)) return true;
  }
  return false;
}

class UnusedChecker {
 public:
  UnusedChecker(const std::string& file, std::vector<Error>& errors) : file_(file), errors_(errors) {}

  // A body; `used` are terms outside it that may use its variables (rule
  // heads, comprehension heads).
  void body(const Query& q, const std::vector<const Term*>& used) {
    for (size_t i = 0; i < q.exprs.size(); ++i) {
      const Expr& e = q.exprs[i];
      if (e.kind == ExprKind::SomeDecl) {
        for (const auto& v : e.terms) {
          if (v.kind != TermKind::Var || v.is_wildcard()) continue;
          bool seen = false;
          for (size_t j = i + 1; j < q.exprs.size() && !seen; ++j) seen = mentions(q.exprs[j], v.name);
          for (const Term* u : used) seen = seen || mentions(*u, v.name);
          if (!seen) report(v.name, e.loc);
        }
      }
      if (e.kind == ExprKind::Every && e.body) {
        size_t nvars = e.terms.size() - 1;
        for (size_t k = 0; k < nvars; ++k) {
          const Term& v = e.terms[k];
          if (v.kind != TermKind::Var || v.is_wildcard()) continue;
          if (!mentions(*e.body, v.name)) report(v.name, e.body->exprs.empty() ? e.loc : e.body->exprs[0].loc);
        }
        body(*e.body, {});
      }
      for (const auto& t : e.terms) closures(t);
      for (const auto& w : e.with) closures(w.value);
    }
  }

  void closures(const Term& t) {
    if (t.body) {
      std::vector<const Term*> heads;
      for (const auto& x : t.items) heads.push_back(&x);
      body(*t.body, heads);
    }
    for (const auto& x : t.items) closures(x);
    for (const auto& [k, v] : t.entries) {
      closures(k);
      closures(v);
    }
  }

 private:
  void report(const std::string& name, Location loc) {
    errors_.push_back({"rego_compile_error", "declared var " + name + " unused", file_, loc});
  }

  const std::string& file_;
  std::vector<Error>& errors_;
};

}  // namespace

void check_unused_declared_vars(const Module& module, std::vector<Error>& errors) {
  UnusedChecker c(module.file, errors);
  for (const auto& rule : module.rules) {
    std::vector<const Term*> head{&rule.ref};
    for (const auto& a : rule.args) head.push_back(&a);
    if (rule.key) head.push_back(&*rule.key);
    if (rule.value) head.push_back(&*rule.value);
    c.body(rule.body, head);
    for (const auto& t : head) c.closures(*t);
    for (const auto& e : rule.else_chain) {
      std::vector<const Term*> else_head{&rule.ref};
      for (const auto& a : rule.args) else_head.push_back(&a);
      if (e.value) else_head.push_back(&*e.value);
      c.body(e.body, else_head);
      if (e.value) c.closures(*e.value);
    }
  }
}

}  // namespace tollgate::rego::compiler
