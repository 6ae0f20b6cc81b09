// Calls: comparisons inline, builtins through the registry's function
// pointers, user functions through the rule evaluator, and `with`
// replacements of either (rego-notes.md §5 "with", §6).
#include <exception>
#include <new>
#include <stdexcept>

#include "rules/rego/eval/evaluator.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego::eval {

namespace {

const Value& boolean(bool b) {
  static const Value yes = Value::boolean(true);
  static const Value no = Value::boolean(false);
  return b ? yes : no;
}

// OPA prefixes builtin errors with the builtin's name.
std::string prefixed(const std::string& name, const char* message) {
  std::string m = message;
  if (m.rfind(name + ":", 0) == 0) return m;
  return name + ": " + m;
}

}  // namespace

const Evaluator::FunctionOverride* Evaluator::find_override(const void* target) const {
  for (const FunctionOverride* o = state_.function_overrides; o != nullptr; o = o->next) {
    if (o->target == target) return o;
  }
  return nullptr;
}

bool Evaluator::eval_call(const ir::Term& t, Frame f, Yield k) {
  const size_t n = t.items.size();
  constexpr size_t kInline = 6;
  Value inline_args[kInline];
  std::vector<Value> heap;
  Value* args = inline_args;
  if (n > kInline) {
    heap.resize(n);
    args = heap.data();
  }
  if (state_.function_overrides != nullptr) {
    const void* target = t.call == ir::CallOp::Function ? static_cast<const void*>(t.function)
                                                         : static_cast<const void*>(t.builtin);
    if (target != nullptr) {
      if (const FunctionOverride* o = find_override(target)) {
        return eval_list(t.items, 0, args, f, [&] { return call_mock(*o, std::span<const Value>(args, n), t, k); });
      }
    }
  }
  switch (t.call) {
    case ir::CallOp::Equal:
    case ir::CallOp::Neq:
    case ir::CallOp::Lt:
    case ir::CallOp::Lte:
    case ir::CallOp::Gt:
    case ir::CallOp::Gte:
    {
      // An unbound variable on the left may be bound by a ref on the right (`x == a[x]`).
      const bool swap = t.items[0].op == ir::TermOp::Local && f[t.items[0].slot] == nullptr;
      const ir::Term& first = swap ? t.items[1] : t.items[0];
      const ir::Term& second = swap ? t.items[0] : t.items[1];
      return eval_term(first, f, [&](const Value& x) {
        return eval_term(second, f, [&](const Value& y) {
          int c = swap ? value::compare(y, x) : value::compare(x, y);
          bool r = false;
          switch (t.call) {
            case ir::CallOp::Equal: r = c == 0; break;
            case ir::CallOp::Neq: r = c != 0; break;
            case ir::CallOp::Lt: r = c < 0; break;
            case ir::CallOp::Lte: r = c <= 0; break;
            case ir::CallOp::Gt: r = c > 0; break;
            default: r = c >= 0; break;
          }
          return k(boolean(r));
        });
      });
    }
    case ir::CallOp::Builtin:
      return eval_list(t.items, 0, args, f,
                       [&] { return call_builtin(*t.builtin, std::span<const Value>(args, n), t, k); });
    case ir::CallOp::Function:
      return eval_list(t.items, 0, args, f, [&] {
        const Value* r = function_value(*t.function, std::span<const Value>(args, n));
        return r != nullptr ? k(*r) : true;
      });
    case ir::CallOp::Print:
      eval_print(t, f);
      return k(boolean(true));
  }
  return true;
}

bool Evaluator::call_builtin(const BuiltinInfo& info, std::span<const Value> args, const ir::Term& at, Yield k) {
  if (!info.refused.empty()) abort("eval_builtin_error", prefixed(info.name, info.refused.c_str()), current_file_, at.loc);
  budget_.step();
  if (info.function != nullptr) {
    std::optional<Value> result;
    try {
      result = info.function(args, builtin_context_);
    } catch (const BuiltinError& e) {
      return builtin_failed(info, e.code_name(), e.what(), at);
    } catch (const std::bad_alloc&) {
      out_of_memory(info, at);
    } catch (const std::length_error&) {
      out_of_memory(info, at);
    } catch (const std::exception& e) {
      return builtin_failed(info, "eval_builtin_error", e.what(), at);
    }
    if (!trace_notes_.empty()) flush_notes(at);
    return result ? k(*result) : true;
  }
  std::vector<Value> results;
  try {
    info.relation(args, builtin_context_, [&](const Value& v) {
      budget_.step();
      budget_.charge(sizeof(Value));
      results.push_back(v);
      return true;
    });
  } catch (const BuiltinError& e) {
    return builtin_failed(info, e.code_name(), e.what(), at);
  } catch (const std::bad_alloc&) {
    out_of_memory(info, at);
  } catch (const std::length_error&) {
    out_of_memory(info, at);
  } catch (const std::exception& e) {
    return builtin_failed(info, "eval_builtin_error", e.what(), at);
  }
  for (const auto& v : results) {
    if (!k(v)) return false;
  }
  return true;
}

// Running out of memory is no builtin error that leaves the expression
// undefined (which could let a request through): it ends the evaluation.
void Evaluator::out_of_memory(const BuiltinInfo& info, const ir::Term& at) {
  abort("eval_builtin_error", prefixed(info.name, "out of memory"), current_file_, at.loc);
}

bool Evaluator::builtin_failed(const BuiltinInfo& info, const char* code, const char* message, const ir::Term& at) {
  // The expression is undefined and evaluation goes on (OPA's evalBuiltin
  // collects the error); strict mode reports the first one at the end.
  if (options_.strict_builtin_errors && !strict_builtin_error_) {
    strict_builtin_error_ = Error{code, prefixed(info.name, message), std::string(current_file_), at.loc};
  }
  return true;
}

void Evaluator::flush_notes(const ir::Term& at) {
  for (const auto& note : trace_notes_) trace(TraceOp::Note, "", at.loc, note);
  trace_notes_.clear();
}

bool Evaluator::call_mock(const FunctionOverride& o, std::span<const Value> args, const ir::Term& at, Yield k) {
  if (o.value != nullptr) return k(*o.value);
  if (o.builtin != nullptr) {
    if (static_cast<size_t>(o.builtin->arity) != args.size()) return true;
    return call_builtin(*o.builtin, args, at, k);
  }
  if (o.function == nullptr || o.function->arity != args.size()) return true;
  // A replacement function runs without the replacements in force (it may
  // call the original), and so with rule values of its own.
  State saved = state_;
  Memo memo;
  state_.function_overrides = nullptr;
  state_.memo = &memo;
  std::optional<Value> r;
  if (const Value* v = function_value(*o.function, args)) r = *v;
  state_ = saved;
  return r ? k(*r) : true;
}

void Evaluator::eval_print(const ir::Term& t, Frame f) {
  std::string line;
  for (size_t i = 0; i < t.items.size(); ++i) {
    if (i > 0) line += ' ';
    bool any = false;
    eval_term(t.items[i], f, [&](const Value& v) {
      any = true;
      if (v.is_string()) {
        line += v.as_string();
      } else {
        line += rego_text(v);
      }
      return false;
    });
    if (!any) line += "<undefined>";
  }
  if (tracer_ != nullptr) tracer_->print(line);
}

}  // namespace tollgate::rego::eval
