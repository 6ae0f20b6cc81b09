// The top-down evaluator (rego-notes.md §5): depth-first search with
// backtracking in continuation-passing style. Every step gets "what to do
// next" (a continuation) and calls it once per solution; a continuation
// returns false to stop the search (negation, `every`, constant rules need
// only the first solution). Bindings live in the frame of the rule being
// evaluated, one pointer per slot (null = unbound); a binding points at a
// value that outlives the continuation it is made for, and is undone when
// that continuation returns, so nothing is copied to bind.
//
// One Evaluator per query; it holds the per-query state (input, base
// data, memoised rule values, `with` overrides). Errors that abort the
// query (conflicts, strict builtin errors, recursion) are thrown as
// EvalAbort.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/compiled_policy.h"
#include "rules/rego/compiler/ir.h"
#include "rules/rego/eval/function_ref.h"
#include "rules/rego/eval/join_index.h"
#include "rules/rego/eval/object_tree.h"
#include "rules/rego/eval/shared_memo.h"
#include "rules/rego/rego.h"
#include "rules/rego/trace.h"

namespace tollgate::rego::eval {

using value::Value;

using Frame = const Value**;
using Next = FunctionRef<bool()>;
using Yield = FunctionRef<bool(const Value&)>;

struct EvalAbort {
  Error error;
};

// Frame storage: small frames on the stack.
class FrameBuffer {
 public:
  explicit FrameBuffer(uint32_t size);
  Frame slots() { return slots_; }

 private:
  static constexpr uint32_t kInline = 32;
  const Value* inline_[kInline];
  std::unique_ptr<const Value*[]> heap_;
  Frame slots_;
};

class Evaluator {
 public:
  Evaluator(const CompiledPolicy& policy, const QueryOptions& options);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Runs a query body; k is called once per solution with the frame bound.
  bool run(const ir::Body& body, Frame frame, Next k, std::string_view query_text);
  // The ref to the document at data.<path> (made once: document_term()),
  // and that document.
  static ir::Term document_term(const CompiledPolicy& policy, const std::vector<Value>& path);
  std::optional<Value> document(const ir::Term& ref);
  // With strict builtin errors: the first builtin error met. As in OPA's
  // Query.Iter, the call was undefined and evaluation went on; the caller
  // reports this error with the rows found (unless the evaluation aborted).
  const std::optional<Error>& strict_builtin_error() const { return strict_builtin_error_; }

 private:
  struct DataOverride {
    const std::vector<Value>* path;
    const Value* value;
    const DataOverride* next;
  };
  struct FunctionOverride {
    const void* target;
    const Value* value;  // replacement value, or null
    const BuiltinInfo* builtin;
    const ir::RuleGroup* function;
    const FunctionOverride* next;
  };
  // By span: a call's arguments are looked up without copying them into a key.
  struct ArgsHash {
    using is_transparent = void;
    size_t operator()(std::span<const Value> args) const;
  };
  struct ArgsEqual {
    using is_transparent = void;
    bool operator()(std::span<const Value> a, std::span<const Value> b) const;
  };
  using FunctionMemo = std::unordered_map<std::vector<Value>, std::optional<Value>, ArgsHash, ArgsEqual>;
  struct GroupMemo {
    enum class State : uint8_t { Fresh, Running, Done } state = State::Fresh;
    std::optional<Value> value;
    std::unique_ptr<FunctionMemo> calls;
  };
  // Rule values of one `with` scope.
  struct Memo {
    std::vector<GroupMemo> groups;
  };
  // The root memo's storage of the thread's last evaluation, kept for the
  // next one (one query per constraint: no allocation for it per query).
  static std::vector<GroupMemo>& spare_groups();
  struct State {
    const Value* input;
    const DataOverride* data_overrides;
    const FunctionOverride* function_overrides;
    Memo* memo;
  };

  // ---- bodies and expressions (evaluator.cpp) ----
  bool eval_body(const ir::Body& body, size_t i, Frame f, Next k);
  bool eval_expr(const ir::Expr& e, Frame f, Next k);
  bool eval_positive(const ir::Expr& e, Frame f, Next k);
  bool eval_plain(const ir::Expr& e, Frame f, Next k);
  bool eval_some_in(const ir::Expr& e, Frame f, Next k);
  bool eval_every(const ir::Expr& e, Frame f, Next k);

  // ---- terms ----
  bool eval_term(const ir::Term& t, Frame f, Yield k);
  bool eval_ref(const ir::Term& t, Frame f, Yield k);
  // Walks the operands of a Ref / DataRef from position pos into v.
  bool walk(const Value& v, const ir::Term& ref, size_t pos, Frame f, Yield k);
  bool eval_composite(const ir::Term& t, Frame f, Yield k);
  // Evaluates terms[i..] into values[i..], calling k once per combination.
  bool eval_list(const std::vector<ir::Term>& terms, size_t i, Value* values, Frame f, Next k);
  bool eval_comprehension(const ir::Term& t, Frame f, Yield k);
  bool eval_comprehension_value(const ir::Term& t, Frame f, Yield k);
  // The SharedInputMemo entry of a comprehension whose value may be shared
  // here (shared_memo.cpp), else null.
  SharedInputMemo::Entry* shared_entry(const ir::Term& t, Frame f);
  // Whether the memo knows where the ref (input.<key>.<constant>...) leads.
  bool walk_shared(const ir::Term& ref) const {
    return shared_memo_ != nullptr && state_.input == &*options_.input && ref.items.size() > 2 &&
           ref.items[1].op == ir::TermOp::Const && ref.items[2].op == ir::TermOp::Const &&
           shared_memo_->is_key(ref.items[1].value);
  }
  // Where its constant operands lead (null: undefined); *pos = the first operand left.
  const Value* shared_walk(const ir::Term& ref, size_t* pos);
  bool unify(const ir::Term& a, const ir::Term& b, Frame f, Next k);
  bool unify_value(const ir::Term& pattern, const Value& v, Frame f, Next k);
  bool unify_items(const ir::Term& pattern, const Value& v, size_t i, Frame f, Next k);
  bool unify_entries(const ir::Term& pattern, const Value& v, size_t i, Frame f, Next k);
  static bool is_open(const ir::Term& t, Frame f);

  // ---- equality joins over base data (join_index.cpp) ----
  // The ref of an expression that may start an indexable join (`x := data.a[k][_]`), else null.
  static const ir::Term* join_generator(const ir::Expr& e);
  // Runs body.exprs[i..] through the index of the join the generator at i
  // starts; *handled is false when there is none (evaluate as usual).
  bool eval_join(const ir::Body& body, size_t i, Frame f, Next k, bool* handled);
  std::shared_ptr<const JoinPlan> analyse_join(const ir::Body& body, size_t i, Frame f);
  bool join_slots_fit(const JoinPlan& plan, Frame f) const;
  bool run_key_exprs(const JoinPlan& plan, size_t n, Frame f, Next k);
  std::shared_ptr<const JoinIndex> build_join_index(const ir::Expr& generator, const JoinPlan& plan, Frame f);

  // ---- the direct fast path (single.cpp) ----
  bool fast_path() const {
    return tracer_ == nullptr && state_.data_overrides == nullptr && state_.function_overrides == nullptr;
  }
  bool iterates(const ir::Term& t, Frame f) const {
    if (!t.may_iterate) return false;
    if (t.always_iterates) return iterates_walk(t, f);
    // Marked at compile time (compiler/iteration_flags.cpp): the same answer
    // as iterates_walk, from the slots it would look at.
    for (uint32_t s : t.iteration_slots) {
      if (f[s] == nullptr) return true;
    }
    return false;
  }
  // iterates() found by walking the term (one not marked, or print / a relation inside).
  bool iterates_walk(const ir::Term& t, Frame f) const;
  bool operand_iterates(const ir::Term& op, Frame f) const;
  const Value* single(const ir::Term& t, Frame f, Value& scratch);
  const Value* single_walk(const Value* v, bool owned, Value& hold, const ir::Term& ref, size_t pos, Frame f,
                           Value& scratch);
  const Value* single_call(const ir::Term& t, Frame f, Value& scratch);

  // ---- calls (calls.cpp) ----
  bool eval_call(const ir::Term& t, Frame f, Yield k);
  bool call_builtin(const BuiltinInfo& info, std::span<const Value> args, const ir::Term& at, Yield k);
  bool builtin_failed(const BuiltinInfo& info, const char* code, const char* message, const ir::Term& at);
  [[noreturn]] void out_of_memory(const BuiltinInfo& info, const ir::Term& at);
  void flush_notes(const ir::Term& at);
  bool call_mock(const FunctionOverride& o, std::span<const Value> args, const ir::Term& at, Yield k);
  void eval_print(const ir::Term& t, Frame f);
  const FunctionOverride* find_override(const void* target) const;

  // ---- rules (rules.cpp) ----
  const Value* group_value(const ir::RuleGroup& g);
  const Value* function_value(const ir::RuleGroup& g, std::span<const Value> args);
  std::optional<Value> evaluate_complete(const ir::RuleGroup& g);
  const char* complete_conflict_message(const ir::RuleGroup& g) const;
  Value evaluate_partial_set(const ir::RuleGroup& g);
  std::optional<Value> default_value(const ir::RuleGroup& g);
  std::optional<Value> evaluate_function(const ir::RuleGroup& g, std::span<const Value> args);
  // Runs the clauses of a definition (else chain: the first clause that
  // produces a value wins; on_solution sets `produced` when the clause's
  // value was defined for a solution of its body).
  bool eval_clauses(const ir::RuleDef& def, Frame f,
                    FunctionRef<bool(const ir::Clause&, bool& produced)> on_solution);
  bool guards_hold(const std::vector<ir::IndexGuard>& guards, Frame f) const;
  bool bind_args(const ir::RuleDef& def, size_t i, std::span<const Value> args, Frame f, Next k);
  Memo& memo();
  [[noreturn]] void conflict(const ir::RuleDef& def, const char* message, const ir::Clause* clause = nullptr);
  const std::vector<uint32_t>& index_order(const ir::RuleGroup& g, std::vector<uint32_t>& scratch) const;

  // ---- the data tree (data_tree.cpp) ----
  bool eval_data_ref(const ir::Term& t, Frame f, Yield k);
  bool walk_node(const ir::DataNode* node, const Value* base, const ir::Term& t, size_t pos, Frame f, Yield k);
  bool walk_node_overridden(const ir::DataNode* node, const Value* base, std::vector<Value>& path,
                            const ir::Term& t, size_t pos, Frame f, Yield k);
  // The value of a node (nullopt: undefined, e.g. a complete rule without
  // value or a function).
  std::optional<Value> node_value(const ir::DataNode& node, const Value* base);
  Value materialize(const ir::DataNode& node, const Value* base, bool include_dynamic);
  void fill(const ir::DataNode& node, const Value* base, ObjectTree& acc);
  void add_dynamic(const ir::RuleGroup& g, ObjectTree& acc);
  const Value* base_at(const std::vector<Value>& path, size_t depth) const;
  // Overrides at exactly path, and whether any lies strictly below it.
  const Value* override_at(const std::vector<Value>& path) const;
  bool overrides_below(const std::vector<Value>& path) const;
  Value apply_overrides_below(Value v, const std::vector<Value>& path) const;

  // ---- with (with.cpp) ----
  bool eval_with(const ir::Expr& e, size_t i, const Value** values, Frame f, Next k);
  bool apply_with(const ir::Expr& e, const Value** values, Frame f, Next k);

  // ---- tracing ----
  void trace(TraceOp op, std::string_view file, Location loc, std::string_view text);
  [[noreturn]] void abort(std::string code, std::string message, std::string_view file, Location loc);

  // First member: installed as the thread's budget before anything is built.
  value::EvalBudget budget_;
  const CompiledPolicy& policy_;
  const QueryOptions& options_;
  Value data_;  // base documents (object or null)
  State state_;
  Memo root_memo_;
  BuiltinContext builtin_context_;
  std::unordered_map<std::string, Value> nondeterministic_cache_;
  std::vector<std::string> trace_notes_;
  std::optional<Error> strict_builtin_error_;
  Tracer* tracer_;
  SharedInputMemo* shared_memo_ = nullptr;  // QueryOptions::shared_memo when usable
  int depth_ = 1;
  // The module of the rule being evaluated (empty in the query itself), which
  // builtin errors name as their location's file.
  std::string_view current_file_;
};

// Builds a value with `v` at `path` below `base` (objects created as needed).
Value set_path(const Value& base, std::span<const Value> path, const Value& v);

}  // namespace tollgate::rego::eval
