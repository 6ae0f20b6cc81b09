#include "rules/rego/compiler/index_guards.h"

#include <algorithm>
#include <optional>

namespace tollgate::rego::compiler {

namespace {

using ir::Term;
using ir::TermOp;
using value::Value;

bool is_scalar(const Value& v) { return v.is_null() || v.is_bool() || v.is_number() || v.is_string(); }

class GuardCollector {
 public:
  GuardCollector(const std::vector<Term>& args, std::vector<ir::IndexGuard>& out) : args_(args), out_(out) {}

  void body(const ir::Body& b) {
    for (const ir::Expr& e : b.exprs) {
      // Negated expressions are not indexed (their operands that OPA binds
      // before the `not` are expressions of their own here); neither is
      // anything under `with`.
      if (e.negated || !e.with.empty()) continue;
      switch (e.op) {
        case ir::ExprOp::Unify: unify(e.terms[0], e.terms[1]); break;
        case ir::ExprOp::Term: {
          const Term& t = e.terms[0];
          if (t.op == TermOp::Call && t.call == ir::CallOp::Equal && t.items.size() == 2) {
            unify(t.items[0], t.items[1]);  // `==` is `=` in a module
          } else {
            bound_before(t, false);
          }
          break;
        }
        case ir::ExprOp::SomeIn: bound_before(e.terms[2], false); break;
        case ir::ExprOp::Every: bound_before(e.terms[2], true); break;
        case ir::ExprOp::True: break;
      }
    }
  }

  // A head value or key: OPA binds it in the body (`__local0__ = value`).
  void head(const Term& t) { bound_before(t, true); }

 private:
  // A ground ref into input: input.<constant keys>.
  static std::optional<std::vector<Value>> input_path(const Term& t) {
    if (t.op == TermOp::Input) return std::vector<Value>{};
    if (t.op != TermOp::Ref || t.items.empty() || t.items[0].op != TermOp::Input) return std::nullopt;
    std::vector<Value> path;
    for (size_t i = 1; i < t.items.size(); ++i) {
      if (!t.items[i].is_const()) return std::nullopt;
      path.push_back(t.items[i].value);
    }
    return path;
  }

  // What the index can compare a ref with: a scalar (must equal), a variable
  // (must be defined), an array of those (must be defined here; OPA compares
  // arrays element-wise, which only matters for errors of clauses that would
  // fail anyway). nullopt: not indexable.
  enum class Kind { None, Defined, Equals };
  static Kind index_value(const Term& t) {
    if (t.is_const()) {
      if (is_scalar(t.value)) return Kind::Equals;
      if (t.value.is_array()) {
        for (const Value& v : t.value.items())
          if (!is_scalar(v)) return Kind::None;
        return Kind::Defined;
      }
      return Kind::None;
    }
    if (t.op == TermOp::Local) return Kind::Defined;
    if (t.op == TermOp::Array) {
      for (const Term& i : t.items)
        if (!(i.op == TermOp::Local || (i.is_const() && is_scalar(i.value)))) return Kind::None;
      return Kind::Defined;
    }
    return Kind::None;
  }

  void add_input(std::vector<Value> path, std::optional<Value> equals, Location loc) {
    ir::IndexGuard g;
    g.path = std::move(path);
    g.equals = std::move(equals);
    g.loc = loc;
    out_.push_back(std::move(g));
  }
  static Location ref_loc(const Term& t) { return t.op == TermOp::Ref && !t.items.empty() ? t.items[0].loc : t.loc; }

  // `a = b` (or `a == b`): the pair itself may be indexed; operands that are
  // calls or composites have their refs bound before.
  void unify(const Term& a, const Term& b) {
    if (!pair(a, b)) pair(b, a);
    unify_side(a);
    unify_side(b);
  }
  bool pair(const Term& ref, const Term& other) {
    const Kind kind = index_value(other);
    if (kind == Kind::None) return false;
    if (auto path = input_path(ref)) {
      add_input(std::move(*path), kind == Kind::Equals ? std::optional(other.value) : std::nullopt, ref_loc(ref));
      return true;
    }
    if (ref.op == TermOp::Local && kind == Kind::Equals) {
      for (uint32_t i = 0; i < args_.size(); ++i) {
        const Term& arg = args_[i];
        if (arg.op == TermOp::Local && arg.slot == ref.slot) {
          ir::IndexGuard g;
          g.on_input = false;
          g.slot = ref.slot;
          g.arg = i;
          g.loc = ref.loc;
          g.equals = other.value;
          out_.push_back(std::move(g));
          return true;
        }
      }
    }
    return false;
  }
  void unify_side(const Term& t) {
    switch (t.op) {
      case TermOp::Ref: ref_keys(t); break;
      case TermOp::DataRef: composite(t); break;
      case TermOp::Call: call_operands(t); break;
      case TermOp::Array:
      case TermOp::Set:
      case TermOp::Object: composite(t); break;
      default: break;
    }
  }

  // A term OPA binds to a generated variable (`__localN__ = t`) before the
  // expression that uses it; whole: t itself is that term (a head value,
  // the domain of `every`), so a ground input ref there must be defined.
  void bound_before(const Term& t, bool whole) {
    switch (t.op) {
      case TermOp::Input:
      case TermOp::Ref:
        if (whole) {
          if (auto path = input_path(t)) add_input(std::move(*path), std::nullopt, ref_loc(t));
        }
        if (t.op == TermOp::Ref) ref_keys(t);
        break;
      case TermOp::DataRef: composite(t); break;  // its operands: keys beyond the constant path
      case TermOp::Call: call_operands(t); break;
      case TermOp::Array:
      case TermOp::Set:
      case TermOp::Object: composite(t); break;
      default: break;
    }
  }

  // An operand of a call, an element of a composite, a key of a ref: a ref
  // there is bound before, so it must be defined.
  void operand(const Term& t) { bound_before(t, true); }

  void call_operands(const Term& call) {
    if (call.call == ir::CallOp::Print) return;  // print's operands are wrapped in comprehensions
    for (const Term& a : call.items) operand(a);
  }
  void composite(const Term& t) {
    for (const Term& i : t.items) operand(i);
  }
  void ref_keys(const Term& ref) {
    if (ref.items.empty()) return;
    if (ref.items[0].op == TermOp::Call) call_operands(ref.items[0]);
    for (size_t i = 1; i < ref.items.size(); ++i) operand(ref.items[i]);
  }

  const std::vector<Term>& args_;
  std::vector<ir::IndexGuard>& out_;
};

}  // namespace

std::vector<ir::IndexGuard> index_guards(const ir::Clause& clause, const std::vector<ir::Term>& args,
                                         const std::vector<ir::Term>* keys) {
  std::vector<ir::IndexGuard> out;
  GuardCollector c(args, out);
  c.body(clause.body);
  if (clause.value) c.head(*clause.value);
  if (keys != nullptr)
    for (const Term& k : *keys) c.head(k);
  return out;
}

namespace {

// An indexed ref as OPA sorts them: args[i] (the var `args` sorts before
// `input`) by position, then input refs by their keys, a prefix first.
struct IndexedRef {
  bool on_input = true;
  uint32_t arg = 0;
  std::vector<Value> path;

  static IndexedRef of(const ir::IndexGuard& g) { return {g.on_input, g.on_input ? 0 : g.arg, g.path}; }
  bool operator<(const IndexedRef& o) const {
    if (on_input != o.on_input) return !on_input;
    if (!on_input) return arg < o.arg;
    return std::lexicographical_compare(path.begin(), path.end(), o.path.begin(), o.path.end());
  }
  bool operator==(const IndexedRef& o) const { return !(*this < o) && !(o < *this); }
};

}  // namespace

void order_like_rule_index(ir::RuleGroup& group) {
  const size_t n = group.defs.size();
  // OPA sorts the indexed refs by how often the group's clauses use them,
  // most used first, then by where the first use is written.
  struct RefUse {
    IndexedRef ref;
    size_t count = 0;
    Location first;
  };
  std::vector<RefUse> uses;
  for (const auto& def : group.defs)
    for (const auto& clause : def.clauses)
      for (const auto& g : clause.guards) {
        const IndexedRef r = IndexedRef::of(g);
        auto it = std::find_if(uses.begin(), uses.end(), [&](const RefUse& u) { return u.ref == r; });
        if (it == uses.end()) {
          uses.push_back({r, 1, g.loc});
        } else {
          ++it->count;
        }
      }
  std::stable_sort(uses.begin(), uses.end(), [](const RefUse& a, const RefUse& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.first.line != b.first.line) return a.first.line < b.first.line;
    return a.first.column < b.first.column;
  });
  std::vector<IndexedRef> refs;
  for (const auto& u : uses) refs.push_back(u.ref);
  auto ref_index = [&](const ir::IndexGuard& g) {
    const IndexedRef r = IndexedRef::of(g);
    return static_cast<size_t>(std::find(refs.begin(), refs.end(), r) - refs.begin());
  };

  // Each clause's branch at every indexed ref: 0 it does not test the ref,
  // 1 it needs the ref defined, 2 it needs a scalar there. A clause that
  // tests nothing sits at the trie's root, before all others.
  struct Entry {
    bool indexed = false;
    std::vector<int> ranks;
    uint32_t def = 0, clause = 0;
  };
  std::vector<Entry> entries;
  group.dynamic_order = false;
  for (uint32_t d = 0; d < n; ++d) {
    const auto& clauses = group.defs[d].clauses;
    if (clauses.size() > 1 && !clauses[0].guards.empty()) group.dynamic_order = true;
    for (uint32_t ci = 0; ci < clauses.size(); ++ci) {
      Entry e;
      e.ranks.assign(refs.size(), 0);
      e.def = d;
      e.clause = ci;
      for (const auto& g : clauses[ci].guards) {
        e.ranks[ref_index(g)] = g.equals ? 2 : 1;  // a later test of the same ref replaces an earlier one
        e.indexed = true;
      }
      entries.push_back(std::move(e));
    }
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.indexed != b.indexed) return !a.indexed;
    return a.ranks < b.ranks;
  });
  group.order.clear();
  for (uint32_t i = 0; i < entries.size(); ++i) {
    auto& clause = group.defs[entries[i].def].clauses[entries[i].clause];
    clause.rank = i;
    if (entries[i].clause == 0) group.order.push_back(entries[i].def);
  }
  for (uint32_t d = 0; d < n; ++d)
    if (group.defs[d].clauses.empty()) group.order.push_back(d);
  group.position.resize(n);
  for (uint32_t i = 0; i < n; ++i) group.position[group.order[i]] = i;
  // The first-argument index lists follow the same order.
  auto by_position = [&](uint32_t a, uint32_t b) { return group.position[a] < group.position[b]; };
  for (auto& [key, defs] : group.index_by_first_arg) std::sort(defs.begin(), defs.end(), by_position);
  std::sort(group.unindexed.begin(), group.unindexed.end(), by_position);
}

}  // namespace tollgate::rego::compiler
