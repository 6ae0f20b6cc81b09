#include "rules/cel/planner.h"

#include <algorithm>
#include <map>

#include "rules/cel/steps.h"

namespace tollgate::cel {

namespace {

// ---- type unification ----

struct Bindings {
  std::vector<std::pair<std::string, CelType>> bound;
  CelType* find(const std::string& name) {
    for (auto& [n, t] : bound)
      if (n == name) return &t;
    return nullptr;
  }
};

bool nullable(const CelType& t) {
  switch (t.kind()) {
    case TypeKind::Null:
    case TypeKind::Dyn:
    case TypeKind::Duration:
    case TypeKind::Timestamp:
    case TypeKind::Optional:
    case TypeKind::Opaque:
    case TypeKind::Error: return true;
    default: return false;
  }
}

bool contains_dyn(const CelType& t) {
  if (t.is_dyn() || t.kind() == TypeKind::TypeParam) return true;
  for (const auto& p : t.params())
    if (contains_dyn(p)) return true;
  return false;
}

bool assignable(const CelType& param, const CelType& arg, Bindings& b) {
  if (param.kind() == TypeKind::TypeParam) {
    if (CelType* bound = b.find(param.name())) {
      if (bound->kind() == TypeKind::TypeParam || arg.kind() == TypeKind::TypeParam) return true;
      if (assignable(*bound, arg, b)) return true;
      Bindings scratch = b;
      if (assignable(arg, *bound, scratch)) {
        *bound = arg;
        return true;
      }
      return false;
    }
    b.bound.emplace_back(param.name(), arg);
    return true;
  }
  if (param.is_dyn() || arg.is_dyn() || arg.kind() == TypeKind::TypeParam || arg.kind() == TypeKind::Error || param.kind() == TypeKind::Error) return true;
  if (arg.kind() == TypeKind::Null && nullable(param)) return true;
  if (param.kind() != arg.kind()) return false;
  if (param.kind() == TypeKind::Opaque && param.name() != arg.name()) return false;
  // Type values compare at run time whatever type they denote (`type(1) == type(1u)`).
  if (param.kind() == TypeKind::Type) return true;
  const auto& pp = param.params();
  const auto& ap = arg.params();
  if (pp.size() != ap.size()) return pp.empty() || ap.empty();
  for (size_t i = 0; i < pp.size(); ++i)
    if (!assignable(pp[i], ap[i], b)) return false;
  return true;
}

// The common type of two expressions (list elements, ternary branches), as
// cel-go's checker joins them: a free parameter takes the other side's type,
// dyn is more general than any concrete type, null joins nullable types.
// nullopt when the two cannot be joined.
std::optional<CelType> join_types(const CelType& a, const CelType& b) {
  if (a == b) return a;
  if (a.kind() == TypeKind::TypeParam || a.kind() == TypeKind::Error) return b;
  if (b.kind() == TypeKind::TypeParam || b.kind() == TypeKind::Error) return a;
  if (a.is_dyn() || b.is_dyn()) return CelType::dyn();
  if (a.kind() == TypeKind::Null && nullable(b)) return b;
  if (b.kind() == TypeKind::Null && nullable(a)) return a;
  if (a.kind() != b.kind() || a.params().size() != b.params().size()) return std::nullopt;
  if (a.kind() == TypeKind::Opaque && a.name() != b.name()) return std::nullopt;
  std::vector<CelType> params;
  for (size_t i = 0; i < a.params().size(); ++i) {
    auto j = join_types(a.param_at(i), b.param_at(i));
    if (!j) return std::nullopt;
    params.push_back(*j);
  }
  switch (a.kind()) {
    case TypeKind::List: return CelType::list(params[0]);
    case TypeKind::Map: return CelType::map(params[0], params[1]);
    case TypeKind::Optional: return CelType::optional(params[0]);
    case TypeKind::Type: return CelType::type(params[0]);
    case TypeKind::Opaque: return CelType::opaque(a.name(), std::move(params));
    default: return a;
  }
}

// Free parameters left in a result type are reported as dyn.
CelType close_type(const CelType& t) {
  if (t.kind() == TypeKind::TypeParam) return CelType::dyn();
  switch (t.kind()) {
    case TypeKind::List: return CelType::list(close_type(t.param_at(0)));
    case TypeKind::Map: return CelType::map(close_type(t.param_at(0)), close_type(t.param_at(1)));
    case TypeKind::Optional: return CelType::optional(close_type(t.param_at(0)));
    case TypeKind::Type: return CelType::type(close_type(t.param_at(0)));
    case TypeKind::Opaque: {
      if (t.params().empty()) return t;
      std::vector<CelType> params;
      for (const auto& p : t.params()) params.push_back(close_type(p));
      return CelType::opaque(t.name(), std::move(params));
    }
    default: return t;
  }
}

// Free parameters inside argument types (from optional.none() or []) may
// share names with overload parameters; the depth bound keeps such a binding
// from recursing forever.
CelType substitute(const CelType& t, Bindings& b, int depth = 0) {
  if (depth > 16) return CelType::dyn();
  switch (t.kind()) {
    case TypeKind::TypeParam: {
      // An unbound parameter stays free (optional.none() is optional_type(A)),
      // so it can still agree with a concrete type in an aggregate literal.
      CelType* bound = b.find(t.name());
      if (bound == nullptr) return t;
      if (bound->kind() == TypeKind::TypeParam) return *bound;
      return substitute(*bound, b, depth + 1);
    }
    case TypeKind::List: return CelType::list(substitute(t.param_at(0), b, depth + 1));
    case TypeKind::Map:
      return CelType::map(substitute(t.param_at(0), b, depth + 1), substitute(t.param_at(1), b, depth + 1));
    case TypeKind::Optional: return CelType::optional(substitute(t.param_at(0), b, depth + 1));
    case TypeKind::Type: return CelType::type(substitute(t.param_at(0), b, depth + 1));
    case TypeKind::Opaque: {
      if (t.params().empty()) return t;
      std::vector<CelType> params;
      for (const auto& p : t.params()) params.push_back(substitute(p, b, depth + 1));
      return CelType::opaque(t.name(), std::move(params));
    }
    default: return t;
  }
}

const std::map<std::string, CelType, std::less<>>& builtin_type_names() {
  static const std::map<std::string, CelType, std::less<>> names = {
      {"int", CelType::int_()},
      {"uint", CelType::uint_()},
      {"double", CelType::double_()},
      {"bool", CelType::bool_()},
      {"string", CelType::string()},
      {"bytes", CelType::bytes()},
      {"list", CelType::list(CelType::dyn())},
      {"map", CelType::map(CelType::dyn(), CelType::dyn())},
      {"null_type", CelType::null_type()},
      {"type", CelType::type()},
      {"google.protobuf.Duration", CelType::duration()},
      {"google.protobuf.Timestamp", CelType::timestamp()},
      {"optional_type", CelType::optional(CelType::dyn())},
  };
  return names;
}

struct Planned {
  StepPtr step;
  CelType type;
};

bool is_special_function(std::string_view f) {
  static const std::string_view kSpecial[] = {"_&&_", "_||_", "!_",   "@not_strictly_false", "_?_:_", "_==_", "_!=_",
                                              "_<_",  "_<=_", "_>_",  "_>=_",                "@in",   "_[_]", "_[?_]",
                                              "type", "dyn",  "cel.@mapInsert"};
  return std::find(std::begin(kSpecial), std::end(kSpecial), f) != std::end(kSpecial);
}

const IdentExpr* as_ident(const Expr& e) { return std::get_if<IdentExpr>(&e.kind); }

class Planner {
 public:
  Planner(const FunctionRegistry& r, const PlanOptions& o) : registry_(r), options_(o) {}

  std::optional<Plan> run(const Expr& e, CompileError* error) {
    Planned p = plan(e);
    if (error_) {
      if (error) *error = *error_;
      return std::nullopt;
    }
    Plan out;
    out.root = std::move(p.step);
    out.slot_count = slot_count_;
    out.type = close_type(p.type);
    return out;
  }

 private:
  const FunctionRegistry& registry_;
  const PlanOptions& options_;
  std::vector<std::pair<std::string, size_t>> scopes_;
  std::vector<CelType> slot_types_;
  size_t slot_count_ = 0;
  std::optional<CompileError> error_;
  // Arguments of format() are exempt from the homogeneous-literal rule (cel-go's exemption).
  int suspend_homogeneous_ = 0;

  bool checking() const { return options_.check_types; }

  Planned fail(const Expr& e, std::string message) {
    if (!error_) error_ = CompileError{std::move(message), e.line, e.column};
    return Planned{make_error_step("compile error"), CelType::error()};
  }

  std::string container_note() const { return " (in container '" + options_.container + "')"; }

  // Unchecked expressions (conformance disableCheck) report unknown names
  // when evaluated, so that `x || true` can still absorb the error.
  Planned undeclared(const Expr& e, const std::string& name) {
    std::string message = "undeclared reference to '" + name + "'" + container_note();
    if (!checking()) return Planned{make_error_step(std::move(message)), CelType::dyn()};
    return fail(e, std::move(message));
  }

  Planned plan(const Expr& e) {
    if (error_) return Planned{make_error_step("compile error"), CelType::error()};
    return std::visit([&](const auto& k) { return plan_kind(e, k); }, e.kind);
  }

  // ---- literals and names ----

  Planned plan_kind(const Expr&, const ConstExpr& c) {
    CelType t;
    switch (c.value.kind()) {
      case value::Kind::Null: t = CelType::null_type(); break;
      case value::Kind::Bool: t = CelType::bool_(); break;
      case value::Kind::Int: t = CelType::int_(); break;
      case value::Kind::Uint: t = CelType::uint_(); break;
      case value::Kind::Double: t = CelType::double_(); break;
      case value::Kind::String: t = CelType::string(); break;
      case value::Kind::Bytes: t = CelType::bytes(); break;
      default: t = CelType::dyn();
    }
    return Planned{make_const_step(c.value), t};
  }

  std::optional<size_t> find_local(std::string_view name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (it->first == name) return it->second;
    return std::nullopt;
  }

  // Candidate spellings of a name inside the container, most qualified first.
  std::vector<std::string> candidates(std::string_view name, bool root_scope) const {
    std::vector<std::string> out;
    if (!root_scope && !options_.container.empty()) {
      std::string prefix = options_.container;
      while (true) {
        out.push_back(prefix + "." + std::string(name));
        const size_t dot = prefix.rfind('.');
        if (dot == std::string::npos) break;
        prefix.resize(dot);
      }
    }
    out.emplace_back(name);
    return out;
  }

  std::optional<Planned> resolve_global(std::string_view name, bool root_scope) {
    for (const auto& candidate : candidates(name, root_scope)) {
      for (size_t i = 0; i < options_.identifiers.size(); ++i) {
        if (options_.identifiers[i] == candidate) {
          CelType t = i < options_.identifier_types.size() ? options_.identifier_types[i] : CelType::dyn();
          return Planned{make_ident_step(i), t};
        }
      }
      constexpr std::string_view kVariables = "variables.";
      if (candidate.size() > kVariables.size() && candidate.compare(0, kVariables.size(), kVariables) == 0) {
        const std::string_view var = std::string_view(candidate).substr(kVariables.size());
        for (size_t i = 0; i < options_.lazy_variables.size(); ++i)
          if (options_.lazy_variables[i] == var) return Planned{make_lazy_variable_step(i), CelType::dyn()};
      }
      const auto& types = builtin_type_names();
      auto it = types.find(candidate);
      if (it != types.end()) return Planned{make_const_step(make_type(it->second.runtime_name())), CelType::type(it->second)};
      if (registry_.has_type(candidate))
        return Planned{make_const_step(make_type(candidate)), CelType::type(CelType::opaque(candidate))};
    }
    return std::nullopt;
  }

  Planned plan_kind(const Expr& e, const IdentExpr& id) {
    if (!id.root_scope) {
      if (auto slot = find_local(id.name)) return Planned{make_local_step(*slot), slot_types_[*slot]};
    }
    if (auto g = resolve_global(id.name, id.root_scope)) return std::move(*g);
    return undeclared(e, id.name);
  }

  // The dotted name of a select chain rooted at a non-local identifier.
  bool qualified_path(const Expr& e, std::vector<std::string>* parts, bool* root_scope) const {
    if (const auto* id = as_ident(e)) {
      if (!id->root_scope && find_local(id->name)) return false;
      parts->push_back(id->name);
      *root_scope = id->root_scope;
      return true;
    }
    const auto* s = std::get_if<SelectExpr>(&e.kind);
    if (s == nullptr || s->test_only || s->optional) return false;
    if (!qualified_path(*s->operand, parts, root_scope)) return false;
    parts->push_back(s->field);
    return true;
  }

  static std::string join(const std::vector<std::string>& parts, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      if (i) out += '.';
      out += parts[i];
    }
    return out;
  }

  CelType field_type(const CelType& operand) {
    if (operand.kind() == TypeKind::Map) return operand.param_at(1);
    return CelType::dyn();
  }

  Planned plan_kind(const Expr& e, const SelectExpr& s) {
    if (s.test_only) {
      // has(variables.<name>): Kubernetes' lazy variable map reports every
      // declared variable as present, whatever its value (even null), without
      // needing to evaluate it.
      if (const auto* id = as_ident(*s.operand); id != nullptr && id->name == "variables" && !find_local(id->name)) {
        for (const auto& var : options_.lazy_variables)
          if (var == s.field) return Planned{make_const_step(value::Value::boolean(true)), CelType::bool_()};
        if (!options_.lazy_variables.empty()) return fail(e, "undefined field '" + s.field + "'");
      }
      Planned operand = plan(*s.operand);
      return Planned{make_has_step(std::move(operand.step), s.field), CelType::bool_()};
    }
    if (!s.optional) {
      std::vector<std::string> parts;
      bool root_scope = false;
      if (qualified_path(e, &parts, &root_scope)) {
        for (size_t n = parts.size(); n >= 2; --n) {
          auto g = resolve_global(join(parts, n), root_scope);
          if (!g) continue;
          for (size_t i = n; i < parts.size(); ++i) {
            g->step = make_select_step(std::move(g->step), parts[i]);
            g->type = field_type(g->type);
          }
          return std::move(*g);
        }
      }
    }
    Planned operand = plan(*s.operand);
    if (s.optional) {
      CelType inner = operand.type.kind() == TypeKind::Optional ? field_type(operand.type.param_at(0))
                                                                 : field_type(operand.type);
      return Planned{make_optional_select_step(std::move(operand.step), s.field), CelType::optional(inner)};
    }
    if (checking()) {
      switch (operand.type.kind()) {
        case TypeKind::Int:
        case TypeKind::Uint:
        case TypeKind::Double:
        case TypeKind::Bool:
        case TypeKind::String:
        case TypeKind::Bytes:
        case TypeKind::List:
          return fail(e, "type '" + operand.type.to_string() + "' does not support field selection");
        default: break;
      }
    }
    CelType t = operand.type.kind() == TypeKind::Optional ? CelType::optional(field_type(operand.type.param_at(0)))
                                                          : field_type(operand.type);
    return Planned{make_select_step(std::move(operand.step), s.field), t};
  }

  // ---- aggregates ----

  std::optional<CelType> join_element_types(const Expr& e, const std::vector<CelType>& types, const char* what) {
    // An empty literal's element type is free until joined with another type.
    if (types.empty()) return CelType::param(std::string("_") + what);
    CelType joined = types[0];
    for (size_t i = 1; i < types.size(); ++i) {
      const CelType& t = types[i];
      auto j = join_types(joined, t);
      if (options_.homogeneous_literals && checking() && suspend_homogeneous_ == 0 &&
          (!j || joined.is_dyn() != t.is_dyn())) {
        // Kubernetes (1.29+): elements need one static type; `dyn` next to a
        // concrete type does not count, unresolved parts (`[]`) do.
        fail(e, std::string("expected type '") + joined.to_string() + "' but found '" + t.to_string() + "'");
        return std::nullopt;
      }
      joined = j ? *j : CelType::dyn();
    }
    return joined;
  }

  Planned plan_kind(const Expr& e, const ListExpr& l) {
    std::vector<StepPtr> steps;
    std::vector<bool> optional(l.elements.size(), false);
    for (size_t i : l.optional_indices)
      if (i < optional.size()) optional[i] = true;
    std::vector<CelType> types;
    for (size_t i = 0; i < l.elements.size(); ++i) {
      Planned p = plan(*l.elements[i]);
      CelType t = p.type;
      if (optional[i]) t = t.kind() == TypeKind::Optional ? t.param_at(0) : CelType::dyn();
      types.push_back(t);
      steps.push_back(std::move(p.step));
    }
    auto elem = join_element_types(e, types, "elem");
    if (!elem) return Planned{make_error_step("compile error"), CelType::error()};
    return Planned{make_list_step(std::move(steps), std::move(optional)), CelType::list(*elem)};
  }

  Planned plan_kind(const Expr& e, const MapExpr& m) {
    std::vector<std::pair<StepPtr, StepPtr>> steps;
    std::vector<bool> optional;
    std::vector<CelType> key_types, value_types;
    for (const auto& entry : m.entries) {
      Planned k = plan(*entry.key);
      Planned v = plan(*entry.value);
      if (checking()) {
        switch (k.type.kind()) {
          case TypeKind::Int:
          case TypeKind::Uint:
          case TypeKind::Bool:
          case TypeKind::String:
          case TypeKind::Dyn:
          case TypeKind::Error:
          case TypeKind::TypeParam: break;
          default: return fail(*entry.key, "unsupported map key type '" + k.type.to_string() + "'");
        }
      }
      key_types.push_back(k.type);
      CelType vt = v.type;
      if (entry.optional) vt = vt.kind() == TypeKind::Optional ? vt.param_at(0) : CelType::dyn();
      value_types.push_back(vt);
      steps.emplace_back(std::move(k.step), std::move(v.step));
      optional.push_back(entry.optional);
    }
    auto kt = join_element_types(e, key_types, "key");
    if (!kt) return Planned{make_error_step("compile error"), CelType::error()};
    auto vt = join_element_types(e, value_types, "value");
    if (!vt) return Planned{make_error_step("compile error"), CelType::error()};
    return Planned{make_map_step(std::move(steps), std::move(optional)), CelType::map(*kt, *vt)};
  }

  Planned plan_kind(const Expr& e, const StructExpr& s) {
    return fail(e, "undeclared reference to '" + s.type_name + "'" + container_note());
  }

  // ---- comprehensions ----

  static bool is_ident_named(const Expr* e, const std::string& name) {
    const auto* id = e ? as_ident(*e) : nullptr;
    return id != nullptr && id->name == name;
  }

  // `@result + [value]`: returns the single appended element.
  static const Expr* appended_element(const Expr& step, const std::string& accu) {
    const auto* call = std::get_if<CallExpr>(&step.kind);
    if (call == nullptr || call->function != "_+_" || call->target || call->args.size() != 2) return nullptr;
    if (!is_ident_named(call->args[0].get(), accu)) return nullptr;
    const auto* list = std::get_if<ListExpr>(&call->args[1]->kind);
    if (list == nullptr || list->elements.size() != 1 || !list->optional_indices.empty()) return nullptr;
    return list->elements[0].get();
  }

  size_t new_slot(CelType t) {
    slot_types_.push_back(std::move(t));
    return slot_count_++;
  }

  Planned plan_kind(const Expr& e, const ComprehensionExpr& c) {
    Planned range = plan(*c.iter_range);
    CelType first = CelType::dyn(), second = CelType::dyn();
    const bool two = !c.iter_var2.empty();
    switch (range.type.kind()) {
      case TypeKind::List:
        if (two) {
          first = CelType::int_();
          second = range.type.param_at(0);
        } else {
          first = range.type.param_at(0);
        }
        break;
      case TypeKind::Map:
        first = range.type.param_at(0);
        second = range.type.param_at(1);
        break;
      case TypeKind::Dyn:
      case TypeKind::TypeParam:
      case TypeKind::Error: break;
      default:
        if (checking())
          return fail(*c.iter_range, "expression of type '" + range.type.to_string() +
                                         "' cannot be range of a comprehension (must be list, map, or dynamic)");
    }
    Planned init = plan(*c.accu_init);

    ComprehensionPlan p;
    p.range = std::move(range.step);
    p.two_variables = two;
    p.iter_slot = new_slot(first);
    if (two) p.iter2_slot = new_slot(second);
    p.accu_slot = new_slot(init.type);

    // List-building loops (map, filter) append in place instead of re-copying @result.
    const auto* init_list = std::get_if<ListExpr>(&c.accu_init->kind);
    const auto* cond_const = std::get_if<ConstExpr>(&c.loop_condition->kind);
    const bool list_builder = init_list && init_list->elements.empty() && cond_const &&
                              cond_const->value.is_bool() && cond_const->value.as_bool() &&
                              is_ident_named(c.result.get(), c.accu_var);
    const Expr* append = nullptr;
    const Expr* append_cond = nullptr;
    if (list_builder) {
      append = appended_element(*c.loop_step, c.accu_var);
      if (append == nullptr) {
        const auto* call = std::get_if<CallExpr>(&c.loop_step->kind);
        if (call && call->function == "_?_:_" && call->args.size() == 3 &&
            is_ident_named(call->args[2].get(), c.accu_var)) {
          append = appended_element(*call->args[1], c.accu_var);
          if (append) append_cond = call->args[0].get();
        }
      }
    }

    scopes_.emplace_back(c.accu_var, p.accu_slot);
    scopes_.emplace_back(c.iter_var, p.iter_slot);
    if (two) scopes_.emplace_back(c.iter_var2, p.iter2_slot);
    CelType result_type;
    if (append) {
      if (append_cond) {
        Planned k = plan(*append_cond);
        check_bool(*append_cond, k.type, "_?_:_");
        p.append_condition = std::move(k.step);
        p.shape = ComprehensionPlan::Shape::ConditionalAppend;
      } else {
        p.shape = ComprehensionPlan::Shape::Append;
      }
      Planned v = plan(*append);
      p.append_value = std::move(v.step);
      result_type = CelType::list(v.type);
      scopes_.resize(scopes_.size() - (two ? 3 : 2));
    } else {
      Planned cond = plan(*c.loop_condition);
      Planned step = plan(*c.loop_step);
      if (init.type.kind() == TypeKind::List && contains_dyn(init.type) && step.type.kind() == TypeKind::List)
        slot_types_[p.accu_slot] = step.type;
      if (init.type.kind() == TypeKind::Map && contains_dyn(init.type) && step.type.kind() == TypeKind::Map)
        slot_types_[p.accu_slot] = step.type;
      scopes_.resize(scopes_.size() - (two ? 2 : 1));
      Planned result = plan(*c.result);
      scopes_.pop_back();
      p.init = std::move(init.step);
      p.condition = std::move(cond.step);
      p.loop_step = std::move(step.step);
      p.result = std::move(result.step);
      result_type = result.type;
    }
    (void)e;
    return Planned{make_comprehension_step(std::move(p)), result_type};
  }

  // ---- calls ----

  void check_bool(const Expr& e, const CelType& t, const char* fn) {
    if (!checking()) return;
    Bindings b;
    if (!assignable(CelType::bool_(), t, b)) fail(e, std::string("found no matching overload for '") + fn +
                                                        "' applied to '(" + t.to_string() + ")'");
  }

  static std::string describe_args(bool receiver, const std::vector<CelType>& types) {
    std::string out;
    size_t start = 0;
    if (receiver && !types.empty()) {
      out += types[0].to_string() + ".";
      start = 1;
    }
    out += "(";
    for (size_t i = start; i < types.size(); ++i) {
      if (i > start) out += ", ";
      out += types[i].to_string();
    }
    out += ")";
    return out;
  }

  Planned plan_kind(const Expr& e, const CallExpr& call) {
    // `ns.fn(args)` may name a namespaced global function (optional.of, strings.quote).
    if (call.target) {
      std::vector<std::string> parts;
      bool root_scope = false;
      if (qualified_path(*call.target, &parts, &root_scope)) {
        const std::string qualified = join(parts, parts.size()) + "." + call.function;
        if (has_global(qualified)) return plan_call(e, qualified, nullptr, call.args);
      }
    }
    return plan_call(e, call.function, call.target.get(), call.args);
  }

  bool has_global(const std::string& name) const {
    const auto* overloads = registry_.find(name);
    if (overloads == nullptr) return false;
    for (const auto& o : *overloads)
      if (o.style == CallStyle::Global) return true;
    return false;
  }

  Planned plan_call(const Expr& e, const std::string& fn, const Expr* target, const std::vector<ExprPtr>& arg_exprs) {
    const bool receiver = target != nullptr;
    std::vector<const Expr*> exprs;
    if (target) exprs.push_back(target);
    for (const auto& a : arg_exprs) exprs.push_back(a.get());

    // Short-circuiting and special forms plan their operands themselves.
    if (!receiver) {
      if ((fn == "_&&_" || fn == "_||_") && exprs.size() == 2) {
        Planned l = plan(*exprs[0]);
        Planned r = plan(*exprs[1]);
        check_bool(*exprs[0], l.type, fn.c_str());
        check_bool(*exprs[1], r.type, fn.c_str());
        auto s = fn == "_&&_" ? make_and_step(std::move(l.step), std::move(r.step))
                              : make_or_step(std::move(l.step), std::move(r.step));
        return Planned{std::move(s), CelType::bool_()};
      }
      if (fn == "@not_strictly_false" && exprs.size() == 1) {
        Planned o = plan(*exprs[0]);
        return Planned{make_not_strictly_false_step(std::move(o.step)), CelType::bool_()};
      }
      if (fn == "_?_:_" && exprs.size() == 3) {
        Planned k = plan(*exprs[0]);
        Planned t = plan(*exprs[1]);
        Planned f = plan(*exprs[2]);
        check_bool(*exprs[0], k.type, "_?_:_");
        CelType rt = t.type;
        if (checking()) {
          auto j = join_types(t.type, f.type);
          if (!j)
            return fail(e, "found no matching overload for '_?_:_' applied to '(" + k.type.to_string() + ", " +
                               t.type.to_string() + ", " + f.type.to_string() + ")'");
          rt = *j;
        }
        if (const Value* kv = k.step->constant(); kv && kv->is_bool())
          return kv->as_bool() ? Planned{std::move(t.step), rt} : Planned{std::move(f.step), rt};
        return Planned{make_ternary_step(std::move(k.step), std::move(t.step), std::move(f.step)), rt};
      }
    }
    if (receiver && (fn == "or" || fn == "orValue") && exprs.size() == 2) {
      Planned l = plan(*exprs[0]);
      Planned r = plan(*exprs[1]);
      if (checking() && l.type.kind() != TypeKind::Optional && !contains_dyn(l.type))
        return fail(e, "found no matching overload for '" + fn + "' applied to '" +
                           describe_args(true, {l.type, r.type}) + "'");
      CelType rt = fn == "or" ? l.type : (l.type.kind() == TypeKind::Optional ? l.type.param_at(0) : CelType::dyn());
      return Planned{make_optional_or_step(std::move(l.step), std::move(r.step), fn == "orValue"), rt};
    }

    std::vector<Planned> args;
    const bool exempt = receiver && fn == "format";
    if (exempt) ++suspend_homogeneous_;
    for (const Expr* x : exprs) args.push_back(plan(*x));
    if (exempt) --suspend_homogeneous_;
    if (error_) return Planned{make_error_step("compile error"), CelType::error()};
    std::vector<CelType> types;
    for (const auto& a : args) types.push_back(a.type);

    const auto* overloads = registry_.find(fn);
    if (overloads == nullptr) return undeclared(e, fn);
    std::vector<const Overload*> matching;
    std::vector<CelType> result_types;
    bool any_shape = false;
    for (const auto& o : *overloads) {
      if ((o.style == CallStyle::Receiver) != receiver || o.args.size() != args.size()) continue;
      any_shape = true;
      Bindings b;
      bool ok = true;
      if (checking())
        for (size_t i = 0; i < args.size() && ok; ++i) ok = assignable(o.args[i], types[i], b);
      if (!ok) continue;
      matching.push_back(&o);
      result_types.push_back(substitute(o.result, b));
    }
    if (matching.empty()) {
      if (!any_shape) return fail(e, "found no matching overload for '" + fn + "' applied to '" +
                                         describe_args(receiver, types) + "'");
      return fail(e, "found no matching overload for '" + fn + "' applied to '" + describe_args(receiver, types) + "'");
    }
    CelType result_type = result_types[0];
    for (const auto& t : result_types)
      if (t != result_type) result_type = CelType::dyn();

    std::vector<StepPtr> steps;
    for (auto& a : args) steps.push_back(std::move(a.step));

    if (is_special_function(fn)) return plan_special(e, fn, std::move(steps), types, result_type);

    if (fn == "matches" && receiver && steps.size() == 2) {
      if (const Value* pattern = steps[1]->constant(); pattern && pattern->is_string()) {
        std::string err;
        StepPtr s = make_matches_step(std::move(steps[0]), pattern->as_string(), &err);
        if (!s) return fail(e, err);
        return Planned{std::move(s), CelType::bool_()};
      }
    }

    bool all_constant = true;
    std::vector<Value> constants;
    for (const auto& s : steps) {
      const Value* c = s->constant();
      if (c == nullptr) {
        all_constant = false;
        break;
      }
      constants.push_back(*c);
    }

    // Statically resolved when exactly one overload fits and every argument's
    // type is known; otherwise the runtime kinds choose among the candidates.
    bool static_types = checking();
    for (const auto& t : types)
      if (contains_dyn(t)) static_types = false;
    const Overload* chosen = nullptr;
    if (matching.size() == 1 && static_types) chosen = matching[0];
    if (all_constant) {
      for (const Overload* o : matching) {
        bool fits = true;
        for (size_t i = 0; i < constants.size() && fits; ++i) fits = value_matches_type(constants[i], o->args[i]);
        if (!fits) continue;
        if (o->constant_check) {
          if (auto msg = o->constant_check(constants)) return fail(e, *msg);
        }
        if (o->pure) {
          Result r = o->impl(constants);
          if (r.ok()) return Planned{make_const_step(r.take()), result_type};
        }
        break;
      }
    }
    if (chosen) return Planned{make_call_step(chosen, std::move(steps)), result_type};
    return Planned{make_dispatch_step(fn, std::move(matching), std::move(steps)), result_type};
  }

  Planned plan_special(const Expr& e, const std::string& fn, std::vector<StepPtr> steps,
                       const std::vector<CelType>& types, const CelType& result_type) {
    if (fn == "!_") return Planned{make_not_step(std::move(steps[0])), CelType::bool_()};
    if (fn == "_==_" || fn == "_!=_")
      return Planned{make_equals_step(std::move(steps[0]), std::move(steps[1]), fn == "_!=_"), CelType::bool_()};
    if (fn == "_<_") return relation(std::move(steps), Relation::Less);
    if (fn == "_<=_") return relation(std::move(steps), Relation::LessEqual);
    if (fn == "_>_") return relation(std::move(steps), Relation::Greater);
    if (fn == "_>=_") return relation(std::move(steps), Relation::GreaterEqual);
    if (fn == "@in") return Planned{make_in_step(std::move(steps[0]), std::move(steps[1])), CelType::bool_()};
    if (fn == "_[_]" || fn == "_[?_]")
      return Planned{make_index_step(std::move(steps[0]), std::move(steps[1]), fn == "_[?_]"), result_type};
    if (fn == "type") return Planned{make_type_of_step(std::move(steps[0])), CelType::type(types[0])};
    if (fn == "dyn") return Planned{std::move(steps[0]), CelType::dyn()};
    if (fn == "cel.@mapInsert") return Planned{make_map_insert_step(std::move(steps)), result_type};
    return fail(e, "unsupported function '" + fn + "'");
  }

  static Planned relation(std::vector<StepPtr> steps, Relation r) {
    return Planned{make_relation_step(std::move(steps[0]), std::move(steps[1]), r), CelType::bool_()};
  }
};

}  // namespace

bool is_assignable(const CelType& param, const CelType& arg) {
  Bindings b;
  return assignable(param, arg, b);
}

std::optional<Plan> plan_expression(const Expr& expr, const FunctionRegistry& registry, const PlanOptions& options,
                                    CompileError* error) {
  Planner planner(registry, options);
  return planner.run(expr, error);
}

}  // namespace tollgate::cel
