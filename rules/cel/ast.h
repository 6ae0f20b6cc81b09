// The CEL abstract syntax tree, as the parser produces it (macros already
// expanded into comprehensions, like cel-go) and the planner consumes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::cel {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// Literal. Holds Null, Bool, Int, Uint, Double, String or Bytes values.
struct ConstExpr {
  value::Value value;
};

// A plain name, possibly dotted after container resolution is deferred to the
// planner. `a.b.c` parses as Select(Select(Ident a, b), c); the planner tries
// qualified names first (as cel-go does). A leading '.' sets root_scope.
struct IdentExpr {
  std::string name;
  bool root_scope = false;  // `.name`
};

// operand.field, or has(operand.field) when test_only; operand.?field when optional.
struct SelectExpr {
  ExprPtr operand;
  std::string field;
  bool test_only = false;
  bool optional = false;
};

// Function call. Operators use cel-go's internal names:
//   _+_ _-_ _*_ _/_ _%_ -_ !_ _==_ _!=_ _<_ _<=_ _>_ _>=_ @in _&&_ _||_ _?_:_
//   _[_] (index), _[?_] (optional index), @not_strictly_false (macro loops)
// `target` is set for receiver-style calls: x.startsWith(y).
struct CallExpr {
  std::string function;
  ExprPtr target;  // null for global calls
  std::vector<ExprPtr> args;
};

// [a, b, ?c]
struct ListExpr {
  std::vector<ExprPtr> elements;
  std::vector<size_t> optional_indices;  // indices of elements written `?e`
};

// {k: v, ?k2: v2}
struct MapEntry {
  ExprPtr key;
  ExprPtr value;
  bool optional = false;
};
struct MapExpr {
  std::vector<MapEntry> entries;
};

// TypeName{field: v, ?field2: v2}
struct StructField {
  std::string name;
  ExprPtr value;
  bool optional = false;
};
struct StructExpr {
  std::string type_name;
  std::vector<StructField> fields;
};

// Macro expansion target (cel-go's Comprehension). iter_var2 is non-empty for
// the two-variable forms (index/key first, value second).
struct ComprehensionExpr {
  std::string iter_var;
  std::string iter_var2;
  ExprPtr iter_range;
  std::string accu_var;  // "@result" in cel-go's expansions
  ExprPtr accu_init;
  ExprPtr loop_condition;
  ExprPtr loop_step;
  ExprPtr result;
};

struct Expr {
  int64_t id = 0;     // unique within one parse, in creation order
  int32_t line = 0;   // 1-based
  int32_t column = 0; // 1-based, in code points
  int32_t offset = 0; // byte offset into the source
  std::variant<ConstExpr, IdentExpr, SelectExpr, CallExpr, ListExpr, MapExpr, StructExpr, ComprehensionExpr> kind;
};

struct ParseError {
  std::string message;  // e.g. "Syntax error: mismatched input ')' expecting ..."
  int line = 0;
  int column = 0;
};

struct ParseOptions {
  bool enable_optional_syntax = true;  // a.?b, a[?b], [?x], {?k: v}
  // Backtick-quoted field names: a.`b-c`, has(a.`b.c`), Msg{`in`: 1}
  // (cel-go's EnableIdentEscapeSyntax; off in Kubernetes).
  bool enable_quoted_identifiers = false;
  int max_recursion_depth = 250;
  size_t max_expression_size = 100'000;  // code points
};

struct ParseResult {
  ExprPtr expr;
  std::vector<ParseError> errors;  // non-empty on failure
  bool ok() const { return expr != nullptr && errors.empty(); }
};

// Parses and expands macros: has, all, exists, exists_one/existsOne, map (2 and
// 3 args), filter, and the two-variable forms all/exists/existsOne/
// transformList/transformMap/transformMapEntry, and optMap/optFlatMap.
ParseResult parse(std::string_view source, const ParseOptions& options = {});

// A compact, deterministic rendering for tests and error messages.
std::string debug_string(const Expr& e);

}  // namespace tollgate::cel
