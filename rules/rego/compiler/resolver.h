// Name resolution: AST terms, expressions and bodies -> IR, with every
// variable turned into a frame slot, every reference to input / data /
// imports / rules of the package into an Input ref or a DataRef, every call
// into a builtin or user function, and ground composites folded into
// constants. Expressions stay in source order here; safety.h reorders them.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/compiled_policy.h"
#include "rules/rego/compiler/ir.h"
#include "rules/rego/compiler/scope.h"

namespace tollgate::rego::compiler {

// What an import alias stands for: input.<keys> or data.<keys>.
struct ImportTarget {
  bool input = false;
  std::vector<value::Value> keys;
};

// The names visible in one module (or, with no package, in a query).
struct ModuleNames {
  std::vector<value::Value> package;  // empty for queries
  std::map<std::string, ImportTarget> imports;
  const std::set<std::string>* rules = nullptr;  // bare rule names of the package
  RegoVersion version = RegoVersion::V1;
  std::string_view file;
};

class Resolver {
 public:
  Resolver(const CompiledPolicy& policy, const ModuleNames& names, const std::set<std::string>& package_roots,
           std::vector<Error>& errors)
      : policy_(policy), names_(names), package_roots_(package_roots), errors_(errors) {}

  // A body in scope (its occurring names are recorded first); extra terms
  // (a comprehension's head) belong to the same scope.
  ir::Body body(const Query& query, Scope& scope, const std::vector<const Term*>& extra = {});
  ir::Term term(const Term& t, Scope& scope);
  // A pattern whose variables are declared in scope (function arguments,
  // `:=` targets, `some ... in` / `every` variables). strict: redeclaring a
  // name of this scope is an error.
  ir::Term declare_pattern(const Term& t, Scope& scope, bool strict);
  // Records the names a term uses in scope (outside nested closures).
  void note_occurrences(const Term& t, Scope& scope);

 private:
  struct CallTarget {
    ir::CallOp op = ir::CallOp::Builtin;
    const BuiltinInfo* builtin = nullptr;
    const ir::RuleGroup* function = nullptr;
    size_t arity = 0;
    bool variadic = false;
    std::string name;
  };
  struct Root {
    enum class Kind { None, Local, Input, Data } kind = Kind::None;
    uint32_t slot = 0;
    std::vector<value::Value> keys;
  };

  std::optional<ir::Expr> expr(const Expr& e, Scope& scope);
  ir::WithClause with(const With& w, Scope& scope);
  void note_occurrences(const Query& q, Scope& scope, const std::vector<const Term*>& extra);

  // Local variable lookups (declared anywhere outward, or implicit that an
  // enclosing body uses); nullopt when the name is not a local.
  std::optional<uint32_t> find_declared(const std::string& name, Scope& scope);
  std::optional<uint32_t> find_implicit(const std::string& name, Scope& scope);
  Root resolve_name(const std::string& name, Scope& scope, Location loc);
  std::optional<Root> global(const std::string& name) const;
  ir::Term var(const Term& t, Scope& scope);
  ir::Term ref(const Term& t, Scope& scope);
  ir::Term from_root(const Root& root, std::vector<ir::Term> operands, Location loc);
  ir::Term data_ref(std::vector<value::Value> path, std::vector<ir::Term> operands, Location loc);
  ir::Term closure(const Term& t, Scope& scope);
  ir::Term composite(const Term& t, Scope& scope);

  // The dotted name of a call operator (Var or Ref of Var + strings).
  static std::optional<std::vector<std::string>> operator_segments(const Term& op);
  // The function a path of names denotes (user function or builtin); errors when none.
  std::optional<CallTarget> resolve_function(const std::vector<std::string>& segs, Scope& scope, Location loc,
                                             bool report);
  ir::Term call(const Term& t, Scope& scope, const CallTarget& target, size_t nargs);
  std::optional<ir::Term> call_term(const Term& t, Scope& scope, bool allow_output, std::optional<ir::Term>* output);

  void error(std::string code, std::string message, Location loc);

  const CompiledPolicy& policy_;
  const ModuleNames& names_;
  const std::set<std::string>& package_roots_;
  std::vector<Error>& errors_;
};

// Slots at pattern positions of a term (itself when a local; inside
// array / object-literal values).
void compute_pattern_slots(ir::Term& t);

}  // namespace tollgate::rego::compiler
