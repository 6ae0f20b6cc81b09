#include "rules/cel/planner.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <unordered_map>

#include "rules/cel/format_clauses.h"
#include "rules/cel/steps.h"
#include "rules/cel/struct_value.h"
#include "rules/value/regex_cache.h"

namespace tollgate::cel {

namespace {

// ---- type unification, as cel-go's checker does it ----
//
// Type variables (TypeKind::TypeParam) are either an overload's parameters
// (A, K, V), renamed to fresh "_var<N>" names each time an overload is tried,
// or the free element types of empty literals. One mapping binds them for the
// whole expression; trying an overload works on a copy that is kept when the
// overload fits, so the first overload that fits a still-free type decides it
// (`[].map(x, -x)` makes x a double: negate_double is declared first).

using Mapping = std::map<std::string, CelType, std::less<>>;

bool is_var(const CelType& t) { return t.kind() == TypeKind::TypeParam; }
bool dyn_or_error(const CelType& t) { return t.is_dyn() || t.kind() == TypeKind::Error; }

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
  if (t.is_dyn() || is_var(t)) return true;
  for (const auto& p : t.params())
    if (contains_dyn(p)) return true;
  return false;
}

CelType with_params(const CelType& t, std::vector<CelType> params) {
  switch (t.kind()) {
    case TypeKind::List: return CelType::list(params[0]);
    case TypeKind::Map: return CelType::map(params[0], params[1]);
    case TypeKind::Optional: return CelType::optional(params[0]);
    case TypeKind::Type: return CelType::type(params[0]);
    case TypeKind::Opaque: return CelType::opaque(t.name(), std::move(params));
    default: return t;
  }
}

// cel-go's substitute: bound variables replaced by their types; free ones
// kept, or made dyn when `to_dyn` (what the checker reports at the end).
CelType substitute(const Mapping& m, const CelType& t, bool to_dyn, int depth = 0) {
  if (depth > 64) return CelType::dyn();
  if (is_var(t)) {
    auto it = m.find(t.name());
    if (it != m.end()) return substitute(m, it->second, to_dyn, depth + 1);
    return to_dyn ? CelType::dyn() : t;
  }
  if (t.params().empty()) return t;
  std::vector<CelType> params;
  for (const auto& p : t.params()) params.push_back(substitute(m, p, to_dyn, depth + 1));
  return with_params(t, std::move(params));
}

// Free parameters left in a type are reported as dyn.
CelType close_type(const CelType& t) { return substitute(Mapping{}, t, true); }

bool not_referenced_in(const Mapping& m, const CelType& t, const CelType& within, int depth = 0) {
  if (depth > 64) return false;
  if (t == within) return false;
  if (is_var(within)) {
    auto it = m.find(within.name());
    return it == m.end() ? true : not_referenced_in(m, t, it->second, depth + 1);
  }
  for (const auto& p : within.params())
    if (!not_referenced_in(m, t, p, depth + 1)) return false;
  return true;
}

// cel-go's isEqualOrLessSpecific.
bool less_specific(const CelType& a, const CelType& b) {
  if (a.is_dyn() || is_var(a)) return true;
  if (b.is_dyn() || is_var(b)) return false;
  if (a.kind() != b.kind()) return false;
  if (a.kind() == TypeKind::Opaque && a.name() != b.name()) return false;
  if (a.params().size() != b.params().size()) return false;
  for (size_t i = 0; i < a.params().size(); ++i)
    if (!less_specific(a.param_at(i), b.param_at(i))) return false;
  return true;
}

CelType most_general(const CelType& a, const CelType& b) {
  // null joins a nullable type as that type ([optional.of(1), null] is a list(optional_type(int))).
  if (a.kind() == TypeKind::Null && b.kind() != TypeKind::Null && nullable(b)) return b;
  if (b.kind() == TypeKind::Null && a.kind() != TypeKind::Null && nullable(a)) return a;
  return less_specific(a, b) ? a : b;
}

bool go_assignable(Mapping& m, const CelType& t1, const CelType& t2);

// cel-go's isValidTypeSubstitution: may t1 stand for the variable t2?
std::pair<bool, bool> valid_substitution(Mapping& m, const CelType& t1, const CelType& t2) {
  if (t1 == t2) return {true, true};
  auto it = m.find(t2.name());
  if (it != m.end()) {
    const CelType sub = it->second;
    if (t1 == sub) return {true, true};
    if (go_assignable(m, t1, sub)) {
      const CelType general = most_general(t1, sub);
      if (not_referenced_in(m, t2, general)) m[t2.name()] = general;
      return {true, true};
    }
    return {false, true};
  }
  if (not_referenced_in(m, t2, t1)) {
    m[t2.name()] = t1;
    return {true, false};
  }
  return {false, false};
}

// cel-go's internalIsAssignable(m, t1, t2): t1 an argument's type, t2 a
// parameter's (or two element types being joined).
bool go_assignable(Mapping& m, const CelType& t1, const CelType& t2) {
  if (is_var(t2)) {
    auto [valid, has_sub] = valid_substitution(m, t1, t2);
    if (valid) return true;
    if (has_sub) return false;
  }
  if (is_var(t1)) return valid_substitution(m, t2, t1).first;
  if (dyn_or_error(t1) || dyn_or_error(t2)) return true;
  if (t1.kind() == TypeKind::Null) return nullable(t2);
  if (t2.kind() == TypeKind::Null) return nullable(t1);
  switch (t1.kind()) {
    case TypeKind::Type: return t2.kind() == TypeKind::Type;  // type values compare at run time
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
    case TypeKind::Opaque: {
      if (t1.kind() != t2.kind() || t1.name() != t2.name() || t1.params().size() != t2.params().size()) return false;
      for (size_t i = 0; i < t1.params().size(); ++i)
        if (!go_assignable(m, t1.param_at(i), t2.param_at(i))) return false;
      return true;
    }
    default: return t1.kind() == t2.kind();  // primitives, durations, timestamps, cel-go's nil type
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
    if (!error_ && checking()) check_homogeneous_literals();
    if (!error_ && checking()) run_validators();
    if (error_) {
      if (error) *error = *error_;
      return std::nullopt;
    }
    Plan out;
    out.root = std::move(p.step);
    out.slot_count = slot_count_;
    out.type = substitute(subst_, p.type, true);
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
  // Bindings of the type variables (see go_assignable), and their counter.
  Mapping subst_;
  int next_var_ = 0;
  // List and map literals for the homogeneous-literal check after checking.
  std::vector<const Expr*> literals_;
  // format() calls for the format validator, when the environment has one.
  std::vector<std::pair<const Expr*, const CallExpr*>> format_calls_;

  bool checking() const { return options_.check_types; }

  CelType fresh_var() { return CelType::param("_var" + std::to_string(next_var_++)); }
  CelType resolved(const CelType& t) const { return substitute(subst_, t, false); }

  // An overload's own type parameters renamed to fresh variables.
  CelType instantiate(const CelType& t, std::map<std::string, CelType>& renamed) {
    if (is_var(t)) {
      auto it = renamed.find(t.name());
      if (it != renamed.end()) return it->second;
      return renamed.emplace(t.name(), fresh_var()).first->second;
    }
    if (t.params().empty()) return t;
    std::vector<CelType> params;
    for (const auto& p : t.params()) params.push_back(instantiate(p, renamed));
    return with_params(t, std::move(params));
  }

  // Assignability that keeps the bindings it makes when it holds.
  bool unify(const CelType& t1, const CelType& t2) {
    Mapping m = subst_;
    if (!go_assignable(m, t1, t2)) return false;
    subst_ = std::move(m);
    return true;
  }

  // A call's result type for one signature, or nullopt when the arguments do
  // not fit it (the bindings are then left as they were).
  std::optional<CelType> fit(const std::vector<CelType>& arg_types, const std::vector<CelType>& params,
                             const CelType& result) {
    std::map<std::string, CelType> renamed;
    Mapping m = subst_;
    for (size_t i = 0; i < params.size(); ++i)
      if (!go_assignable(m, arg_types[i], instantiate(params[i], renamed))) return std::nullopt;
    subst_ = std::move(m);
    return substitute(subst_, instantiate(result, renamed), false);
  }

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
    return it == expr_types_.end() ? CelType::dyn() : substitute(subst_, it->second, true);
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
    std::vector<FormatPiece> pieces;
    if (auto message = split_format(fmt->value.as_string(), &pieces)) {
      fail(call_expr, *message);
      return;
    }
    size_t next = 0;
    for (const FormatPiece& piece : pieces) {
      if (error_) return;
      if (piece.verb == 0) continue;
      const char verb = piece.verb;
      if (!known_format_verb(verb)) {
        fail(call_expr, unknown_format_verb_error(verb));
        return;
      }
      if (next >= list->elements.size()) {
        fail(call_expr, "index " + std::to_string(next) + " out of range");
        return;
      }
      const Expr& arg = *list->elements[next++];
      auto clause_error = [&](const Expr& at, const char* what) {
        fail(at, std::string("error during formatting: ") + what + final_type(at).runtime_name());
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
      fail(call_expr, "too many arguments supplied to string.format (expected " + std::to_string(next) + ", got " +
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
          return Planned{make_ident_step(i, options_.identifiers[i]), t};
        }
      }
      constexpr std::string_view kVariables = "variables.";
      if (candidate.size() > kVariables.size() && candidate.compare(0, kVariables.size(), kVariables) == 0) {
        const std::string_view var = std::string_view(candidate).substr(kVariables.size());
        for (size_t i = 0; i < options_.lazy_variables.size(); ++i)
          if (options_.lazy_variables[i] == var) {
            CelType t = i < options_.lazy_variable_types.size() ? options_.lazy_variable_types[i] : CelType::dyn();
            return Planned{make_lazy_variable_step(i), t};
          }
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

  // cel-go's checkSelectField (field selection and has()): an optional is
  // looked into; maps, dyn and errors can be selected from, a still-free type
  // becomes dyn, anything else is refused.
  bool selectable(const Expr& e, const CelType& operand_type) {
    if (!checking()) return true;
    CelType target = resolved(operand_type);
    if (target.kind() == TypeKind::Optional) target = resolved(target.param_at(0));
    if (target.kind() == TypeKind::Map || dyn_or_error(target)) return true;
    if (is_var(target)) return unify(CelType::dyn(), target);
    if (declared_struct(target)) return true;
    fail(e, "type '" + target.to_string() + "' does not support field selection");
    return false;
  }

  bool declared_struct(const CelType& t) const {
    return t.kind() == TypeKind::Opaque && options_.struct_types != nullptr && options_.struct_types->has_type(t.name());
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
      if (!selectable(e, operand.type)) return Planned{make_error_step("compile error"), CelType::error()};
      // cel-go checks the field of a declared type in has() too.
      if (checking()) {
        CelType target = resolved(operand.type);
        if (target.kind() == TypeKind::Optional) target = resolved(target.param_at(0));
        if (declared_struct(target) && !options_.struct_types->field_type(target.name(), s.field))
          return fail(e, "undefined field '" + s.field + "'");
      }
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
    // cel-go's checkSelectField: an optional operand is looked into and the
    // result is optional again; maps give their value type; a still-free type
    // becomes dyn; anything else but dyn cannot be selected from.
    const CelType operand_type = resolved(operand.type);
    const bool in_optional = operand_type.kind() == TypeKind::Optional;
    if (!selectable(e, operand.type)) return Planned{make_error_step("compile error"), CelType::error()};
    const CelType target = in_optional ? resolved(operand_type.param_at(0)) : operand_type;
    CelType t = target.kind() == TypeKind::Map ? target.param_at(1) : CelType::dyn();
    if (checking() && declared_struct(target)) {
      auto declared = options_.struct_types->field_type(target.name(), s.field);
      if (!declared) return fail(e, "undefined field '" + s.field + "'");
      t = *declared;
    }
    if (s.optional || in_optional) t = CelType::optional(t);
    if (s.optional) return Planned{make_optional_select_step(std::move(operand.step), s.field), t};
    return Planned{make_select_step(std::move(operand.step), s.field), t};
  }

  // ---- aggregates ----

  // cel-go's joinTypes: the element types of a literal join to the most
  // general one when they are assignable, otherwise to dyn (Kubernetes
  // refuses mixed literals afterwards, see check_homogeneous_literals).
  CelType join(const std::optional<CelType>& previous, const CelType& current) {
    if (!previous) return current;
    if (unify(*previous, current)) return most_general(*previous, current);
    return CelType::dyn();
  }

  // `?e` in a literal: e must be optional (or dyn); its value type joins.
  std::optional<CelType> optional_entry_type(const Expr& at, const CelType& type) {
    const CelType t = resolved(type);
    if (t.kind() == TypeKind::Optional) return t.param_at(0);
    if (t.is_dyn() || !checking()) return CelType::dyn();
    fail(at, "expected type '" + CelType::optional(t).to_string() + "' but found '" + t.to_string() + "'");
    return std::nullopt;
  }

  Planned plan_kind(const Expr& e, const ListExpr& l) {
    std::vector<StepPtr> steps;
    std::vector<bool> optional(l.elements.size(), false);
    for (size_t i : l.optional_indices)
      if (i < optional.size()) optional[i] = true;
    std::optional<CelType> elem;
    bool all_go_const = true;
    for (size_t i = 0; i < l.elements.size(); ++i) {
      Planned p = plan(*l.elements[i]);
      all_go_const = all_go_const && p.go_const;
      std::optional<CelType> t = p.type;
      if (optional[i]) t = optional_entry_type(*l.elements[i], p.type);
      if (!t) return Planned{make_error_step("compile error"), CelType::error()};
      elem = join(elem, *t);
      steps.push_back(std::move(p.step));
    }
    note_literal(e);
    return Planned{make_list_step(std::move(steps), std::move(optional)), CelType::list(elem ? *elem : fresh_var()),
                   all_go_const};
  }

  Planned plan_kind(const Expr& e, const MapExpr& m) {
    std::vector<std::pair<StepPtr, StepPtr>> steps;
    std::vector<bool> optional;
    std::optional<CelType> key_type, value_type;
    bool all_go_const = true;
    for (const auto& entry : m.entries) {
      Planned k = plan(*entry.key);
      if (checking()) {
        switch (resolved(k.type).kind()) {
          case TypeKind::Int:
          case TypeKind::Uint:
          case TypeKind::Bool:
          case TypeKind::String:
          case TypeKind::Dyn:
          case TypeKind::Error:
          case TypeKind::TypeParam: break;
          default: return fail(*entry.key, "unsupported map key type '" + resolved(k.type).to_string() + "'");
        }
      }
      key_type = join(key_type, k.type);
      Planned v = plan(*entry.value);
      all_go_const = all_go_const && k.go_const && v.go_const;
      std::optional<CelType> vt = v.type;
      if (entry.optional) vt = optional_entry_type(*entry.value, v.type);
      if (!vt) return Planned{make_error_step("compile error"), CelType::error()};
      value_type = join(value_type, *vt);
      steps.emplace_back(std::move(k.step), std::move(v.step));
      optional.push_back(entry.optional);
    }
    note_literal(e);
    if (!key_type) {
      key_type = fresh_var();
      value_type = fresh_var();
    }
    return Planned{make_map_step(std::move(steps), std::move(optional)), CelType::map(*key_type, *value_type),
                   all_go_const};
  }

  void note_literal(const Expr& e) {
    if (options_.homogeneous_literals && checking() && suspend_homogeneous_ == 0) literals_.push_back(&e);
  }

  // Kubernetes (1.29+, cel-go's homogeneous-aggregate-literal validator): the
  // elements of a list literal, and the keys and the values of a map literal,
  // must have one and the same type once checking is done (`[1, dyn(2)]` and
  // `[object.name, 'x']` are refused; wrap elements with dyn() to mix).
  void check_homogeneous_literals() {
    for (const Expr* e : literals_) {
      if (error_) return;
      auto element_type = [&](const Expr& x, bool optional) {
        CelType t = final_type(x);
        if (optional && t.kind() == TypeKind::Optional) t = t.param_at(0);
        return t;
      };
      auto check = [&](std::optional<CelType>& first, const Expr& x, bool optional) {
        const CelType t = element_type(x, optional);
        if (!first) {
          first = t;
        } else if (!(*first == t)) {
          fail(x, "expected type '" + first->to_string() + "' but found '" + t.to_string() + "'");
        }
      };
      if (const auto* l = std::get_if<ListExpr>(&e->kind)) {
        std::optional<CelType> first;
        for (size_t i = 0; i < l->elements.size() && !error_; ++i) {
          const bool optional = std::find(l->optional_indices.begin(), l->optional_indices.end(), i) !=
                                l->optional_indices.end();
          check(first, *l->elements[i], optional);
        }
      } else if (const auto* m = std::get_if<MapExpr>(&e->kind)) {
        std::optional<CelType> first_key, first_value;
        for (const auto& entry : m->entries) {
          if (!error_) check(first_key, *entry.key, false);
          if (!error_) check(first_value, *entry.value, entry.optional);
        }
      }
    }
  }

  Planned plan_kind(const Expr& e, const StructExpr& s) {
    const std::string name = s.type_name.starts_with('.') ? s.type_name.substr(1) : s.type_name;
    const StructTypeProvider* types = options_.struct_types;
    if (types == nullptr || !types->has_type(name))
      return fail(e, "undeclared reference to '" + s.type_name + "'" + container_note());
    std::vector<StructFieldStep> fields;
    for (const auto& f : s.fields) {
      auto declared = types->field_type(name, f.name);
      if (!declared) return fail(e, "undefined field '" + f.name + "'");
      Planned v = plan(*f.value);
      std::optional<CelType> t = v.type;
      if (f.optional) t = optional_entry_type(*f.value, v.type);
      if (!t) return Planned{make_error_step("compile error"), CelType::error()};
      if (checking() && !unify(*t, *declared))
        return fail(*f.value, "expected type of field '" + f.name + "' is '" + declared->to_string() +
                                  "' but provided type is '" + resolved(*t).to_string() + "'");
      fields.push_back(StructFieldStep{f.name, std::move(v.step), f.optional});
    }
    return Planned{make_struct_step(types, name, std::move(fields)), CelType::opaque(name)};
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
    const CelType range_type = resolved(range.type);
    switch (range_type.kind()) {
      case TypeKind::List:
        if (two) {
          first = CelType::int_();
          second = range_type.param_at(0);
        } else {
          first = range_type.param_at(0);
        }
        break;
      case TypeKind::Map:
        first = range_type.param_at(0);
        second = range_type.param_at(1);
        break;
      case TypeKind::TypeParam:
        if (checking()) unify(CelType::dyn(), range_type);  // cel-go fixes a free range type to dyn
        [[fallthrough]];
      case TypeKind::Dyn:
      case TypeKind::Error:
        // cel-go v0.22 leaves the second variable over a dyn range untyped (a
        // nil type): `m.all(k, v, v != '')` is refused, `k == v` is not.
        if (two) second = CelType::unspecified();
        break;
      default:
        if (checking())
          return fail(*c.iter_range, "expression of type '" + range_type.to_string() +
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
      // cel-go asserts the step's type against the accumulator's.
      if (checking()) unify(init.type, step.type);
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
    if (!unify(t, CelType::bool_()))
      fail(e, std::string("found no matching overload for '") + fn + "' applied to '(" + arg_type_name(resolved(t)) +
                  ")'");
  }

  // How cel-go's checker names an argument type in overload errors
  // (FormatCELType): null_type is "null" there.
  static std::string arg_type_name(const CelType& t) {
    return t.kind() == TypeKind::Null ? "null" : t.to_string();
  }

  static std::string describe_args(bool receiver, const std::vector<CelType>& types) {
    std::string out;
    size_t start = 0;
    if (receiver && !types.empty()) {
      out += arg_type_name(types[0]) + ".";
      start = 1;
    }
    out += "(";
    for (size_t i = start; i < types.size(); ++i) {
      if (i > start) out += ", ";
      out += arg_type_name(types[i]);
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
          const CelType A = CelType::param("A");
          auto j = fit({t.type, f.type}, {A, A}, A);  // cel-go: _?_:_(bool, A, A) -> A
          if (!j)
            return fail(e, "found no matching overload for '_?_:_' applied to '(" + arg_type_name(resolved(k.type)) +
                               ", " + arg_type_name(resolved(t.type)) + ", " + arg_type_name(resolved(f.type)) + ")'");
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
      const CelType A = CelType::param("A");
      CelType rt = CelType::dyn();
      if (checking()) {
        // optional(A).or(optional(A)) -> optional(A); optional(A).orValue(A) -> A
        auto j = fn == "or" ? fit({l.type, r.type}, {CelType::optional(A), CelType::optional(A)}, CelType::optional(A))
                            : fit({l.type, r.type}, {CelType::optional(A), A}, A);
        if (!j)
          return fail(e, "found no matching overload for '" + fn + "' applied to '" +
                             describe_args(true, {resolved(l.type), resolved(r.type)}) + "'");
        rt = *j;
      }
      return Planned{make_optional_or_step(std::move(l.step), std::move(r.step), fn == "orValue"), rt};
    }

    std::vector<Planned> args;
    const bool exempt = receiver && fn == "format";
    if (exempt) ++suspend_homogeneous_;
    for (const Expr* x : exprs) args.push_back(plan(*x));
    if (exempt) --suspend_homogeneous_;
    if (error_) return Planned{make_error_step("compile error"), CelType::error()};
    std::vector<CelType> types;
    for (const auto& a : args) types.push_back(resolved(a.type));

    const auto* overloads = registry_.find(fn);
    if (overloads == nullptr) return undeclared(e, fn);
    // cel-go's resolveOverload: overloads in declaration order; each that
    // fits keeps its bindings (see fit), the first fixes the result type and
    // a second with another result type makes it dyn.
    std::vector<const Overload*> matching;
    std::optional<CelType> result;
    for (const auto& o : *overloads) {
      if ((o.style == CallStyle::Receiver) != receiver || o.args.size() != args.size()) continue;
      CelType rt = close_type(o.result);
      if (checking()) {
        auto fitted = fit(types, o.args, o.result);
        if (!fitted) continue;
        rt = *fitted;
      }
      matching.push_back(&o);
      if (!result) result = rt;
      else if (!result->is_dyn() && !(rt == *result)) result = CelType::dyn();
    }
    if (matching.empty()) {
      std::vector<CelType> shown;
      for (const auto& t : types) shown.push_back(substitute(subst_, t, true));
      return fail(e, "found no matching overload for '" + fn + "' applied to '" + describe_args(receiver, shown) + "'");
    }
    const CelType result_type = *result;

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
    // Not with declared struct types: their fields are read from JSON values,
    // which need not have the declared type (Kubernetes' namespaceObject
    // declares timestamps that arrive as strings), so the runtime kinds are
    // still checked, and a mismatch is cel-go's "no such overload".
    if (options_.struct_types != nullptr) static_types = false;
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
  Mapping m;
  return go_assignable(m, arg, param);
}

std::optional<Plan> plan_expression(const Expr& expr, const FunctionRegistry& registry, const PlanOptions& options,
                                    CompileError* error) {
  Planner planner(registry, options);
  return planner.run(expr, error);
}

}  // namespace tollgate::cel
