// Internals shared by the parser and the macro expander: the node factory
// (ids and positions) and the macro table. The public entry point is
// cel::parse in ast.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/cel/ast.h"
#include "rules/cel/lexer.h"

namespace tollgate::cel {

// The accumulator variable of every macro comprehension (cel-go's name).
inline constexpr std::string_view kAccumulatorName = "@result";
// The iteration variable of the empty-range comprehension optMap/optFlatMap
// use to bind their variable (cel-go's name).
inline constexpr std::string_view kUnusedIterVar = "#unused";

// Creates nodes with ids in creation order, all carrying a source position.
class ExprFactory {
 public:
  template <class Kind>
  ExprPtr make(const SourcePosition& at, Kind kind) {
    auto e = std::make_unique<Expr>();
    e->id = ++last_id_;
    e->line = at.line;
    e->column = at.column;
    e->offset = at.offset;
    e->kind = std::move(kind);
    return e;
  }

  ExprPtr literal(const SourcePosition& at, value::Value v) { return make(at, ConstExpr{std::move(v)}); }
  ExprPtr ident(const SourcePosition& at, std::string name) { return make(at, IdentExpr{std::move(name), false}); }
  ExprPtr accumulator(const SourcePosition& at) { return ident(at, std::string(kAccumulatorName)); }
  ExprPtr global_call(const SourcePosition& at, std::string function, std::vector<ExprPtr> args);
  ExprPtr member_call(const SourcePosition& at, std::string function, ExprPtr target, std::vector<ExprPtr> args);
  ExprPtr list(const SourcePosition& at, std::vector<ExprPtr> elements);
  // A deep copy with fresh ids (cel-go's ExprHelper.Copy).
  ExprPtr copy(const Expr& e);

 private:
  int64_t last_id_ = 0;
};

// Convenience for building argument lists of move-only pointers.
template <class... Ptrs>
std::vector<ExprPtr> expr_list(Ptrs&&... ptrs) {
  std::vector<ExprPtr> out;
  out.reserve(sizeof...(Ptrs));
  (out.push_back(std::forward<Ptrs>(ptrs)), ...);
  return out;
}

struct MacroError {
  std::string message;
  SourcePosition position;
};

enum class MacroOutcome {
  NotAMacro,  // name/arity/call style match no macro: target and args are untouched
  Expanded,   // *expansion holds the result; target and args were consumed
  Failed,     // a macro was recognised but misused; *error is set
};

// Expands `function(args)` (target null) or `target.function(args)` when the
// name, the call style and the argument count name a macro, like cel-go's
// parser does. `at` is the position of the call (its '(' token), which every
// generated node receives. Optional macros (optMap, optFlatMap) are only
// recognised when `optional_macros` is set.
MacroOutcome expand_macro(ExprFactory& factory, const SourcePosition& at, std::string_view function, ExprPtr& target,
                          std::vector<ExprPtr>& args, bool optional_macros, ExprPtr* expansion, MacroError* error);

}  // namespace tollgate::cel
