// Which comprehensions a SharedInputMemo may share, and the lookup the
// evaluator makes before it evaluates one.
#include "rules/rego/eval/shared_memo.h"

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/eval/collections.h"
#include "rules/rego/eval/evaluator.h"

namespace tollgate::rego {

using ir::TermOp;
using value::Value;

namespace {

bool shareable_term(const ir::Term& t, const Value& key, std::vector<uint32_t>& slots);

bool shareable_body(const ir::Body& body, const Value& key, std::vector<uint32_t>& slots) {
  for (const ir::Expr& e : body.exprs) {
    if (!e.with.empty()) return false;
    for (const ir::Term& t : e.terms) {
      if (!shareable_term(t, key, slots)) return false;
    }
    if (e.body != nullptr && !shareable_body(*e.body, key, slots)) return false;
  }
  return true;
}

// Whether the term reads nothing but constants, locals (recorded in
// `slots`) and input.<key>..., and calls only deterministic builtins.
bool shareable_term(const ir::Term& t, const Value& key, std::vector<uint32_t>& slots) {
  switch (t.op) {
    case TermOp::Const: return true;
    case TermOp::Local: slots.push_back(t.slot); return true;
    case TermOp::Input: return false;  // the whole input: parameters too
    case TermOp::DataRef: return false;  // rules may read any of input
    case TermOp::Ref: {
      size_t first = 0;
      if (t.items[0].op == TermOp::Input) {
        if (t.items.size() < 2 || t.items[1].op != TermOp::Const || t.items[1].value != key) return false;
        first = 2;
      }
      for (size_t i = first; i < t.items.size(); ++i) {
        if (!shareable_term(t.items[i], key, slots)) return false;
      }
      return true;
    }
    case TermOp::Call:
      if (t.call == ir::CallOp::Function || t.call == ir::CallOp::Print) return false;
      if (t.call == ir::CallOp::Builtin &&
          (t.builtin == nullptr || t.builtin->nondeterministic || !t.builtin->refused.empty())) {
        return false;
      }
      break;
    case TermOp::Array:
    case TermOp::Set:
    case TermOp::Object: break;
    case TermOp::ArrayCompr:
    case TermOp::SetCompr:
    case TermOp::ObjectCompr:
      if (t.body == nullptr || !shareable_body(*t.body, key, slots)) return false;
      break;
  }
  for (const ir::Term& item : t.items) {
    if (!shareable_term(item, key, slots)) return false;
  }
  return true;
}

}  // namespace

bool SharedInputMemo::bind(const Value& input) {
  const Value* member = input.is_object() ? eval::find_string_key(input, key_text_) : nullptr;
  if (member == nullptr || !member->is_object()) {
    entries_.clear();
    walks_.clear();
    member_ = Value();
    member_node_ = nullptr;
    return false;
  }
  // Values are immutable: the same node is the same value.
  const void* node = &member->entries();
  if (node != member_node_) {
    entries_.clear();
    walks_.clear();
    member_ = *member;
    member_node_ = node;
  }
  return true;
}

namespace eval {

SharedInputMemo::Entry* Evaluator::shared_entry(const ir::Term& t, Frame f) {
  // Not under `with` (input or data replaced, functions mocked).
  if (shared_memo_ == nullptr || !fast_path() || state_.input != &*options_.input) return nullptr;
  auto [it, added] = shared_memo_->entries_.try_emplace(&t);
  SharedInputMemo::Entry& entry = it->second;
  if (added) entry.shareable = shareable_term(t, shared_memo_->key_, entry.slots);
  if (!entry.shareable) return nullptr;
  // A local bound on entry comes from the enclosing rule: the value depends on it.
  for (uint32_t s : entry.slots) {
    if (f[s] != nullptr) return nullptr;
  }
  return &entry;
}

const Value* Evaluator::shared_walk(const ir::Term& ref, size_t* pos) {
  auto [it, added] = shared_memo_->walks_.try_emplace(&ref, SharedInputMemo::Walk{1, state_.input});
  SharedInputMemo::Walk& w = it->second;
  if (added) {
    while (w.end < ref.items.size() && ref.items[w.end].op == TermOp::Const && w.value != nullptr) {
      w.value = lookup(*w.value, ref.items[w.end].value);
      ++w.end;
    }
  }
  *pos = w.end;
  return w.value;
}

}  // namespace eval

}  // namespace tollgate::rego
