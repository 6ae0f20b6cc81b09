#include "rules/cel/planner.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <unordered_map>

#include "rules/cel/steps.h"
#include "rules/value/regex_cache.h"

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
  // cel-go's nil type: only a type parameter (above) or dyn takes it.
  if (param.kind() == TypeKind::Unspecified || arg.kind() == TypeKind::Unspecified) return param.kind() == arg.kind();
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
  // A constant as cel-go's planner sees one (a literal, a list or map literal
  // of constants, or a type conversion of one): cel-go (OptOptimize, which
  // Kubernetes enables) evaluates conversions of such constants while it
  // builds the program, so their errors refuse the expression. Tollgate folds
  // more than that, but only these may refuse.
  bool go_const = false;
};

// cel-go's overloads.IsTypeConversionFunction.
bool is_type_conversion(std::string_view f) {
  static const std::string_view kConversions[] = {"bool", "bytes",  "double", "duration", "dyn",
                                                  "int",  "string", "timestamp", "type", "uint"};
  return std::find(std::begin(kConversions), std::end(kConversions), f) != std::end(kConversions);
}

// Functions whose constant pattern argument cel-go compiles while building the
// program (cel-go's matches optimization and Kubernetes' regex library's).
bool precompiles_regex(std::string_view f) { return f == "matches" || f == "find" || f == "findAll"; }

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
    if (!error_ && checking()) run_validators();
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
  // Static types of the checked expressions, for the validators.
  std::unordered_map<const Expr*, CelType> expr_types_;
  // format() calls for the format validator, when the environment has one.
  std::vector<std::pair<const Expr*, const CallExpr*>> format_calls_;

  bool checking() const { return options_.check_types; }

  // For evaluating constant steps while planning: no variables, no slots.
  static EvalContext& empty_context() {
    static thread_local Activation activation;
    static thread_local EvalContext context;
    context = EvalContext{};
    context.activation = &activation;
    return context;
  }

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
    Planned p = std::visit([&](const auto& k) { return plan_kind(e, k); }, e.kind);
    if (checking()) expr_types_[&e] = p.type;
    return p;
  }

  // ---- validators run on the checked expression (cel-go's ASTValidators) ----

  CelType final_type(const Expr& e) const {
    auto it = expr_types_.find(&e);
    return it == expr_types_.end() ? CelType::dyn() : close_type(it->second);
  }

  // cel-go's verifyTypeOneOf: dyn passes, otherwise the kinds must agree.
  bool type_one_of(const Expr& e, std::initializer_list<TypeKind> kinds) const {
    const CelType t = final_type(e);
    if (t.is_dyn()) return true;
    return std::find(kinds.begin(), kinds.end(), t.kind()) != kinds.end();
  }

  // %s accepts these, recursively through list and map literals.
  const Expr* bad_string_argument(const Expr& e) const {
    if (!type_one_of(e, {TypeKind::List, TypeKind::Map, TypeKind::Int, TypeKind::Uint, TypeKind::Double,
                         TypeKind::Bool, TypeKind::String, TypeKind::Timestamp, TypeKind::Bytes,
                         TypeKind::Duration, TypeKind::Type, TypeKind::Null}))
      return &e;
    if (const auto* l = std::get_if<ListExpr>(&e.kind)) {
      for (const auto& x : l->elements)
        if (const Expr* bad = bad_string_argument(*x)) return bad;
    } else if (const auto* m = std::get_if<MapExpr>(&e.kind)) {
      for (const auto& entry : m->entries) {
        if (const Expr* bad = bad_string_argument(*entry.key)) return bad;
        if (const Expr* bad = bad_string_argument(*entry.value)) return bad;
      }
    }
    return nullptr;
  }

  // ext.Strings' format validator: a literal format string applied to a list
  // literal is checked against the arguments' static types when compiling.
  void validate_format(const Expr& call_expr, const CallExpr& call) {
    const auto* fmt = call.target ? std::get_if<ConstExpr>(&call.target->kind) : nullptr;
    if (fmt == nullptr || !fmt->value.is_string() || call.args.size() != 1) return;
    const auto* list = std::get_if<ListExpr>(&call.args[0]->kind);
    if (list == nullptr) return;
    const std::string& f = fmt->value.as_string();
    size_t next = 0;
    auto refuse = [&](const Expr& at, const std::string& message) { fail(at, message); };
    for (size_t i = 0; i < f.size() && !error_; ++i) {
      if (f[i] != '%') continue;
      if (++i >= f.size()) return refuse(call_expr, "unexpected end of format string");
      if (f[i] == '%') continue;
      if (f[i] == '.') {
        ++i;
        while (i < f.size() && f[i] >= '0' && f[i] <= '9') ++i;
        if (i >= f.size()) return refuse(call_expr, "unexpected end of format string");
      }
      const char verb = f[i];
      if (std::string_view("sdfeboxX").find(verb) == std::string_view::npos)
        return refuse(call_expr, std::string("could not parse formatting clause: unrecognized formatting clause \"") +
                                     verb + "\"");
      if (next >= list->elements.size())
        return refuse(call_expr, "index " + std::to_string(next) + " out of range");
      const Expr& arg = *list->elements[next++];
      auto clause_error = [&](const Expr& at, const char* what) {
        refuse(at, std::string("error during formatting: ") + what + final_type(at).runtime_name());
      };
      switch (verb) {
        case 's':
          if (const Expr* bad = bad_string_argument(arg))
            clause_error(*bad, "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, "
                               "types, durations, and timestamps, was given ");
          break;
        case 'd':
          if (!type_one_of(arg, {TypeKind::Int, TypeKind::Uint}))
            clause_error(arg, "decimal clause can only be used on integers, was given ");
          break;
        case 'f':
          if (!type_one_of(arg, {TypeKind::Double, TypeKind::String}))
            clause_error(arg, "fixed-point clause can only be used on doubles, was given ");
          break;
        case 'e':
          if (!type_one_of(arg, {TypeKind::Double, TypeKind::String}))
            clause_error(arg, "scientific clause can only be used on doubles, was given ");
          break;
        case 'b':
          if (!type_one_of(arg, {TypeKind::Int, TypeKind::Uint, TypeKind::Bool}))
            clause_error(arg, "only integers and bools can be formatted as binary, was given ");
          break;
        case 'o':
          if (!type_one_of(arg, {TypeKind::Int, TypeKind::Uint}))
            clause_error(arg, "octal clause can only be used on integers, was given ");
          break;
        default:
          if (!type_one_of(arg, {TypeKind::Int, TypeKind::Uint, TypeKind::String, TypeKind::Bytes}))
            clause_error(arg, "only integers, byte buffers, and strings can be formatted as hex, was given ");
      }
    }
    if (!error_ && list->elements.size() > next)
      refuse(call_expr, "too many arguments supplied to string.format (expected " + std::to_string(next) + ", got " +
                            std::to_string(list->elements.size()) + ")");
  }

  void run_validators() {
    for (const auto& [e, call] : format_calls_) {
      if (error_) return;
      validate_format(*e, *call);
    }
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
    return Planned{make_const_step(c.value), t, true};
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
        case TypeKind::Unspecified:
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
    bool all_go_const = true;
    for (size_t i = 0; i < l.elements.size(); ++i) {
      Planned p = plan(*l.elements[i]);
      all_go_const = all_go_const && p.go_const;
      CelType t = p.type;
      if (optional[i]) t = t.kind() == TypeKind::Optional ? t.param_at(0) : CelType::dyn();
      types.push_back(t);
      steps.push_back(std::move(p.step));
    }
    auto elem = join_element_types(e, types, "elem");
    if (!elem) return Planned{make_error_step("compile error"), CelType::error()};
    return Planned{make_list_step(std::move(steps), std::move(optional)), CelType::list(*elem), all_go_const};
  }

  Planned plan_kind(const Expr& e, const MapExpr& m) {
    std::vector<std::pair<StepPtr, StepPtr>> steps;
    std::vector<bool> optional;
    std::vector<CelType> key_types, value_types;
    bool all_go_const = true;
    for (const auto& entry : m.entries) {
      Planned k = plan(*entry.key);
      Planned v = plan(*entry.value);
      all_go_const = all_go_const && k.go_const && v.go_const;
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
    return Planned{make_map_step(std::move(steps), std::move(optional)), CelType::map(*kt, *vt), all_go_const};
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
      case TypeKind::Error:
        // cel-go v0.22 leaves the second variable over a dyn range untyped (a
        // nil type): `m.all(k, v, v != '')` is refused, `k == v` is not.
        if (two) second = CelType::unspecified();
        break;
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
    if (options_.validate_format && call.target && call.function == "format") format_calls_.emplace_back(&e, &call);
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
    std::vector<bool> go_const;
    for (auto& a : args) {
      steps.push_back(std::move(a.step));
      go_const.push_back(a.go_const);
    }
    const bool all_go_const = std::all_of(go_const.begin(), go_const.end(), [](bool b) { return b; });

    if (is_special_function(fn)) {
      Planned p = plan_special(e, fn, std::move(steps), types, result_type);
      // dyn() and type() of a constant are constants for cel-go too.
      if ((fn == "dyn" || fn == "type") && all_go_const) p.go_const = true;
      return p;
    }

    // A constant regular expression is compiled now; when it is cel-go's kind
    // of constant, a bad one refuses the program, as in cel-go.
    if (precompiles_regex(fn) && (receiver || fn == "matches") && steps.size() >= 2) {
      if (const Value* pattern = steps[1]->constant(); pattern && pattern->is_string()) {
        std::string err;
        if (!value::cached_regex(pattern->as_string(), &err)) {
          if (go_const[1]) return fail(e, "program: error parsing regexp: " + err);
        } else if (fn == "matches" && steps.size() == 2) {
          StepPtr s = make_matches_step(std::move(steps[0]), pattern->as_string(), &err);
          if (!s) return fail(e, err);
          return Planned{std::move(s), CelType::bool_()};
        }
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
    // cel-go folds a type conversion of a constant while building the program:
    // int('x'), uint(-1), string(b'\xff'), timestamp(-62135596801) refuse it.
    const bool go_folds = !receiver && is_type_conversion(fn) && steps.size() == 1 && all_go_const;
    if (all_constant) {
      for (const Overload* o : matching) {
        bool fits = true;
        for (size_t i = 0; i < constants.size() && fits; ++i) fits = value_matches_type(constants[i], o->args[i]);
        if (!fits) continue;
        // Kubernetes' literal checks (duration, timestamp) look at literals only.
        if (o->constant_check && all_go_const) {
          if (auto msg = o->constant_check(constants)) return fail(e, *msg);
        }
        if (o->pure) {
          Result r = o->impl(constants);
          if (r.ok()) return Planned{make_const_step(r.take()), result_type, go_folds};
          if (go_folds) return fail(e, "program: " + r.error_message());
        }
        break;
      }
      if (go_folds) {
        // No overload takes the constant's runtime kind (e.g. int(dyn('x'))).
        Result r = make_dispatch_step(fn, matching, std::move(steps))->eval(empty_context());
        if (r.is_error()) return fail(e, "program: " + r.error_message());
        return Planned{make_const_step(r.take()), result_type, true};
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
