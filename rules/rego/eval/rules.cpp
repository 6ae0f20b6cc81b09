// Rule evaluation: complete rules, partial sets, functions (rego-notes.md §5
// "Rule kinds"), memoised per query and `with` scope.
#include <algorithm>

#include "rules/rego/eval/collections.h"
#include "rules/rego/eval/evaluator.h"

namespace tollgate::rego::eval {

namespace {

bool is_composite(const Value& v) { return v.is_array() || v.is_object() || v.is_set(); }

}  // namespace

// Composite arguments are memoised by identity: hashing a whole Pod to
// find a cached call would cost more than most calls.
size_t Evaluator::ArgsHash::operator()(std::span<const Value> args) const {
  size_t h = args.size();
  for (const auto& a : args) {
    size_t x = is_composite(a) ? std::hash<const void*>()(a.identity()) : value::hash(a);
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

bool Evaluator::ArgsEqual::operator()(std::span<const Value> a, std::span<const Value> b) const {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    bool ca = is_composite(a[i]);
    bool cb = is_composite(b[i]);
    if (ca != cb) return false;
    if (ca ? a[i].identity() != b[i].identity() : a[i] != b[i]) return false;
  }
  return true;
}

Evaluator::Memo& Evaluator::memo() {
  Memo& m = *state_.memo;
  if (m.groups.empty()) m.groups.resize(policy_.groups.size());
  return m;
}

void Evaluator::conflict(const ir::RuleDef& def, const char* message, const ir::Clause* clause) {
  abort("eval_conflict_error", message, def.file, clause != nullptr ? clause->loc : def.loc);
}

// The definitions in the order OPA's index returns them: a definition whose
// first clause the index skips takes the place of its first remaining one.
const std::vector<uint32_t>& Evaluator::index_order(const ir::RuleGroup& g, std::vector<uint32_t>& scratch) const {
  if (!g.dynamic_order) return g.order;
  std::vector<std::pair<uint32_t, uint32_t>> ranked;  // rank, definition
  for (uint32_t d = 0; d < g.defs.size(); ++d) {
    for (const auto& clause : g.defs[d].clauses) {
      if (clause.guards.empty() || guards_hold(clause.guards, nullptr)) {
        ranked.emplace_back(clause.rank, d);
        break;
      }
    }
  }
  std::sort(ranked.begin(), ranked.end());
  scratch.clear();
  for (const auto& [rank, d] : ranked) scratch.push_back(d);
  return scratch;
}

bool Evaluator::eval_clauses(const ir::RuleDef& def, Frame f,
                             FunctionRef<bool(const ir::Clause&, bool& produced)> on_solution) {
  // Rule values are computed whole before the caller goes on, so the file is
  // the rule's for exactly the span of this call.
  const std::string_view caller_file = current_file_;
  current_file_ = def.file;
  struct RestoreFile {
    std::string_view& current;
    std::string_view saved;
    ~RestoreFile() { current = saved; }
  } restore{current_file_, caller_file};
  // A clause counts as taken when it produced a value: OPA moves the head's
  // value into the body, so a value that is undefined fails the body and the
  // next `else` is tried.
  for (const auto& clause : def.clauses) {
    if (!clause.guards.empty() && !guards_hold(clause.guards, f)) continue;
    bool produced = false;
    bool go = eval_body(clause.body, 0, f, [&] { return on_solution(clause, produced); });
    if (!go) return false;
    if (produced) return true;
  }
  return true;
}

// OPA's rule index (compiler/index_guards.h): a clause whose condition fails
// is not evaluated at all.
bool Evaluator::guards_hold(const std::vector<ir::IndexGuard>& guards, Frame f) const {
  for (const ir::IndexGuard& g : guards) {
    const Value* v = nullptr;
    if (g.on_input) {
      v = state_.input;
      // Where input.review.<path> leads is the same for every query of a shared memo.
      SharedInputMemo::Walk* shared = nullptr;
      if (shared_memo_ != nullptr && v == &*options_.input && !g.path.empty() && shared_memo_->is_key(g.path[0])) {
        auto [it, added] = shared_memo_->walks_.try_emplace(&g, SharedInputMemo::Walk{0, nullptr});
        shared = &it->second;
        if (!added) v = shared->value;
      }
      for (size_t i = 0; v != nullptr && i < g.path.size() && (shared == nullptr || shared->end == 0); ++i) {
        const Value& key = g.path[i];
        if (v->is_object()) {
          v = key.is_string() ? find_string_key(*v, key.as_string()) : v->find(key);
        } else if (v->is_array()) {
          v = key.is_int() && key.as_int() >= 0 ? v->at(static_cast<size_t>(key.as_int())) : nullptr;
        } else if (v->is_set()) {
          auto it = std::lower_bound(v->items().begin(), v->items().end(), key);
          v = it != v->items().end() && *it == key ? &*it : nullptr;
        } else {
          v = nullptr;
        }
      }
      if (shared != nullptr && shared->end == 0) *shared = SharedInputMemo::Walk{g.path.size(), v};
    } else {
      if (f == nullptr) continue;  // ordering only: arguments are not bound yet
      v = f[g.slot];
    }
    if (v == nullptr) return false;
    if (g.equals && *v != *g.equals) return false;
  }
  return true;
}

bool Evaluator::bind_args(const ir::RuleDef& def, size_t i, std::span<const Value> args, Frame f, Next k) {
  // Plain variables and constants bind or compare directly; patterns unify.
  for (; i < def.args.size(); ++i) {
    const ir::Term& a = def.args[i];
    if (a.op == ir::TermOp::Const) {
      if (a.value != args[i]) return true;
    } else if (a.op == ir::TermOp::Local) {
      if (f[a.slot] == nullptr) {
        f[a.slot] = &args[i];
      } else if (*f[a.slot] != args[i]) {
        return true;
      }
    } else {
      break;
    }
  }
  if (i == def.args.size()) return k();
  return unify_value(def.args[i], args[i], f, [&] { return bind_args(def, i + 1, args, f, k); });
}

const Value* Evaluator::group_value(const ir::RuleGroup& g) {
  GroupMemo& m = memo().groups[g.id];
  if (m.state == GroupMemo::State::Done) return m.value ? &*m.value : nullptr;
  if (m.state == GroupMemo::State::Running) {
    const ir::RuleDef* def = g.defs.empty() ? nullptr : &g.defs[0];
    abort("rego_recursion_error", "rule " + g.name + " is recursive", def ? def->file : "",
          def ? def->loc : Location{});
  }
  m.state = GroupMemo::State::Running;
  std::optional<Value> v;
  switch (g.kind) {
    case ir::GroupKind::Complete: v = evaluate_complete(g); break;
    case ir::GroupKind::PartialSet: v = evaluate_partial_set(g); break;
    case ir::GroupKind::Dynamic: v = materialize(*g.node, base_at(g.path, g.path.size()), true); break;
    case ir::GroupKind::Function: break;
  }
  m.value = std::move(v);
  m.state = GroupMemo::State::Done;
  return m.value ? &*m.value : nullptr;
}

// OPA evaluates a complete rule that lives inside an object built by rules
// with variable keys (`p["k"] = 1`, `p[x] = 2`) as part of that object, so a
// conflict there is about the object's keys.
const char* Evaluator::complete_conflict_message(const ir::RuleGroup& g) const {
  const ir::DataNode* node = &policy_.root;
  for (size_t i = 0; node != nullptr; ++i) {
    if (node->dynamic != nullptr) return "object keys must be unique";
    if (i == g.path.size()) break;
    node = node->child(g.path[i]);
  }
  return "complete rules must not produce multiple outputs";
}

std::optional<Value> Evaluator::evaluate_complete(const ir::RuleGroup& g) {
  std::optional<Value> result;
  std::vector<uint32_t> scratch;
  for (uint32_t d : index_order(g, scratch)) {
    const ir::RuleDef& def = g.defs[d];
    if (def.constant_value && result && *result == *def.constant_value) continue;
    FrameBuffer frame(def.frame_size);
    Frame f = frame.slots();
    ++depth_;
    if (tracer_ != nullptr) trace(TraceOp::Enter, def.file, def.loc, g.name);
    eval_clauses(def, f, [&](const ir::Clause& clause, bool& produced) {
      return eval_term(*clause.value, f, [&](const Value& v) {
        produced = true;
        if (result) {
          if (*result != v) conflict(def, complete_conflict_message(g), &clause);
        } else {
          result = v;
        }
        return !def.constant_value.has_value();
      });
    });
    if (tracer_ != nullptr) trace(TraceOp::Exit, def.file, def.loc, g.name);
    --depth_;
  }
  if (!result) result = default_value(g);
  return result;
}

std::optional<Value> Evaluator::default_value(const ir::RuleGroup& g) {
  if (g.default_value) return g.default_value;
  if (!g.default_term) return std::nullopt;
  FrameBuffer frame(g.default_frame_size);
  std::optional<Value> out;
  eval_term(*g.default_term, frame.slots(), [&](const Value& v) {
    out = v;
    return false;
  });
  return out;
}

Value Evaluator::evaluate_partial_set(const ir::RuleGroup& g) {
  std::vector<Value> members;
  std::vector<uint32_t> scratch;
  for (uint32_t d : index_order(g, scratch)) {
    const ir::RuleDef& def = g.defs[d];
    FrameBuffer frame(def.frame_size);
    Frame f = frame.slots();
    ++depth_;
    if (tracer_ != nullptr) trace(TraceOp::Enter, def.file, def.loc, g.name);
    eval_clauses(def, f, [&](const ir::Clause&, bool& produced) {
      produced = true;
      return eval_term(def.keys[0], f, [&](const Value& m) {
        members.push_back(m);
        return true;
      });
    });
    if (tracer_ != nullptr) trace(TraceOp::Exit, def.file, def.loc, g.name);
    --depth_;
  }
  return Value::set(std::move(members));
}

void Evaluator::add_dynamic(const ir::RuleGroup& g, ObjectTree& acc) {
  std::vector<uint32_t> scratch;
  for (uint32_t d : index_order(g, scratch)) {
    const ir::RuleDef& def = g.defs[d];
    FrameBuffer frame(def.frame_size);
    Frame f = frame.slots();
    std::vector<Value> keys(def.keys.size());
    ++depth_;
    if (tracer_ != nullptr) trace(TraceOp::Enter, def.file, def.loc, g.name);
    try {
      eval_clauses(def, f, [&](const ir::Clause& clause, bool& produced) {
        produced = true;
        return eval_list(def.keys, 0, keys.data(), f, [&] {
          if (def.set_leaf) {
            acc.insert(std::span<const Value>(keys.data(), keys.size() - 1), keys.back(), true);
            return true;
          }
          return eval_term(*clause.value, f, [&](const Value& v) {
            acc.insert(keys, v, false);
            return true;
          });
        });
      });
    } catch (const KeyConflict&) {
      conflict(def, "object keys must be unique");
    }
    if (tracer_ != nullptr) trace(TraceOp::Exit, def.file, def.loc, g.name);
    --depth_;
  }
}

const Value* Evaluator::function_value(const ir::RuleGroup& g, std::span<const Value> args) {
  GroupMemo& m = memo().groups[g.id];
  if (!m.calls) m.calls = std::make_unique<FunctionMemo>();
  auto it = m.calls->find(args);
  if (it != m.calls->end()) return it->second ? &*it->second : nullptr;
  std::optional<Value> r = evaluate_function(g, args);
  auto [stored, added] = m.calls->emplace(std::vector<Value>(args.begin(), args.end()), std::move(r));
  return stored->second ? &*stored->second : nullptr;
}

std::optional<Value> Evaluator::evaluate_function(const ir::RuleGroup& g, std::span<const Value> args) {
  std::optional<Value> result;
  auto try_def = [&](const ir::RuleDef& def) {
    if (def.constant_value && result && *result == *def.constant_value) return;
    FrameBuffer frame(def.frame_size);
    Frame f = frame.slots();
    bool entered = false;
    bind_args(def, 0, args, f, [&] {
      ++depth_;
      if (tracer_ != nullptr && !entered) {
        trace(TraceOp::Enter, def.file, def.loc, g.name);
        entered = true;
      }
      bool go = eval_clauses(def, f, [&](const ir::Clause& clause, bool& produced) {
        return eval_term(*clause.value, f, [&](const Value& v) {
          produced = true;
          if (result) {
            if (*result != v) conflict(def, "functions must not produce multiple outputs for same inputs", &clause);
          } else {
            result = v;
          }
          return !def.constant_value.has_value();
        });
      });
      if (entered) trace(TraceOp::Exit, def.file, def.loc, g.name);
      --depth_;
      return go;
    });
  };

  if (!g.indexed || args.empty()) {
    std::vector<uint32_t> scratch;
    for (uint32_t d : index_order(g, scratch)) try_def(g.defs[d]);
  } else {
    // Definitions with this constant first argument, merged in definition
    // order with those that have a variable there.
    const auto& index = g.index_by_first_arg;
    auto it = std::lower_bound(index.begin(), index.end(), args[0],
                               [](const auto& entry, const Value& k) { return entry.first < k; });
    static const std::vector<uint32_t> none;
    const std::vector<uint32_t>& hits = it != index.end() && it->first == args[0] ? it->second : none;
    size_t i = 0;
    size_t j = 0;
    while (i < hits.size() || j < g.unindexed.size()) {
      uint32_t next;
      if (j >= g.unindexed.size() || (i < hits.size() && g.position[hits[i]] < g.position[g.unindexed[j]])) {
        next = hits[i++];
      } else {
        next = g.unindexed[j++];
      }
      try_def(g.defs[next]);
    }
  }
  if (!result) result = default_value(g);
  return result;
}

}  // namespace tollgate::rego::eval
