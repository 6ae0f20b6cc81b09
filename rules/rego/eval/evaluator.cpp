#include "rules/rego/eval/evaluator.h"

#include <chrono>
#include <map>

#include "rules/rego/eval/collections.h"
#include "rules/rego/number.h"

namespace tollgate::rego::eval {

using ir::TermOp;

FrameBuffer::FrameBuffer(uint32_t size) {
  if (size <= kInline) {
    slots_ = inline_;
  } else {
    heap_ = std::make_unique<const Value*[]>(size);
    slots_ = heap_.get();
  }
  for (uint32_t i = 0; i < size; ++i) slots_[i] = nullptr;
}

Evaluator::Evaluator(const CompiledPolicy& policy, const QueryOptions& options)
    : budget_(options.limits != nullptr ? *options.limits : value::default_eval_limits()),
      policy_(policy),
      options_(options),
      data_(options.data),
      tracer_(options.tracer) {
  // Shared values are what an evaluation without tracing and without strict
  // builtin errors would compute (those record what happens inside).
  if (options.shared_memo != nullptr && options.input && tracer_ == nullptr && !options.strict_builtin_errors &&
      options.shared_memo->bind(*options.input)) {
    shared_memo_ = options.shared_memo;
  }
  root_memo_.groups.swap(spare_groups());  // empty, with capacity
  state_ = State{options_.input ? &*options_.input : nullptr, nullptr, nullptr, &root_memo_};
  builtin_context_.now_ns = options.now_ns;  // 0: read by time.now_ns on first use
  builtin_context_.nondeterministic_cache = &nondeterministic_cache_;
  builtin_context_.trace_notes = tracer_ != nullptr ? &trace_notes_ : nullptr;
}

Evaluator::~Evaluator() {
  root_memo_.groups.clear();
  std::vector<Evaluator::GroupMemo>& spare = spare_groups();
  if (root_memo_.groups.capacity() > spare.capacity()) spare.swap(root_memo_.groups);
}

std::vector<Evaluator::GroupMemo>& Evaluator::spare_groups() {
  thread_local std::vector<GroupMemo> spare;
  return spare;
}

void Evaluator::trace(TraceOp op, std::string_view file, Location loc, std::string_view text) {
  TraceEvent e;
  e.op = op;
  e.file = file;
  e.loc = loc;
  e.text = text;
  e.depth = depth_;
  tracer_->event(e);
}

void Evaluator::abort(std::string code, std::string message, std::string_view file, Location loc) {
  throw EvalAbort{Error{std::move(code), std::move(message), std::string(file), loc}};
}

bool Evaluator::run(const ir::Body& body, Frame frame, Next k, std::string_view query_text) {
  if (tracer_ != nullptr) trace(TraceOp::Enter, "query", body.loc, query_text);
  bool r = eval_body(body, 0, frame, [&] {
    if (tracer_ != nullptr) trace(TraceOp::Exit, "query", body.loc, query_text);
    bool go = k();
    if (tracer_ != nullptr) trace(TraceOp::Redo, "query", body.loc, query_text);
    return go;
  });
  return r;
}

// ---- bodies and expressions ----

bool Evaluator::eval_body(const ir::Body& body, size_t i, Frame f, Next k) {
  budget_.step();
  // Expressions with at most one solution run directly, in this loop; the
  // first one that may iterate continues in continuation-passing style.
  for (; i < body.exprs.size() && fast_path(); ++i) {
    const ir::Expr& e = body.exprs[i];
    if (!e.with.empty()) break;
    if (e.op == ir::ExprOp::True && !e.negated) continue;
    if (e.op == ir::ExprOp::Term) {
      const ir::Term& t = e.terms[0];
      if (iterates(t, f)) break;
      Value scratch;
      const Value* v = single(t, f, scratch);
      bool holds = v != nullptr && !(v->is_bool() && !v->as_bool());
      if (holds == e.negated) return true;
      continue;
    }
    if (e.op != ir::ExprOp::Unify || e.negated) break;
    const ir::Term& a = e.terms[0];
    const ir::Term& b = e.terms[1];
    const ir::Term* var = nullptr;
    const ir::Term* other = nullptr;
    if (a.op == TermOp::Local && f[a.slot] == nullptr) {
      var = &a;
      other = &b;
    } else if (b.op == TermOp::Local && f[b.slot] == nullptr) {
      var = &b;
      other = &a;
    }
    if (var != nullptr) {
      if (is_open(*other, f)) break;
      if (iterates(*other, f)) {
        if (other->op != TermOp::Ref) break;
        // A generator `x := ref` over input or a local: what eval_expr ->
        // unify -> eval_term -> eval_ref does for it, without the layers in
        // between (the ref may bind the variable itself: compare then).
        const uint32_t slot = var->slot;
        return eval_ref(*other, f, [&](const Value& v) {
          if (const Value* bound = f[slot]) return *bound == v ? eval_body(body, i + 1, f, k) : true;
          f[slot] = &v;
          bool go = eval_body(body, i + 1, f, k);
          f[slot] = nullptr;
          return go;
        });
      }
      Value scratch;
      const Value* v = single(*other, f, scratch);
      if (v == nullptr) return true;
      f[var->slot] = v;
      bool go = eval_body(body, i + 1, f, k);
      f[var->slot] = nullptr;
      return go;
    }
    if (is_open(a, f) || is_open(b, f) || iterates(a, f) || iterates(b, f)) break;
    Value sa;
    Value sb;
    const Value* va = single(a, f, sa);
    if (va == nullptr) return true;
    const Value* vb = single(b, f, sb);
    if (vb == nullptr || *va != *vb) return true;
  }
  if (i == body.exprs.size()) return k();
  if (fast_path() && !options_.strict_builtin_errors && join_generator(body.exprs[i]) != nullptr) {
    bool handled = false;
    bool go = eval_join(body, i, f, k, &handled);
    if (handled) return go;
  }
  return eval_expr(body.exprs[i], f, [&] { return eval_body(body, i + 1, f, k); });
}

bool Evaluator::eval_expr(const ir::Expr& e, Frame f, Next k) {
  auto run = [&](Next next) -> bool {
    if (e.negated) {
      bool found = false;
      eval_positive(e, f, [&] {
        found = true;
        return false;
      });
      return found ? true : next();
    }
    return eval_positive(e, f, next);
  };
  if (tracer_ == nullptr) return run(k);
  trace(TraceOp::Eval, e.file, e.loc, e.text);
  bool produced = false;
  bool r = run([&] {
    produced = true;
    bool go = k();
    trace(TraceOp::Redo, e.file, e.loc, e.text);
    return go;
  });
  if (!produced) trace(TraceOp::Fail, e.file, e.loc, e.text);
  return r;
}

bool Evaluator::eval_positive(const ir::Expr& e, Frame f, Next k) {
  if (e.with.empty()) return eval_plain(e, f, k);
  constexpr size_t kInline = 8;
  const Value* inline_values[kInline];
  std::vector<const Value*> heap;
  const Value** values = inline_values;
  if (e.with.size() > kInline) {
    heap.resize(e.with.size());
    values = heap.data();
  }
  return eval_with(e, 0, values, f, k);
}

bool Evaluator::eval_plain(const ir::Expr& e, Frame f, Next k) {
  switch (e.op) {
    case ir::ExprOp::True: return k();
    case ir::ExprOp::Term:
      return eval_term(e.terms[0], f, [&](const Value& v) {
        if (v.is_bool() && !v.as_bool()) return true;
        return k();
      });
    case ir::ExprOp::Unify: return unify(e.terms[0], e.terms[1], f, k);
    case ir::ExprOp::SomeIn: return eval_some_in(e, f, k);
    case ir::ExprOp::Every: return eval_every(e, f, k);
  }
  return true;
}

bool Evaluator::eval_some_in(const ir::Expr& e, Frame f, Next k) {
  return eval_term(e.terms[2], f, [&](const Value& coll) {
    return for_each_entry(coll, [&](const Value& key, const Value& val) {
      budget_.step();
      if (e.has_key) {
        return unify_value(e.terms[0], key, f, [&] { return unify_value(e.terms[1], val, f, k); });
      }
      return unify_value(e.terms[1], val, f, k);
    });
  });
}

bool Evaluator::eval_every(const ir::Expr& e, Frame f, Next k) {
  return eval_term(e.terms[2], f, [&](const Value& domain) {
    if (!domain.is_array() && !domain.is_object() && !domain.is_set()) return true;
    bool all = for_each_entry(domain, [&](const Value& key, const Value& val) {
      bool found = false;
      auto body = [&] {
        return eval_body(*e.body, 0, f, [&] {
          found = true;
          return false;
        });
      };
      if (e.has_key) {
        unify_value(e.terms[0], key, f, [&] { return unify_value(e.terms[1], val, f, body); });
      } else {
        unify_value(e.terms[1], val, f, body);
      }
      return found;
    });
    return all ? k() : true;
  });
}

// ---- terms ----

bool Evaluator::eval_term(const ir::Term& t, Frame f, Yield k) {
  if ((t.op == TermOp::Call || t.op == TermOp::Ref || t.op == TermOp::DataRef) && fast_path() && !iterates(t, f)) {
    Value scratch;
    const Value* v = single(t, f, scratch);
    return v != nullptr ? k(*v) : true;
  }
  switch (t.op) {
    case TermOp::Const: return k(t.value);
    case TermOp::Local: {
      const Value* v = f[t.slot];
      return v != nullptr ? k(*v) : true;
    }
    case TermOp::Input: return state_.input != nullptr ? k(*state_.input) : true;
    case TermOp::Ref: return eval_ref(t, f, k);
    case TermOp::DataRef: return eval_data_ref(t, f, k);
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object: return eval_composite(t, f, k);
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr: return eval_comprehension(t, f, k);
    case TermOp::Call: return eval_call(t, f, k);
  }
  return true;
}

bool Evaluator::eval_ref(const ir::Term& t, Frame f, Yield k) {
  const ir::Term& head = t.items[0];
  if (head.op == TermOp::Input) {
    if (state_.input == nullptr) return true;
    if (walk_shared(t)) {
      size_t pos = 0;
      const Value* v = shared_walk(t, &pos);
      return v != nullptr ? walk(*v, t, pos, f, k) : true;
    }
    return walk(*state_.input, t, 1, f, k);
  }
  if (head.op == TermOp::Local) {
    const Value* v = f[head.slot];
    return v != nullptr ? walk(*v, t, 1, f, k) : true;
  }
  return eval_term(head, f, [&](const Value& v) { return walk(v, t, 1, f, k); });
}

bool Evaluator::walk(const Value& v, const ir::Term& ref, size_t pos, Frame f, Yield k) {
  const bool data = ref.op == TermOp::DataRef;
  const size_t prefix = data ? ref.path.size() : 0;
  const size_t end = data ? prefix + ref.items.size() : ref.items.size();
  if (pos == end) return k(v);
  const Value* key = nullptr;
  const ir::Term* op = nullptr;
  if (pos < prefix) {
    key = &ref.path[pos];
  } else {
    op = &ref.items[pos - prefix];
    if (op->op == TermOp::Const) {
      key = &op->value;
    } else if (op->op == TermOp::Local) {
      key = f[op->slot];
    }
  }
  if (key != nullptr) {
    const Value* next = data ? lookup_document(v, *key, number_text) : lookup(v, *key);
    return next != nullptr ? walk(*next, ref, pos + 1, f, k) : true;
  }
  if (op->op == TermOp::Local) {
    const uint32_t slot = op->slot;
    return for_each_entry(v, [&](const Value& entry_key, const Value& entry_value) {
      budget_.step();
      f[slot] = &entry_key;
      bool go = walk(entry_value, ref, pos + 1, f, k);
      f[slot] = nullptr;
      return go;
    });
  }
  if (is_open(*op, f)) {
    return for_each_entry(v, [&](const Value& entry_key, const Value& entry_value) {
      budget_.step();
      return unify_value(*op, entry_key, f, [&] { return walk(entry_value, ref, pos + 1, f, k); });
    });
  }
  return eval_term(*op, f, [&](const Value& computed) {
    const Value* next = lookup(v, computed);
    return next != nullptr ? walk(*next, ref, pos + 1, f, k) : true;
  });
}

bool Evaluator::eval_list(const std::vector<ir::Term>& terms, size_t i, Value* values, Frame f, Next k) {
  // Variables are read last: a ref among the terms may bind them (`x == a[x]`).
  if (i == terms.size()) {
    for (size_t j = 0; j < terms.size(); ++j) {
      if (terms[j].op != TermOp::Local) continue;
      const Value* v = f[terms[j].slot];
      if (v == nullptr) return true;
      values[j] = *v;
    }
    return k();
  }
  const ir::Term& t = terms[i];
  if (t.op == TermOp::Local) return eval_list(terms, i + 1, values, f, k);
  if (t.op == TermOp::Const) {
    values[i] = t.value;
    return eval_list(terms, i + 1, values, f, k);
  }
  return eval_term(t, f, [&](const Value& v) {
    values[i] = v;
    return eval_list(terms, i + 1, values, f, k);
  });
}

bool Evaluator::eval_composite(const ir::Term& t, Frame f, Yield k) {
  std::vector<Value> values(t.items.size());
  return eval_list(t.items, 0, values.data(), f, [&] {
    switch (t.op) {
      case TermOp::Array: return k(Value::array(values));
      case TermOp::Set: return k(Value::set(values));
      default: {
        std::vector<Value::Entry> entries;
        entries.reserve(values.size() / 2);
        for (size_t i = 0; i + 1 < values.size(); i += 2) entries.emplace_back(values[i], values[i + 1]);
        return k(Value::object(std::move(entries)));
      }
    }
  });
}

// A std::map node holding one key/value pair (three pointers, colour, pair).
constexpr size_t kMapEntryBytes = 4 * sizeof(void*) + sizeof(std::pair<Value, Value>);

bool Evaluator::eval_comprehension(const ir::Term& t, Frame f, Yield k) {
  SharedInputMemo::Entry* shared = shared_entry(t, f);
  if (shared == nullptr) return eval_comprehension_value(t, f, k);
  if (!shared->value) {
    eval_comprehension_value(t, f, [&](const Value& v) {
      shared->value = v;
      return true;
    });
  }
  return k(*shared->value);
}

bool Evaluator::eval_comprehension_value(const ir::Term& t, Frame f, Yield k) {
  switch (t.op) {
    case TermOp::ArrayCompr:
    case TermOp::SetCompr: {
      std::vector<Value> out;
      eval_body(*t.body, 0, f, [&] {
        return eval_term(t.items[0], f, [&](const Value& v) {
          // What the collection holds before it becomes a Value counts too.
          budget_.charge(sizeof(Value));
          out.push_back(v);
          return true;
        });
      });
      return k(t.op == TermOp::ArrayCompr ? Value::array(std::move(out)) : Value::set(std::move(out)));
    }
    default: {
      std::map<Value, Value> out;
      eval_body(*t.body, 0, f, [&] {
        return eval_term(t.items[0], f, [&](const Value& key) {
          return eval_term(t.items[1], f, [&](const Value& val) {
            budget_.charge(kMapEntryBytes);
            auto [it, added] = out.emplace(key, val);
            if (!added && it->second != val)
              abort("eval_conflict_error", "object keys must be unique", current_file_, t.loc);
            return true;
          });
        });
      });
      std::vector<Value::Entry> entries(out.begin(), out.end());
      return k(Value::object_sorted(std::move(entries)));
    }
  }
}

// ---- unification ----

bool Evaluator::is_open(const ir::Term& t, Frame f) {
  for (uint32_t s : t.pattern_slots) {
    if (f[s] == nullptr) return true;
  }
  return false;
}

bool Evaluator::unify(const ir::Term& a, const ir::Term& b, Frame f, Next k) {
  const bool a_open = is_open(a, f);
  const bool b_open = is_open(b, f);
  if (!a_open && !b_open) {
    if (a.op == TermOp::Const) {
      return eval_term(b, f, [&](const Value& vb) { return vb == a.value ? k() : true; });
    }
    return eval_term(a, f, [&](const Value& va) {
      return eval_term(b, f, [&](const Value& vb) { return va == vb ? k() : true; });
    });
  }
  if (a_open && b_open) {
    if (a.op == TermOp::Array && b.op == TermOp::Array) {
      if (a.items.size() != b.items.size()) return true;
      auto pairs = [&](auto& self, size_t i) -> bool {
        if (i == a.items.size()) return k();
        return unify(a.items[i], b.items[i], f, [&] { return self(self, i + 1); });
      };
      return pairs(pairs, 0);
    }
    if (a.op == TermOp::Object && b.op == TermOp::Object) {
      if (a.items.size() != b.items.size()) return true;
      auto pairs = [&](auto& self, size_t i) -> bool {
        if (i >= a.items.size()) return k();
        return eval_term(a.items[i], f, [&](const Value& key) {
          for (size_t j = 0; j < b.items.size(); j += 2) {
            bool matched = false;
            bool go = eval_term(b.items[j], f, [&](const Value& other) {
              if (other != key) return true;
              matched = true;
              return unify(a.items[i + 1], b.items[j + 1], f, [&] { return self(self, i + 2); });
            });
            if (matched || !go) return go;
          }
          return true;
        });
      };
      return pairs(pairs, 0);
    }
    return true;  // two unbound sides: nothing to bind them to (the compiler reports such cases as unsafe)
  }
  if (a_open) return eval_term(b, f, [&](const Value& vb) { return unify_value(a, vb, f, k); });
  return eval_term(a, f, [&](const Value& va) { return unify_value(b, va, f, k); });
}

bool Evaluator::unify_value(const ir::Term& p, const Value& v, Frame f, Next k) {
  switch (p.op) {
    case TermOp::Local: {
      if (const Value* bound = f[p.slot]) return *bound == v ? k() : true;
      f[p.slot] = &v;
      bool go = k();
      f[p.slot] = nullptr;
      return go;
    }
    case TermOp::Const: return p.value == v ? k() : true;
    case TermOp::Array:
      if (!is_open(p, f)) break;
      if (!v.is_array() || v.size() != p.items.size()) return true;
      return unify_items(p, v, 0, f, k);
    case TermOp::Object:
      if (!is_open(p, f)) break;
      if (!v.is_object() || v.size() * 2 != p.items.size()) return true;
      return unify_entries(p, v, 0, f, k);
    default: break;
  }
  return eval_term(p, f, [&](const Value& pv) { return pv == v ? k() : true; });
}

bool Evaluator::unify_items(const ir::Term& p, const Value& v, size_t i, Frame f, Next k) {
  if (i == p.items.size()) return k();
  return unify_value(p.items[i], v.items()[i], f, [&] { return unify_items(p, v, i + 1, f, k); });
}

bool Evaluator::unify_entries(const ir::Term& p, const Value& v, size_t i, Frame f, Next k) {
  if (i >= p.items.size()) return k();
  return eval_term(p.items[i], f, [&](const Value& key) {
    const Value* val = opa_object_get(v, key);  // as OPA's hash lookup: 2 does not find 2.0
    if (val == nullptr) return true;
    return unify_value(p.items[i + 1], *val, f, [&] { return unify_entries(p, v, i + 2, f, k); });
  });
}

}  // namespace tollgate::rego::eval
