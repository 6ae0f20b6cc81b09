// The compiled form of Rego that the evaluator runs (rego-notes.md §5).
//
// Everything a query needs at evaluation time is resolved here, once:
// variables are slot indexes into the frame of the rule (or query) being
// evaluated, builtins are BuiltinInfo pointers, references to rules are
// RuleGroup / DataNode pointers, and ground terms are precomputed Values.
// Bodies are already reordered for safety. The IR is immutable after
// compilation and shared by every thread evaluating the policy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/builtins/builtin.h"
#include "rules/value/value.h"

namespace tollgate::rego::ir {

struct Body;
struct RuleGroup;
struct DataNode;

enum class TermOp : uint8_t {
  Const,        // value
  Local,        // slot
  Input,        // the input document
  Ref,          // items[0] = head term, items[1..] = operands
  DataRef,      // data.<path> then items as further operands; node = tree node the constant path reaches
  Array,        // items
  Set,          // items
  Object,       // items = key0, value0, key1, value1, ...
  ArrayCompr,   // items[0] = head, body
  SetCompr,     // items[0] = head, body
  ObjectCompr,  // items[0] = key, items[1] = value, body
  Call,         // items = arguments; call says what is called
};

enum class CallOp : uint8_t {
  Equal, Neq, Lt, Lte, Gt, Gte,  // total comparisons, evaluated inline
  Builtin,                       // builtin (function or relation)
  Function,                      // user-defined function (RuleGroup of kind Function)
  Print,                         // print(...): any number of arguments
};

struct Term {
  TermOp op = TermOp::Const;
  CallOp call = CallOp::Builtin;
  uint32_t slot = 0;                       // Local
  Location loc;
  value::Value value;                      // Const
  std::vector<Term> items;
  std::shared_ptr<Body> body;              // comprehensions
  const BuiltinInfo* builtin = nullptr;    // Call Builtin
  const RuleGroup* function = nullptr;     // Call Function
  const DataNode* node = nullptr;          // DataRef: deepest rule-tree node on the constant path (null: base data only)
  std::vector<value::Value> path;          // DataRef: constant keys below data
  std::string name;                        // Local: variable name; Call: function name (errors, traces)
  // Slots at pattern positions (the term itself, or inside array/object
  // literal values): unification may bind them.
  std::vector<uint32_t> pattern_slots;
  // Whether evaluating the term may iterate, depending on what is bound
  // (a ref operand that is not a constant, a relation builtin, print);
  // false lets the evaluator take its direct path without looking.
  bool may_iterate = true;
  // When may_iterate: whether it iterates whatever is bound (print, a
  // relation builtin), else the slots whose being unbound makes it iterate
  // (ref operands, their patterns), so that the evaluator's check is one
  // loop over them. True until compiler::mark_iteration computed both: a
  // term never marked takes the general path.
  bool always_iterates = true;
  std::vector<uint32_t> iteration_slots;

  bool is_const() const { return op == TermOp::Const; }
};

enum class ExprOp : uint8_t {
  Term,    // terms[0] is defined and not false
  Unify,   // terms[0] = terms[1] (also :=)
  SomeIn,  // some [key,] value in coll: terms = [key, value, coll] (key absent: has_key = false, terms[0] unused)
  Every,   // every [key,] value in domain { body }: terms as SomeIn
  True,    // `some x` declarations: nothing to do
};

struct WithClause {
  enum class Kind : uint8_t { Input, Data, Function };
  Kind kind = Kind::Input;
  std::vector<value::Value> path;                 // Input / Data: keys below input / data
  const void* target = nullptr;                   // Function: the BuiltinInfo or RuleGroup replaced
  Term value;                                     // replacement value (when no replacement function)
  const BuiltinInfo* replacement_builtin = nullptr;
  const RuleGroup* replacement_function = nullptr;
  Location loc;
};

struct Expr {
  ExprOp op = ExprOp::Term;
  bool negated = false;
  bool has_key = false;                // SomeIn / Every
  std::vector<Term> terms;
  std::vector<WithClause> with;
  std::shared_ptr<Body> body;          // Every
  Location loc;
  std::string_view file;
  std::string text;                    // Rego text for traces
};

struct Body {
  std::vector<Expr> exprs;
  // Slots of enclosing scopes referenced inside (comprehension/every closures).
  std::vector<uint32_t> captured;
  Location loc;
};

// A condition OPA's rule index checks before it evaluates a clause at all
// (see index_guards.h): input.<path> is defined (and equals `equals` when
// set), or the function argument bound in `slot` equals `equals`.
struct IndexGuard {
  bool on_input = true;
  std::vector<value::Value> path;        // on_input: keys below input
  uint32_t slot = 0;                     // !on_input: the argument's slot
  uint32_t arg = 0;                      // !on_input: the argument's position
  std::optional<value::Value> equals;
  Location loc;                          // where the ref is written (orders the index)
};

// One body of a rule (the main one or an `else`) and the value it gives.
struct Clause {
  Body body;
  std::optional<Term> value;  // absent: the set member (PartialSet) is the key; otherwise true
  Location loc;
  std::vector<IndexGuard> guards;  // a clause whose guard fails is not evaluated
  uint32_t rank = 0;               // its place in the group's index order (RuleGroup::order)
};

struct RuleDef {
  std::vector<Term> args;      // Function: argument patterns
  std::vector<Term> keys;      // PartialSet: [member]; Dynamic: the object keys below the group's node
  bool set_leaf = false;       // Dynamic: `p[x].y contains z` (the last key is a set member)
  std::vector<Clause> clauses; // main body, then the else chain
  uint32_t frame_size = 0;
  std::string_view file;
  Location loc;
  std::string head_text;       // for traces
  // Constant value of every clause when all are constants (early exit: later solutions cannot differ).
  std::optional<value::Value> constant_value;
};

enum class GroupKind : uint8_t {
  Complete,    // single value at the node
  PartialSet,  // multi-value (set) at the node
  Dynamic,     // object entries below the node whose keys are computed (partial objects, general ref heads)
  Function,
};

struct RuleGroup {
  GroupKind kind = GroupKind::Complete;
  uint32_t id = 0;                       // index into per-query memo tables
  std::vector<value::Value> path;        // below data
  std::string name;                      // data.a.b.p
  const DataNode* node = nullptr;        // where the group lives in the rule tree
  std::vector<RuleDef> defs;
  std::optional<value::Value> default_value;
  // A default value that must be computed (`default p := [x | data.a[_] = x]`), in a frame of its own.
  std::optional<Term> default_term;
  uint32_t default_frame_size = 0;
  size_t arity = 0;                      // Function
  // Function index on the first argument: definitions whose first argument
  // is a constant, by that constant, and the rest (all in definition order).
  bool indexed = false;
  std::vector<std::pair<value::Value, std::vector<uint32_t>>> index_by_first_arg;  // sorted by value
  std::vector<uint32_t> unindexed;
  // The order OPA's rule index returns the definitions in (see
  // index_guards.h): the definitions, and each one's place in that order.
  std::vector<uint32_t> order;
  std::vector<uint32_t> position;
  // A definition whose first clause may be skipped by the index and that
  // has an else: its place is its first remaining clause's (decided when
  // the group is evaluated).
  bool dynamic_order = false;
};

// The rule tree: packages and rule paths. A node is a package, an
// intermediate ref-head segment, or the home of rules.
struct DataNode {
  value::Value key;                                      // the segment leading here (root: null)
  std::vector<value::Value> path;                        // below data
  std::vector<std::unique_ptr<DataNode>> children;       // sorted by key
  RuleGroup* group = nullptr;                            // Complete / PartialSet / Function rules at this node
  RuleGroup* dynamic = nullptr;                          // Dynamic rules anchored at this node
  bool is_package = false;

  const DataNode* child(const value::Value& k) const;
  DataNode* child(const value::Value& k);
  DataNode& ensure_child(const value::Value& k);
  // The node has rules (directly or dynamic) that make its value computed as a whole.
  bool has_rules_here() const { return group != nullptr || dynamic != nullptr; }
};

}  // namespace tollgate::rego::ir
