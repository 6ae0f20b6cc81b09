// Public face of the CEL engine: compile an expression once against a set of
// declared names, then evaluate it many times against bound values.
//
//   auto env = tollgate::cel::Environment::kubernetes();
//   tollgate::cel::CompileOptions opts;
//   opts.identifiers = {"object", "oldObject", "request"};
//   opts.lazy_variables = {"containers"};          // reachable as variables.containers
//   auto compiled = env->compile("object.metadata.name.startsWith('a')", opts);
//   if (!compiled.ok()) { ... compiled.error.message ... }
//   tollgate::cel::Activation act;
//   act.identifiers = {obj, oldObj, req};          // same order as opts.identifiers
//   auto r = compiled.program->evaluate(act);      // r.ok() ? r.value : r.error
//
// Names are resolved to slots when the expression is planned; evaluation
// never looks a variable up by string.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/cel/static_type.h"
#include "rules/value/eval_budget.h"
#include "rules/value/value.h"

namespace tollgate::cel {

using value::Value;
class FunctionRegistry;
class StructTypeProvider;

struct CompileError {
  std::string message;  // cel-go style, e.g. "undeclared reference to 'foo'"
  int line = 0;         // 1-based position inside the expression text
  int column = 0;
};

struct EvalResult {
  Value value;
  std::optional<std::string> error;  // set when evaluation produced an error value
  uint64_t cost = 0;                 // cost units consumed (cel-go model, approximate)
  // The evaluation was stopped by its memory or time budget
  // (rules/value/eval_budget.h): an error whatever the failure policy.
  bool budget_exceeded = false;
  bool ok() const { return !error.has_value(); }
};

// Values for `variables.<name>`, evaluated lazily on first use and memoised
// (with their error), as ValidatingAdmissionPolicy does.
class LazyVariables {
 public:
  virtual ~LazyVariables() = default;
  virtual const EvalResult& get(size_t index) = 0;
};

struct Activation {
  std::vector<Value> identifiers;  // by index of CompileOptions::identifiers
  LazyVariables* variables = nullptr;
};

struct EvalOptions {
  uint64_t cost_limit = 1'000'000;  // Kubernetes PerCallLimit; 0 = unlimited
  // Memory and time budgets; null = the process defaults. The cost limit
  // bounds the work, the memory budget what a cheap-looking expression
  // (a list doubled again and again) builds before the cost limit trips.
  const value::EvalLimits* limits = nullptr;
};

class Program {
 public:
  virtual ~Program() = default;
  virtual EvalResult evaluate(const Activation& activation, const EvalOptions& options = {}) const = 0;
  // The source text this program was compiled from.
  virtual const std::string& source() const = 0;
};

struct CompileOptions {
  std::vector<std::string> identifiers;     // top-level names bound in Activation::identifiers
  std::vector<std::string> lazy_variables;  // names reachable as `variables.<name>`
  // Static types of `lazy_variables`, by index; missing entries are dyn
  // (ValidatingAdmissionPolicy types each variable by its expression).
  std::vector<CelType> lazy_variable_types;
  std::string container;                    // CEL container (namespace) for name resolution
  // Static types of `identifiers`, by index; missing entries are dyn (what
  // Kubernetes declares for object, oldObject and params).
  std::vector<CelType> identifier_types;
  // Skips static type checking (names are still resolved); conformance
  // tests marked disableCheck need this.
  bool disable_type_checks = false;
  // Struct types `Name{field: v}` may construct (rules/cel/struct_value.h);
  // none when null. Must outlive the compiled program.
  const StructTypeProvider* struct_types = nullptr;
};

struct CompileResult {
  std::shared_ptr<const Program> program;
  std::optional<CompileError> error;
  CelType type;  // the expression's static type (dyn where unknown)
  bool ok() const { return program != nullptr; }
};

class Environment {
 public:
  virtual ~Environment() = default;
  // Standard library plus the Kubernetes libraries (strings, lists, regex,
  // url, quantity, ip/cidr, format, semver, sets, optionals).
  static std::shared_ptr<const Environment> kubernetes();
  // kubernetes() plus MutatingAdmissionPolicy's jsonpatch.escapeKey; compile
  // with CompileOptions::struct_types = &mutation_struct_types() for its
  // Object{...} and JSONPatch{...} (rules/cel/k8s/mutation_library.h).
  static std::shared_ptr<const Environment> kubernetes_mutating();
  // Standard library plus every extension the conformance suites exercise.
  static std::shared_ptr<const Environment> standard();
  // An environment over a caller-built registry (standard library plus
  // custom declarations, see rules/cel/function_registry.h).
  // `homogeneous_literals` applies the Kubernetes aggregate-literal rule.
  static std::shared_ptr<const Environment> create(std::shared_ptr<const FunctionRegistry> registry,
                                                   bool homogeneous_literals);

  virtual CompileResult compile(std::string_view expression, const CompileOptions& options) const = 0;
};

// Convenience for one-off evaluation (tests, `tollgate eval`): compiles and
// evaluates with the given named bindings.
EvalResult evaluate_once(std::string_view expression, const std::vector<std::pair<std::string, Value>>& bindings,
                         std::string* compile_error = nullptr);

}  // namespace tollgate::cel
