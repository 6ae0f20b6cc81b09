// The Rego abstract syntax tree, as the parser produces it and the compiler
// consumes it (rego-notes.md §2). Plain value types: a compiler pass copies
// and rewrites freely; evaluation never sees this tree, only the compiled
// form built from it.
//
// Infix operators are already calls here, named as OPA names them:
//   ==  equal      !=  neq      <  lt      <=  lte     >  gt     >=  gte
//   +   plus       -   minus    *  mul     /   div     %  rem
//   |   or         &   and      x in c  internal.member_2   k, v in c  internal.member_3
// and unary minus on a non-literal is minus(0, x).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego {

using value::Value;

enum class RegoVersion { V0, V1 };

struct Location {
  uint32_t line = 0;    // 1-based; 0 = unknown
  uint32_t column = 0;  // 1-based, in bytes
};

struct Query;

enum class TermKind {
  Scalar,       // null, boolean, number, string: `value`
  Var,          // `name`; "_" is the wildcard (each occurrence fresh)
  Ref,          // items[0] = head (a Var, or any term such as a call or array), items[1..] = operands;
                // `.name` operands are String scalars
  Array,        // items
  Set,          // items
  Object,       // entries
  ArrayCompr,   // items[0] = term, body
  SetCompr,     // items[0] = term, body
  ObjectCompr,  // items[0] = key, items[1] = value, body
  Call,         // items[0] = operator (Var, or Ref of Var + string operands: regex.match, data.lib.f),
                // items[1..] = arguments
};

struct Term {
  TermKind kind = TermKind::Scalar;
  Location loc;
  Value value;                                 // Scalar
  std::string name;                            // Var
  std::vector<Term> items;                     // Ref, Array, Set, comprehensions, Call
  std::vector<std::pair<Term, Term>> entries;  // Object
  std::shared_ptr<Query> body;                 // comprehensions

  // The destructor is out of line: defined here, Term's implicit destructor
  // instantiates std::pair<Term, Term> while Term is still being completed,
  // which clang (with libstdc++ 12) rejects as an incomplete type.
  Term() = default;
  Term(const Term&) = default;
  Term(Term&&) noexcept = default;
  Term& operator=(const Term&) = default;
  Term& operator=(Term&&) noexcept = default;
  ~Term();

  static Term scalar(Value v, Location loc = {}) {
    Term t; t.kind = TermKind::Scalar; t.value = std::move(v); t.loc = loc; return t;
  }
  static Term var(std::string n, Location loc = {}) {
    Term t; t.kind = TermKind::Var; t.name = std::move(n); t.loc = loc; return t;
  }
  bool is_var() const { return kind == TermKind::Var; }
  bool is_wildcard() const { return kind == TermKind::Var && name == "_"; }
};

// `with <target> as <value>`; target is a Var (input, data, a function or
// builtin name) or a Ref of one.
struct With {
  Term target;
  Term value;
  Location loc;
};

enum class ExprKind {
  Term,      // terms[0]; succeeds when defined and not false (a Call term is a builtin/function call)
  Unify,     // terms[0] = terms[1]
  Assign,    // terms[0] := terms[1]
  SomeDecl,  // some x, y: terms are the Vars
  SomeIn,    // some [key,] value in collection: terms = [value, collection] or [key, value, collection]
  Every,     // every [key,] value in domain { body }: terms = [value, domain] or [key, value, domain]
};

struct Expr {
  ExprKind kind = ExprKind::Term;
  Location loc;
  bool negated = false;          // `not`
  std::vector<Term> terms;
  std::vector<With> with;
  std::shared_ptr<Query> body;   // Every
};

struct Query {
  std::vector<Expr> exprs;
  Location loc;
};

enum class RuleKind {
  Complete,       // p = v { }, p { }, p := v, ref heads a.b.c := v
  PartialSet,     // p[x] { } (v0), p contains x if { }
  PartialObject,  // p[k] = v { }, p[k] := v if { } (also v1 `p[k] if { }` with value true)
  Function,       // f(a, b) = v { }
};

struct ElseClause {
  std::optional<Term> value;  // absent: true
  Query body;
  Location loc;
};

struct Rule {
  RuleKind kind = RuleKind::Complete;
  Location loc;
  bool is_default = false;
  // The rule's path below the package: a Var (p) or a Ref whose head is a Var
  // and whose operands are terms (ref heads: a.b.c, p[x].y).
  Term ref;
  std::vector<Term> args;          // Function
  std::optional<Term> key;         // PartialSet element / PartialObject key (the last ref operand for ref heads)
  std::optional<Term> value;       // absent: true (or the set member for PartialSet)
  bool assign = false;             // head used :=
  Query body;                      // empty: always true
  std::vector<ElseClause> else_chain;
  // The v0 form `p { a } { b }` is parsed into two Rules with the same head.
};

struct Import {
  Term path;          // Ref rooted at data or input, or future.keywords..., rego.v1
  std::string alias;  // empty when none
  Location loc;
};

// A `# METADATA` comment block (OPA's annotations, parsed by the compiler
// only when a rule calls rego.metadata.*): where the METADATA comment is and
// the YAML of the comment lines that follow it (column 1, consecutive lines,
// each without its `#` and one leading space, newline-terminated).
struct MetadataBlock {
  Location loc;
  std::string yaml;
};

struct Module {
  std::string file;
  RegoVersion version = RegoVersion::V1;  // the syntax the module was parsed with
  std::vector<std::string> package;       // path below data: `package a.b` -> {"a", "b"}
  Location package_loc;
  std::vector<Import> imports;
  std::vector<Rule> rules;
  std::vector<MetadataBlock> metadata;    // in source order
};

// A compile- or parse-time error, or an evaluation error, in OPA's terms.
struct Error {
  std::string code;     // rego_parse_error, rego_compile_error, rego_type_error, rego_unsafe_var_error,
                        // rego_recursion_error, eval_conflict_error, eval_type_error, eval_builtin_error, ...
  std::string message;
  std::string file;
  Location loc;
  // "file:line:col: code: message" (parts that are unknown are omitted).
  std::string to_string() const;
  // As OPA's Error() prints it: "file:line: code: message" (no column when
  // there is a file; "line:col: ..." when there is none), what `opa eval`
  // and Gatekeeper show for evaluation errors.
  std::string opa_text() const;
};

}  // namespace tollgate::rego
