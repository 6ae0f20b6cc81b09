#include <array>

#include "rules/cel/ast.h"
#include "rules/cel/cel.h"
#include "rules/cel/function_registry.h"
#include "rules/cel/k8s/authz_library.h"
#include "rules/cel/k8s/k8s_libraries.h"
#include "rules/cel/k8s/mutation_library.h"
#include "rules/cel/planner.h"
#include "rules/cel/step.h"
#include "rules/cel/stdlib.h"

namespace tollgate::cel {

namespace {

class PlannedProgram final : public Program {
 public:
  PlannedProgram(Plan plan, std::string source, std::shared_ptr<const FunctionRegistry> registry)
      : plan_(std::move(plan)), source_(std::move(source)), registry_(std::move(registry)) {}

  EvalResult evaluate(const Activation& activation, const EvalOptions& options) const override {
    EvalContext c;
    c.activation = &activation;
    c.cost_limit = options.cost_limit == 0 ? UINT64_MAX : options.cost_limit;
    constexpr size_t kInlineSlots = 8;
    std::array<Slot, kInlineSlots> inline_slots;
    std::vector<Slot> heap_slots;
    if (plan_.slot_count <= kInlineSlots) {
      c.slots = inline_slots.data();
    } else {
      heap_slots.resize(plan_.slot_count);
      c.slots = heap_slots.data();
    }
    EvalResult out;
    std::optional<Result> r;
    // Evaluated inside another evaluation (a lazy variable): a budget
    // exceeded stops the outer one too, rather than becoming an error value
    // the outer expression could swallow.
    const bool nested = value::EvalBudget::current() != nullptr;
    try {
      // Memory only: CEL's work is bounded by its cost limit, and it takes
      // no steps that would look at a clock.
      value::EvalLimits limits = options.limits != nullptr ? *options.limits : value::default_eval_limits();
      limits.time = std::chrono::nanoseconds(0);
      limits.steps = 0;
      value::EvalBudget budget(limits);
      r.emplace(plan_.root->eval(c));
    } catch (const value::BudgetExceeded& e) {
      if (nested) throw;
      out.cost = c.cost;
      out.error = "operation cancelled: " + e.message;
      out.budget_exceeded = true;
      return out;
    }
    out.cost = c.cost;
    if (c.over_budget()) out.error = kCostLimitExceeded;
    else if (r->is_error()) out.error = r->error_message();
    else out.value = r->take();
    return out;
  }

  const std::string& source() const override { return source_; }

 private:
  Plan plan_;
  std::string source_;
  // Keeps the overloads the plan points to alive.
  std::shared_ptr<const FunctionRegistry> registry_;
};

class CelEnvironment final : public Environment {
 public:
  CelEnvironment(std::shared_ptr<const FunctionRegistry> registry, bool homogeneous_literals,
                 ParseOptions parse_options = {}, bool validate_format = false)
      : registry_(std::move(registry)),
        homogeneous_literals_(homogeneous_literals),
        validate_format_(validate_format),
        parse_options_(parse_options) {}

  CompileResult compile(std::string_view expression, const CompileOptions& options) const override {
    CompileResult out;
    ParseResult parsed = parse(expression, parse_options_);
    if (!parsed.ok()) {
      CompileError e;
      if (!parsed.errors.empty()) {
        e.message = parsed.errors.front().message;
        e.line = parsed.errors.front().line;
        e.column = parsed.errors.front().column;
      } else {
        e.message = "Syntax error";
      }
      out.error = std::move(e);
      return out;
    }
    PlanOptions plan_options;
    plan_options.identifiers = options.identifiers;
    plan_options.identifier_types = options.identifier_types;
    plan_options.lazy_variables = options.lazy_variables;
    plan_options.lazy_variable_types = options.lazy_variable_types;
    plan_options.container = options.container;
    plan_options.check_types = !options.disable_type_checks;
    plan_options.struct_types = options.struct_types;
    plan_options.homogeneous_literals = homogeneous_literals_;
    plan_options.validate_format = validate_format_;
    CompileError error;
    auto plan = plan_expression(*parsed.expr, *registry_, plan_options, &error);
    if (!plan) {
      out.error = std::move(error);
      return out;
    }
    out.type = plan->type;
    out.program = std::make_shared<PlannedProgram>(std::move(*plan), std::string(expression), registry_);
    return out;
  }

 private:
  std::shared_ptr<const FunctionRegistry> registry_;
  bool homogeneous_literals_;
  bool validate_format_;
  ParseOptions parse_options_;
};

}  // namespace

namespace {

std::shared_ptr<FunctionRegistry> kubernetes_registry() {
  auto registry = std::make_shared<FunctionRegistry>();
  register_standard_library(*registry, StdlibVersion{.cel_go_v0_22 = true});
  register_quantity_library(*registry);
  register_url_library(*registry);
  register_ip_library(*registry);
  register_semver_library(*registry);
  register_format_library(*registry);
  // The functions only: `authorizer` is declared by the admission policies
  // that have one (policies/vap/cel_env.h), as in Kubernetes' base environment.
  register_authz_library(*registry);
  return registry;
}

}  // namespace

std::shared_ptr<const Environment> Environment::kubernetes() {
  static const std::shared_ptr<const Environment> env = [] {
    return std::make_shared<CelEnvironment>(kubernetes_registry(), true, ParseOptions{}, /*validate_format=*/true);
  }();
  return env;
}

std::shared_ptr<const Environment> Environment::kubernetes_mutating() {
  static const std::shared_ptr<const Environment> env = [] {
    auto registry = kubernetes_registry();
    register_jsonpatch_library(*registry);
    return std::make_shared<CelEnvironment>(std::move(registry), true, ParseOptions{}, /*validate_format=*/true);
  }();
  return env;
}

std::shared_ptr<const Environment> Environment::standard() {
  static const std::shared_ptr<const Environment> env = [] {
    auto registry = std::make_shared<FunctionRegistry>();
    register_standard_library(*registry);
    register_ext_list_functions(*registry);
    // The full cel-spec language, including its newer backtick-quoted field
    // names, which Kubernetes (above) leaves off.
    ParseOptions parse_options;
    parse_options.enable_quoted_identifiers = true;
    return std::make_shared<CelEnvironment>(std::move(registry), false, parse_options);
  }();
  return env;
}

std::shared_ptr<const Environment> Environment::create(std::shared_ptr<const FunctionRegistry> registry,
                                                      bool homogeneous_literals) {
  return std::make_shared<CelEnvironment>(std::move(registry), homogeneous_literals);
}

EvalResult evaluate_once(std::string_view expression, const std::vector<std::pair<std::string, Value>>& bindings,
                         std::string* compile_error) {
  CompileOptions options;
  Activation activation;
  for (const auto& [name, value] : bindings) {
    options.identifiers.push_back(name);
    activation.identifiers.push_back(value);
  }
  auto compiled = Environment::kubernetes()->compile(expression, options);
  if (!compiled.ok()) {
    if (compile_error) *compile_error = compiled.error->message;
    EvalResult r;
    r.error = "compilation error: " + compiled.error->message;
    return r;
  }
  return compiled.program->evaluate(activation);
}

}  // namespace tollgate::cel
