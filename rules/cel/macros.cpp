// Parse-time macro expansion, producing the same comprehension shapes as
// cel-go (parser/macro.go, ext/comprehensions.go and the optional library),
// so that error absorption in all/exists behaves identically.
#include <optional>

#include "rules/cel/parser.h"

namespace tollgate::cel {
namespace {

using value::Value;

struct LoopParts {
  ExprPtr init;
  ExprPtr condition;
  ExprPtr step;
  ExprPtr result;
};

ExprPtr comprehension(ExprFactory& f, const SourcePosition& at, std::string iter_var, std::string iter_var2,
                      ExprPtr range, LoopParts parts) {
  ComprehensionExpr c;
  c.iter_var = std::move(iter_var);
  c.iter_var2 = std::move(iter_var2);
  c.iter_range = std::move(range);
  c.accu_var = std::string(kAccumulatorName);
  c.accu_init = std::move(parts.init);
  c.loop_condition = std::move(parts.condition);
  c.loop_step = std::move(parts.step);
  c.result = std::move(parts.result);
  return f.make(at, std::move(c));
}

std::optional<std::string> simple_name(const Expr& e) {
  if (const auto* id = std::get_if<IdentExpr>(&e.kind); id != nullptr && !id->root_scope) return id->name;
  return std::nullopt;
}

SourcePosition position_of(const Expr& e) { return SourcePosition{e.line, e.column, e.offset}; }

enum class Quantifier { All, Exists, ExistsOne };

// all:        init true,  cond @not_strictly_false(@result),    step @result && p
// exists:     init false, cond @not_strictly_false(!@result),   step @result || p
// exists_one: init 0,     cond true, step p ? @result + 1 : @result, result @result == 1
LoopParts quantifier_loop(ExprFactory& f, const SourcePosition& at, Quantifier kind, ExprPtr predicate) {
  LoopParts p;
  switch (kind) {
    case Quantifier::All:
      p.init = f.literal(at, Value::boolean(true));
      p.condition = f.global_call(at, "@not_strictly_false", expr_list(f.accumulator(at)));
      p.step = f.global_call(at, "_&&_", expr_list(f.accumulator(at), std::move(predicate)));
      p.result = f.accumulator(at);
      break;
    case Quantifier::Exists:
      p.init = f.literal(at, Value::boolean(false));
      p.condition = f.global_call(at, "@not_strictly_false",
                                  expr_list(f.global_call(at, "!_", expr_list(f.accumulator(at)))));
      p.step = f.global_call(at, "_||_", expr_list(f.accumulator(at), std::move(predicate)));
      p.result = f.accumulator(at);
      break;
    case Quantifier::ExistsOne:
      p.init = f.literal(at, Value::integer(0));
      p.condition = f.literal(at, Value::boolean(true));
      p.step = f.global_call(
          at, "_?_:_",
          expr_list(std::move(predicate),
                    f.global_call(at, "_+_", expr_list(f.accumulator(at), f.literal(at, Value::integer(1)))),
                    f.accumulator(at)));
      p.result = f.global_call(at, "_==_", expr_list(f.accumulator(at), f.literal(at, Value::integer(1))));
      break;
  }
  return p;
}

// `step` becomes `filter ? step : @result` when a filter is present.
ExprPtr filtered(ExprFactory& f, const SourcePosition& at, ExprPtr filter, ExprPtr step) {
  if (!filter) return step;
  return f.global_call(at, "_?_:_", expr_list(std::move(filter), std::move(step), f.accumulator(at)));
}

// Collecting loop: init `init`, cond true, step as given, result @result.
LoopParts collecting_loop(ExprFactory& f, const SourcePosition& at, ExprPtr init, ExprPtr step) {
  LoopParts p;
  p.init = std::move(init);
  p.condition = f.literal(at, Value::boolean(true));
  p.step = std::move(step);
  p.result = f.accumulator(at);
  return p;
}

class Expander {
 public:
  Expander(ExprFactory& f, const SourcePosition& at, ExprPtr& target, std::vector<ExprPtr>& args, MacroError* error)
      : f_(f), at_(at), target_(target), args_(args), error_(error) {}

  // has(a.f) => a.f~test-only
  MacroOutcome has(ExprPtr* out) {
    auto* sel = std::get_if<SelectExpr>(&args_[0]->kind);
    if (sel == nullptr || sel->optional || sel->operand == nullptr) return fail(*args_[0], "invalid argument to has() macro");
    SelectExpr test{std::move(sel->operand), std::move(sel->field), true, false};
    *out = f_.make(at_, std::move(test));
    return MacroOutcome::Expanded;
  }

  // e.all(x, p), e.exists(x, p), e.exists_one(x, p)
  MacroOutcome quantifier(Quantifier kind, ExprPtr* out) {
    auto var = iteration_variable(0);
    if (!var) return MacroOutcome::Failed;
    LoopParts loop = quantifier_loop(f_, at_, kind, std::move(args_[1]));
    *out = comprehension(f_, at_, *var, "", std::move(target_), std::move(loop));
    return MacroOutcome::Expanded;
  }

  // e.all(i, v, p) and friends (cel-go ext.TwoVarComprehensions)
  MacroOutcome two_var_quantifier(Quantifier kind, ExprPtr* out) {
    std::string first, second;
    if (!iteration_variables(&first, &second)) return MacroOutcome::Failed;
    LoopParts loop = quantifier_loop(f_, at_, kind, std::move(args_[2]));
    *out = comprehension(f_, at_, first, second, std::move(target_), std::move(loop));
    return MacroOutcome::Expanded;
  }

  // e.map(x, t) and e.map(x, p, t): init [], step [p ?] @result + [t] [: @result]
  MacroOutcome map(ExprPtr* out) {
    auto var = iteration_variable(0);
    if (!var) return MacroOutcome::Failed;
    ExprPtr filter = args_.size() == 3 ? std::move(args_[1]) : nullptr;
    ExprPtr transform = std::move(args_.back());
    ExprPtr step = f_.global_call(at_, "_+_", expr_list(f_.accumulator(at_), f_.list(at_, expr_list(std::move(transform)))));
    step = filtered(f_, at_, std::move(filter), std::move(step));
    *out = comprehension(f_, at_, *var, "", std::move(target_),
                         collecting_loop(f_, at_, f_.list(at_, {}), std::move(step)));
    return MacroOutcome::Expanded;
  }

  // e.filter(x, p): init [], step p ? @result + [x] : @result
  MacroOutcome filter(ExprPtr* out) {
    auto var = iteration_variable(0);
    if (!var) return MacroOutcome::Failed;
    ExprPtr element = std::move(args_[0]);
    ExprPtr step = f_.global_call(at_, "_+_", expr_list(f_.accumulator(at_), f_.list(at_, expr_list(std::move(element)))));
    step = filtered(f_, at_, std::move(args_[1]), std::move(step));
    *out = comprehension(f_, at_, *var, "", std::move(target_),
                         collecting_loop(f_, at_, f_.list(at_, {}), std::move(step)));
    return MacroOutcome::Expanded;
  }

  // e.transformList(i, v, [p,] t): init [], step [p ?] @result + [t] [: @result]
  MacroOutcome transform_list(ExprPtr* out) {
    std::string first, second;
    if (!iteration_variables(&first, &second)) return MacroOutcome::Failed;
    ExprPtr filter = args_.size() == 4 ? std::move(args_[2]) : nullptr;
    ExprPtr step = f_.global_call(
        at_, "_+_", expr_list(f_.accumulator(at_), f_.list(at_, expr_list(std::move(args_.back())))));
    step = filtered(f_, at_, std::move(filter), std::move(step));
    *out = comprehension(f_, at_, first, second, std::move(target_),
                         collecting_loop(f_, at_, f_.list(at_, {}), std::move(step)));
    return MacroOutcome::Expanded;
  }

  // e.transformMap(k, v, [p,] t): init {}, step [p ?] cel.@mapInsert(@result, k, t) [: @result]
  // e.transformMapEntry(k, v, [p,] t): the same with cel.@mapInsert(@result, t)
  MacroOutcome transform_map(bool entry_form, ExprPtr* out) {
    std::string first, second;
    if (!iteration_variables(&first, &second)) return MacroOutcome::Failed;
    ExprPtr filter = args_.size() == 4 ? std::move(args_[2]) : nullptr;
    std::vector<ExprPtr> insert_args;
    insert_args.push_back(f_.accumulator(at_));
    if (!entry_form) insert_args.push_back(f_.ident(at_, first));
    insert_args.push_back(std::move(args_.back()));
    ExprPtr step = f_.global_call(at_, "cel.@mapInsert", std::move(insert_args));
    step = filtered(f_, at_, std::move(filter), std::move(step));
    *out = comprehension(f_, at_, first, second, std::move(target_),
                         collecting_loop(f_, at_, f_.make(at_, MapExpr{}), std::move(step)));
    return MacroOutcome::Expanded;
  }

  // o.optMap(x, t)     => o.hasValue() ? optional.of(<x := o.value(); t>) : optional.none()
  // o.optFlatMap(x, t) => o.hasValue() ? <x := o.value(); t> : optional.none()
  // where <x := v; t> is cel-go's binding comprehension: range [], iter_var
  // "#unused", accu_var x, init v, cond false, step x, result t.
  MacroOutcome optional_map(bool flat, ExprPtr* out) {
    auto var = simple_name(*args_[0]);
    if (!var) {
      return fail(*args_[0], flat ? "optFlatMap() variable name must be a simple identifier"
                                  : "optMap() variable name must be a simple identifier");
    }
    ExprPtr value_of_target = f_.member_call(at_, "value", f_.copy(*target_), {});
    ExprPtr has_value = f_.member_call(at_, "hasValue", std::move(target_), {});
    ComprehensionExpr bind;
    bind.iter_var = std::string(kUnusedIterVar);
    bind.iter_range = f_.list(at_, {});
    bind.accu_var = *var;
    bind.accu_init = std::move(value_of_target);
    bind.loop_condition = f_.literal(at_, Value::boolean(false));
    bind.loop_step = f_.ident(at_, *var);
    bind.result = std::move(args_[1]);
    ExprPtr bound = f_.make(at_, std::move(bind));
    if (!flat) bound = f_.global_call(at_, "optional.of", expr_list(std::move(bound)));
    *out = f_.global_call(at_, "_?_:_",
                          expr_list(std::move(has_value), std::move(bound), f_.global_call(at_, "optional.none", {})));
    return MacroOutcome::Expanded;
  }

 private:
  MacroOutcome fail(const Expr& at, std::string message) {
    error_->message = std::move(message);
    error_->position = position_of(at);
    return MacroOutcome::Failed;
  }

  std::optional<std::string> iteration_variable(size_t index) {
    auto name = simple_name(*args_[index]);
    if (!name) fail(*args_[index], "argument must be a simple name");
    return name;
  }

  bool iteration_variables(std::string* first, std::string* second) {
    auto a = iteration_variable(0);
    if (!a) return false;
    auto b = iteration_variable(1);
    if (!b) return false;
    if (*a == *b) {
      fail(*args_[1], "duplicate variable name: " + *a);
      return false;
    }
    *first = std::move(*a);
    *second = std::move(*b);
    return true;
  }

  ExprFactory& f_;
  const SourcePosition& at_;
  ExprPtr& target_;
  std::vector<ExprPtr>& args_;
  MacroError* error_;
};

}  // namespace

MacroOutcome expand_macro(ExprFactory& factory, const SourcePosition& at, std::string_view function, ExprPtr& target,
                          std::vector<ExprPtr>& args, bool optional_macros, ExprPtr* expansion, MacroError* error) {
  Expander x(factory, at, target, args, error);
  const size_t n = args.size();
  if (!target) {
    if (function == "has" && n == 1) return x.has(expansion);
    return MacroOutcome::NotAMacro;
  }
  if (function == "all") {
    if (n == 2) return x.quantifier(Quantifier::All, expansion);
    if (n == 3) return x.two_var_quantifier(Quantifier::All, expansion);
  } else if (function == "exists") {
    if (n == 2) return x.quantifier(Quantifier::Exists, expansion);
    if (n == 3) return x.two_var_quantifier(Quantifier::Exists, expansion);
  } else if (function == "exists_one" || function == "existsOne") {
    if (n == 2) return x.quantifier(Quantifier::ExistsOne, expansion);
    if (n == 3) return x.two_var_quantifier(Quantifier::ExistsOne, expansion);
  } else if (function == "map") {
    if (n == 2 || n == 3) return x.map(expansion);
  } else if (function == "filter") {
    if (n == 2) return x.filter(expansion);
  } else if (function == "transformList") {
    if (n == 3 || n == 4) return x.transform_list(expansion);
  } else if (function == "transformMap") {
    if (n == 3 || n == 4) return x.transform_map(false, expansion);
  } else if (function == "transformMapEntry") {
    if (n == 3 || n == 4) return x.transform_map(true, expansion);
  } else if (optional_macros && function == "optMap") {
    if (n == 2) return x.optional_map(false, expansion);
  } else if (optional_macros && function == "optFlatMap") {
    if (n == 2) return x.optional_map(true, expansion);
  }
  return MacroOutcome::NotAMacro;
}

}  // namespace tollgate::cel
