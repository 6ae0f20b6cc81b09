// Equality joins over base data (join_index.h): finding them in a body,
// building their index once per data document, and running a body through
// it.
#include "rules/rego/eval/join_index.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "rules/rego/eval/evaluator.h"

namespace tollgate::rego::eval {

using ir::TermOp;

namespace {

// A ref into base data only: its constant path leaves the rule tree, so no
// rule is evaluated on the way and its value depends on the data alone.
bool base_only(const ir::Term& t) {
  if (t.node == nullptr) return true;
  return !t.node->has_rules_here() && t.path.size() > t.node->path.size();
}

void collect_slots(const ir::Body& body, std::vector<uint32_t>& out);

void collect_slots(const ir::Term& t, std::vector<uint32_t>& out) {
  if (t.op == TermOp::Local) out.push_back(t.slot);
  for (const ir::Term& item : t.items) collect_slots(item, out);
  if (t.body) collect_slots(*t.body, out);
}

void collect_slots(const ir::Expr& e, std::vector<uint32_t>& out) {
  for (const ir::Term& t : e.terms) collect_slots(t, out);
  for (const ir::WithClause& w : e.with) collect_slots(w.value, out);
  if (e.body) collect_slots(*e.body, out);
}

void collect_slots(const ir::Body& body, std::vector<uint32_t>& out) {
  for (const ir::Expr& e : body.exprs) collect_slots(e, out);
}

// What may run without the query's bindings (Pure: only the row, the data
// and constants; no input, no rules, nothing nondeterministic) or be skipped
// for a row without changing what the query reports (AbortFree: no `with`,
// no rule reference, no object comprehension whose keys could clash, no
// refused builtin). Functions are looked into, once each.
enum class Need { Pure, AbortFree };

class TermCheck {
 public:
  explicit TermCheck(Need need) : need_(need) {}

  bool term(const ir::Term& t) {
    switch (t.op) {
      case TermOp::Input:
        if (need_ == Need::Pure) return false;
        break;
      case TermOp::DataRef:
        if (!base_only(t)) return false;
        break;
      case TermOp::ObjectCompr:
        if (need_ == Need::AbortFree) return false;
        break;
      case TermOp::Call:
        switch (t.call) {
          case ir::CallOp::Print:
            if (need_ == Need::Pure) return false;
            break;
          case ir::CallOp::Builtin:
            if (t.builtin == nullptr || !t.builtin->refused.empty()) return false;
            if (need_ == Need::Pure && t.builtin->nondeterministic) return false;
            break;
          case ir::CallOp::Function:
            if (t.function == nullptr || !group(*t.function)) return false;
            break;
          default: break;
        }
        break;
      default: break;
    }
    for (const ir::Term& item : t.items) {
      if (!term(item)) return false;
    }
    return !t.body || body(*t.body);
  }

  bool expr(const ir::Expr& e) {
    if (!e.with.empty()) return false;
    for (const ir::Term& t : e.terms) {
      if (!term(t)) return false;
    }
    return !e.body || body(*e.body);
  }

 private:
  bool body(const ir::Body& b) {
    for (const ir::Expr& e : b.exprs) {
      if (!expr(e)) return false;
    }
    return true;
  }

  bool group(const ir::RuleGroup& g) {
    if (auto it = groups_.find(&g); it != groups_.end()) return it->second;
    groups_[&g] = false;  // recursion (a compile error anyway) does not qualify
    bool ok = !g.default_term || term(*g.default_term);
    // Skipped for a row, a function must not be one that could have failed
    // for it with `functions must not produce multiple outputs`: every
    // definition gives one and the same constant (`f(x) if ...` gives true).
    if (need_ == Need::AbortFree) {
      for (const ir::RuleDef& def : g.defs) {
        ok = ok && def.constant_value && *def.constant_value == *g.defs.front().constant_value;
      }
    }
    for (const ir::RuleDef& def : g.defs) {
      for (const ir::Term& a : def.args) ok = ok && term(a);
      for (const ir::Clause& c : def.clauses) {
        ok = ok && body(c.body) && (!c.value || term(*c.value));
      }
    }
    groups_[&g] = ok;
    return ok;
  }

  Need need_;
  std::unordered_map<const ir::RuleGroup*, bool> groups_;
};

bool pure(const ir::Term& t) { return TermCheck(Need::Pure).term(t); }
bool pure(const ir::Expr& e) { return TermCheck(Need::Pure).expr(e); }
bool abort_free(const ir::Term& t) { return TermCheck(Need::AbortFree).term(t); }
bool abort_free(const ir::Expr& e) { return TermCheck(Need::AbortFree).expr(e); }

// Where a slot's value comes from, seen from the generator.
enum class Origin : uint8_t { Unbound, Query, Row, RowDerived, QueryDerived };

class SlotOrigins {
 public:
  explicit SlotOrigins(const Value* const* f) : f_(f) {}
  Origin operator[](uint32_t slot) const {
    if (auto it = known_.find(slot); it != known_.end()) return it->second;
    return f_[slot] != nullptr ? Origin::Query : Origin::Unbound;
  }
  void set(uint32_t slot, Origin o) { known_[slot] = o; }

 private:
  const Value* const* f_;
  std::unordered_map<uint32_t, Origin> known_;
};

bool from_row(Origin o) { return o == Origin::Row || o == Origin::RowDerived; }

// The row's side of a join: computed from the row alone, and depending on it.
bool key_side(const ir::Term& t, const SlotOrigins& origins) {
  std::vector<uint32_t> slots;
  collect_slots(t, slots);
  bool uses_row = false;
  for (uint32_t s : slots) {
    Origin o = origins[s];
    if (o == Origin::Query || o == Origin::QueryDerived) return false;
    uses_row = uses_row || from_row(o);
  }
  for (uint32_t s : t.pattern_slots) {
    if (!from_row(origins[s])) return false;  // a pattern still to bind: an assignment, not a test
  }
  return uses_row && pure(t);
}

// The query's side: bound before the generator runs.
bool probe_side(const ir::Term& t, const SlotOrigins& origins) {
  std::vector<uint32_t> slots;
  collect_slots(t, slots);
  for (uint32_t s : slots) {
    if (origins[s] != Origin::Query) return false;
  }
  return abort_free(t);
}

}  // namespace

const ir::Term* Evaluator::join_generator(const ir::Expr& e) {
  if (e.negated || !e.with.empty()) return nullptr;
  const ir::Term* d = nullptr;
  if (e.op == ir::ExprOp::Unify) {
    if (e.terms[0].op == TermOp::DataRef && e.terms[1].op == TermOp::Local) d = &e.terms[0];
    if (e.terms[1].op == TermOp::DataRef && e.terms[0].op == TermOp::Local) d = &e.terms[1];
  } else if (e.op == ir::ExprOp::Term && e.terms[0].op == TermOp::DataRef) {
    d = &e.terms[0];
  }
  if (d == nullptr || d->items.empty() || !base_only(*d)) return nullptr;
  bool iterates = false;
  for (const ir::Term& op : d->items) {
    if (op.op != TermOp::Const && op.op != TermOp::Local) return nullptr;
    iterates = iterates || op.op == TermOp::Local;
  }
  return iterates ? d : nullptr;
}

std::shared_ptr<const JoinPlan> Evaluator::analyse_join(const ir::Body& body, size_t i, Frame f) {
  const ir::Expr& generator = body.exprs[i];
  const ir::Term* d = join_generator(generator);
  if (d == nullptr) return nullptr;
  auto plan = std::make_shared<JoinPlan>();
  SlotOrigins origins(f);
  // The generator binds its variable operands and, as `x := data...`, x.
  for (const ir::Term& op : d->items) {
    if (op.op != TermOp::Local) continue;
    if (origins[op.slot] != Origin::Unbound) return nullptr;  // a key the query chose: no iteration over all rows
    if (std::find(plan->row_slots.begin(), plan->row_slots.end(), op.slot) == plan->row_slots.end()) {
      plan->row_slots.push_back(op.slot);
    }
  }
  if (generator.op == ir::ExprOp::Unify) {
    const ir::Term& target = &generator.terms[0] == d ? generator.terms[1] : generator.terms[0];
    if (origins[target.slot] != Origin::Unbound) return nullptr;
    if (std::find(plan->row_slots.begin(), plan->row_slots.end(), target.slot) == plan->row_slots.end()) {
      plan->row_slots.push_back(target.slot);
    }
  }
  for (uint32_t s : plan->row_slots) origins.set(s, Origin::Row);

  for (size_t j = i + 1; j < body.exprs.size(); ++j) {
    const ir::Expr& e = body.exprs[j];
    if (!e.with.empty()) return nullptr;
    // The join: an equality between the row's side and the query's.
    const ir::Term* a = nullptr;
    const ir::Term* b = nullptr;
    if (!e.negated && e.op == ir::ExprOp::Unify) {
      a = &e.terms[0];
      b = &e.terms[1];
    } else if (!e.negated && e.op == ir::ExprOp::Term && e.terms[0].op == TermOp::Call &&
               e.terms[0].call == ir::CallOp::Equal) {
      a = &e.terms[0].items[0];
      b = &e.terms[0].items[1];
    }
    if (a != nullptr) {
      for (int swap = 0; swap < 2; ++swap) {
        const ir::Term* key = swap ? b : a;
        const ir::Term* probe = swap ? a : b;
        if (key_side(*key, origins) && probe_side(*probe, origins)) {
          plan->key = key;
          plan->probe = probe;
          std::vector<uint32_t> slots;
          collect_slots(*key, slots);
          for (uint32_t s : slots) {
            if (origins[s] == Origin::Unbound) plan->fresh_slots.push_back(s);  // its own iteration
          }
          slots.clear();
          collect_slots(*probe, slots);
          std::sort(slots.begin(), slots.end());
          slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
          plan->probe_slots = std::move(slots);
          return plan;
        }
      }
    }
    // Otherwise it either reads only the row (run for every row when the
    // index is built) or the query too (then it must be safe to skip).
    std::vector<uint32_t> slots;
    collect_slots(e, slots);
    bool row_only = pure(e);
    for (uint32_t s : slots) {
      Origin o = origins[s];
      if (o == Origin::Query || o == Origin::QueryDerived) row_only = false;
    }
    if (!row_only && !abort_free(e)) return nullptr;
    for (uint32_t s : slots) {
      if (origins[s] != Origin::Unbound) continue;
      origins.set(s, row_only ? Origin::RowDerived : Origin::QueryDerived);
      plan->fresh_slots.push_back(s);
    }
    if (row_only) plan->key_exprs.push_back(&e);
  }
  return nullptr;
}

bool Evaluator::join_slots_fit(const JoinPlan& plan, Frame f) const {
  for (uint32_t s : plan.row_slots) {
    if (f[s] != nullptr) return false;
  }
  for (uint32_t s : plan.fresh_slots) {
    if (f[s] != nullptr) return false;
  }
  for (uint32_t s : plan.probe_slots) {
    if (f[s] == nullptr) return false;
  }
  return true;
}

bool Evaluator::run_key_exprs(const JoinPlan& plan, size_t n, Frame f, Next k) {
  if (n == plan.key_exprs.size()) return k();
  return eval_expr(*plan.key_exprs[n], f, [&] { return run_key_exprs(plan, n + 1, f, k); });
}

std::shared_ptr<const JoinIndex> Evaluator::build_join_index(const ir::Expr& generator, const JoinPlan& plan,
                                                             Frame f) {
  auto index = std::make_shared<JoinIndex>();
  bool complete = true;
  eval_expr(generator, f, [&] {
    const uint32_t row = static_cast<uint32_t>(index->rows.size());
    std::vector<Value> values;
    values.reserve(plan.row_slots.size());
    for (uint32_t s : plan.row_slots) {
      if (f[s] == nullptr) {
        complete = false;
        return false;
      }
      values.push_back(*f[s]);
    }
    index->rows.push_back(std::move(values));
    bool keyed = false;
    run_key_exprs(plan, 0, f, [&] {
      return eval_term(*plan.key, f, [&](const Value& key) {
        std::vector<uint32_t>& rows = index->by_key[key];
        if (rows.empty() || rows.back() != row) rows.push_back(row);
        keyed = true;
        return true;
      });
    });
    if (!keyed) index->rows.pop_back();  // no key: the join fails for this row whatever the query
    return true;
  });
  return complete ? index : nullptr;
}

bool Evaluator::eval_join(const ir::Body& body, size_t i, Frame f, Next k, bool* handled) {
  *handled = false;
  // TOLLGATE_REGO_JOIN_INDEX=off evaluates as written (to compare, bench/audit_bench.sh).
  static const bool disabled = [] {
    const char* v = std::getenv("TOLLGATE_REGO_JOIN_INDEX");
    return v != nullptr && std::string_view(v) == "off";
  }();
  if (disabled) return true;
  const ir::Expr& generator = body.exprs[i];
  JoinIndexCache& cache = policy_.join_indexes;
  std::shared_ptr<const JoinPlan> plan;
  std::shared_ptr<const JoinIndex> index;
  {
    std::lock_guard<std::mutex> lock(cache.mutex_);
    JoinIndexCache::Site& site = cache.sites_[&generator];
    if (!site.analysed) {
      site.plan = analyse_join(body, i, f);
      site.analysed = true;
    }
    if (!site.plan) return true;
    if (cache.data_.identity() != data_.identity() || cache.data_.kind() != data_.kind()) {
      // Another data document: every index was built from the old one.
      for (auto& [expr, s] : cache.sites_) {
        s.index.reset();
        s.unindexable = false;
      }
      cache.data_ = data_;
    }
    if (site.unindexable) return true;
    plan = site.plan;
    index = site.index;
  }
  if (!join_slots_fit(*plan, f) || iterates(*plan->probe, f)) return true;
  if (!index) {
    std::shared_ptr<const JoinIndex> built;
    try {
      built = build_join_index(generator, *plan, f);
    } catch (const EvalAbort&) {
      // An error for some row: evaluate as written, so it is met (or not) where OPA meets it.
    }
    // An error unwinds past the unbinding: leave the frame as it was.
    for (uint32_t s : plan->row_slots) f[s] = nullptr;
    for (uint32_t s : plan->fresh_slots) f[s] = nullptr;
    std::lock_guard<std::mutex> lock(cache.mutex_);
    if (cache.data_.identity() == data_.identity()) {
      JoinIndexCache::Site& site = cache.sites_[&generator];
      if (!built) {
        site.unindexable = true;
      } else if (!site.index) {
        site.index = built;
      }
    }
    if (!built) return true;
    index = built;
  }
  *handled = true;
  Value scratch;
  const Value* probe = single(*plan->probe, f, scratch);
  if (probe == nullptr) return true;
  auto it = index->by_key.find(*probe);
  if (it == index->by_key.end()) return true;
  for (uint32_t r : it->second) {
    const std::vector<Value>& row = index->rows[r];
    for (size_t s = 0; s < plan->row_slots.size(); ++s) f[plan->row_slots[s]] = &row[s];
    bool go = eval_body(body, i + 1, f, k);
    for (uint32_t s : plan->row_slots) f[s] = nullptr;
    if (!go) return false;
  }
  return true;
}

}  // namespace tollgate::rego::eval
