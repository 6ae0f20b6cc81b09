// The direct-style fast path. Most expressions of a policy give at most one
// solution once their variables are bound (comparisons, calls with bound
// arguments, `x := input.a.b`, rule references); for those, continuation
// passing costs more than the work itself. single() evaluates such a term
// directly to a pointer: to a value that outlives the evaluation (a
// constant, a bound variable, input, a memoised rule value) or to
// `scratch`, which the caller keeps alive. iterates() says when a term
// cannot take this path (a ref operand or pattern that is still unbound, a
// relation builtin, print).
#include "rules/rego/eval/collections.h"
#include "rules/rego/eval/evaluator.h"
#include "rules/rego/number.h"

namespace tollgate::rego::eval {

using ir::TermOp;

namespace {

const Value& boolean(bool b) {
  static const Value yes = Value::boolean(true);
  static const Value no = Value::boolean(false);
  return b ? yes : no;
}

}  // namespace

bool Evaluator::operand_iterates(const ir::Term& op, Frame f) const {
  if (op.op == TermOp::Local) return f[op.slot] == nullptr;
  if (is_open(op, f)) return true;
  return iterates(op, f);
}

bool Evaluator::iterates_walk(const ir::Term& t, Frame f) const {
  if (!t.may_iterate) return false;
  switch (t.op) {
    case TermOp::Const:
    case TermOp::Local:
    case TermOp::Input:
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr: return false;
    case TermOp::Ref:
      if (iterates(t.items[0], f)) return true;
      for (size_t i = 1; i < t.items.size(); ++i) {
        if (operand_iterates(t.items[i], f)) return true;
      }
      return false;
    case TermOp::DataRef:
      for (const auto& op : t.items) {
        if (operand_iterates(op, f)) return true;
      }
      return false;
    case TermOp::Call:
      if (t.call == ir::CallOp::Print) return true;
      if (t.call == ir::CallOp::Builtin && t.builtin->relation != nullptr) return true;
      for (const auto& item : t.items) {
        if (iterates(item, f)) return true;
      }
      return false;
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object:
      for (const auto& item : t.items) {
        if (iterates(item, f)) return true;
      }
      return false;
  }
  return true;
}

// Walks the remaining positions of a Ref / DataRef from *v. `hold` owns *v
// when owned is set.
const Value* Evaluator::single_walk(const Value* v, bool owned, Value& hold, const ir::Term& ref, size_t pos,
                                    Frame f, Value& scratch) {
  const bool data = ref.op == TermOp::DataRef;
  const size_t prefix = data ? ref.path.size() : 0;
  const size_t end = data ? prefix + ref.items.size() : ref.items.size();
  for (; pos < end; ++pos) {
    Value key_scratch;
    const Value* key = pos < prefix ? &ref.path[pos] : single(ref.items[pos - prefix], f, key_scratch);
    if (key == nullptr) return nullptr;
    const Value* next = data ? lookup_document(*v, *key, number_text) : lookup(*v, *key);
    if (next == nullptr) return nullptr;
    if (next == &key_scratch || owned) {
      Value kept = *next;
      hold = std::move(kept);
      v = &hold;
      owned = true;
    } else {
      v = next;
    }
  }
  if (!owned) return v;
  scratch = std::move(hold);
  return &scratch;
}

const Value* Evaluator::single(const ir::Term& t, Frame f, Value& scratch) {
  switch (t.op) {
    case TermOp::Const: return &t.value;
    case TermOp::Local: return f[t.slot];
    case TermOp::Input: return state_.input;
    case TermOp::Ref: {
      Value hold;
      if (t.items[0].op == TermOp::Input && state_.input != nullptr && walk_shared(t)) {
        size_t pos = 0;
        const Value* v = shared_walk(t, &pos);
        return v != nullptr ? single_walk(v, false, hold, t, pos, f, scratch) : nullptr;
      }
      const Value* head = single(t.items[0], f, hold);
      if (head == nullptr) return nullptr;
      return single_walk(head, head == &hold, hold, t, 1, f, scratch);
    }
    case TermOp::DataRef: {
      const ir::DataNode* node = t.node;
      size_t pos = node->path.size();
      const Value* base = base_at(t.path, pos);
      const size_t prefix = t.path.size();
      const size_t end = prefix + t.items.size();
      for (;;) {
        Value hold;
        if (node == nullptr) return base != nullptr ? single_walk(base, false, hold, t, pos, f, scratch) : nullptr;
        if (node->has_rules_here()) {
          const Value* v = nullptr;
          if (node->group != nullptr) {
            if (node->group->kind == ir::GroupKind::Function) return nullptr;
            v = group_value(*node->group);
          } else {
            v = group_value(*node->dynamic);
          }
          return v != nullptr ? single_walk(v, false, hold, t, pos, f, scratch) : nullptr;
        }
        if (pos == end) {
          scratch = materialize(*node, base, true);
          return &scratch;
        }
        Value key_scratch;
        const Value* key = pos < prefix ? &t.path[pos] : single(t.items[pos - prefix], f, key_scratch);
        if (key == nullptr) return nullptr;
        base = base != nullptr ? lookup_document(*base, *key, number_text) : nullptr;
        node = node->child(*key);
        ++pos;
      }
    }
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object: {
      std::vector<Value> values;
      values.reserve(t.items.size());
      for (const auto& item : t.items) {
        Value s;
        const Value* v = single(item, f, s);
        if (v == nullptr) return nullptr;
        values.push_back(v == &s ? std::move(s) : *v);
      }
      if (t.op == TermOp::Array) {
        scratch = Value::array(std::move(values));
      } else if (t.op == TermOp::Set) {
        scratch = Value::set(std::move(values));
      } else {
        std::vector<Value::Entry> entries;
        entries.reserve(values.size() / 2);
        for (size_t i = 0; i + 1 < values.size(); i += 2) entries.emplace_back(values[i], values[i + 1]);
        scratch = Value::object(std::move(entries));
      }
      return &scratch;
    }
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr:
      eval_comprehension(t, f, [&](const Value& v) {
        scratch = v;
        return false;
      });
      return &scratch;
    case TermOp::Call: return single_call(t, f, scratch);
  }
  return nullptr;
}

const Value* Evaluator::single_call(const ir::Term& t, Frame f, Value& scratch) {
  switch (t.call) {
    case ir::CallOp::Equal:
    case ir::CallOp::Neq:
    case ir::CallOp::Lt:
    case ir::CallOp::Lte:
    case ir::CallOp::Gt:
    case ir::CallOp::Gte: {
      Value sa;
      Value sb;
      const Value* a = single(t.items[0], f, sa);
      if (a == nullptr) return nullptr;
      const Value* b = single(t.items[1], f, sb);
      if (b == nullptr) return nullptr;
      int c = value::compare(*a, *b);
      switch (t.call) {
        case ir::CallOp::Equal: return &boolean(c == 0);
        case ir::CallOp::Neq: return &boolean(c != 0);
        case ir::CallOp::Lt: return &boolean(c < 0);
        case ir::CallOp::Lte: return &boolean(c <= 0);
        case ir::CallOp::Gt: return &boolean(c > 0);
        default: return &boolean(c >= 0);
      }
    }
    default: break;
  }
  const size_t n = t.items.size();
  constexpr size_t kInline = 6;
  Value inline_args[kInline];
  std::vector<Value> heap;
  Value* args = inline_args;
  if (n > kInline) {
    heap.resize(n);
    args = heap.data();
  }
  for (size_t i = 0; i < n; ++i) {
    const Value* v = single(t.items[i], f, args[i]);
    if (v == nullptr) return nullptr;
    if (v != &args[i]) args[i] = *v;
  }
  std::span<const Value> span(args, n);
  if (t.call == ir::CallOp::Function) return function_value(*t.function, span);
  const Value* out = nullptr;
  call_builtin(*t.builtin, span, t, [&](const Value& v) {
    scratch = v;
    out = &scratch;
    return false;
  });
  return out;
}

}  // namespace tollgate::rego::eval
