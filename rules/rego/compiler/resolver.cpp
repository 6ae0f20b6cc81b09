#include "rules/rego/compiler/resolver.h"

#include <algorithm>
#include <set>

#include "rules/rego/ast_text.h"
#include "rules/rego/compiler/rule_tree.h"
#include "rules/rego/number.h"

namespace tollgate::rego::compiler {

using value::Value;

namespace {

ir::Term konst(Value v, Location loc) {
  ir::Term t;
  t.op = ir::TermOp::Const;
  t.value = std::move(v);
  t.loc = loc;
  return t;
}

ir::Term local(uint32_t slot, const std::string& name, Location loc) {
  ir::Term t;
  t.op = ir::TermOp::Local;
  t.slot = slot;
  t.name = name;
  t.loc = loc;
  t.pattern_slots = {slot};
  return t;
}

bool all_const(const std::vector<ir::Term>& items) {
  return std::all_of(items.begin(), items.end(), [](const ir::Term& t) { return t.is_const(); });
}

std::optional<ir::CallOp> comparison(std::string_view name) {
  if (name == "equal") return ir::CallOp::Equal;
  if (name == "neq") return ir::CallOp::Neq;
  if (name == "lt") return ir::CallOp::Lt;
  if (name == "lte") return ir::CallOp::Lte;
  if (name == "gt") return ir::CallOp::Gt;
  if (name == "gte") return ir::CallOp::Gte;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& segs) {
  std::string out;
  for (const auto& s : segs) {
    if (!out.empty()) out += '.';
    out += s;
  }
  return out;
}

}  // namespace

void compute_pattern_slots(ir::Term& t) {
  t.pattern_slots.clear();
  switch (t.op) {
    case ir::TermOp::Local: t.pattern_slots.push_back(t.slot); break;
    case ir::TermOp::Array:
      for (const auto& item : t.items) {
        t.pattern_slots.insert(t.pattern_slots.end(), item.pattern_slots.begin(), item.pattern_slots.end());
      }
      break;
    case ir::TermOp::Object:
      for (size_t i = 1; i < t.items.size(); i += 2) {
        t.pattern_slots.insert(t.pattern_slots.end(), t.items[i].pattern_slots.begin(),
                               t.items[i].pattern_slots.end());
      }
      break;
    default: break;
  }
}

void Resolver::error(std::string code, std::string message, Location loc) {
  errors_.push_back({std::move(code), std::move(message), std::string(names_.file), loc});
}

// ---- occurrences ----

void Resolver::note_occurrences(const Term& t, Scope& scope) {
  switch (t.kind) {
    case TermKind::Var:
      if (!t.is_wildcard()) scope.note_occurring(t.name);
      break;
    case TermKind::ArrayCompr:
    case TermKind::SetCompr:
    case TermKind::ObjectCompr: break;  // closures have their own scope
    case TermKind::Object:
      for (const auto& [k, v] : t.entries) {
        note_occurrences(k, scope);
        note_occurrences(v, scope);
      }
      break;
    default:
      for (const auto& item : t.items) note_occurrences(item, scope);
      break;
  }
}

namespace {

void declared_names(const Term& pattern, std::set<std::string>& out) {
  if (pattern.kind == TermKind::Var) {
    out.insert(pattern.name);
  } else if (pattern.kind == TermKind::Array) {
    for (const auto& item : pattern.items) declared_names(item, out);
  } else if (pattern.kind == TermKind::Object) {
    for (const auto& [k, v] : pattern.entries) declared_names(v, out);
  }
}

}  // namespace

void Resolver::note_occurrences(const Query& q, Scope& scope, const std::vector<const Term*>& extra) {
  // Names this body declares (`:=`, `some`) are its own: a closure's
  // variable of the same name is not captured by them.
  std::set<std::string> declared;
  for (const auto& e : q.exprs) {
    switch (e.kind) {
      case ExprKind::Assign: declared_names(e.terms[0], declared); break;
      case ExprKind::SomeDecl:
        for (const auto& v : e.terms) declared_names(v, declared);
        break;
      case ExprKind::SomeIn:
        for (size_t i = 0; i + 1 < e.terms.size(); ++i) declared_names(e.terms[i], declared);
        break;
      default: break;
    }
  }
  Scope probe(scope.frame(), nullptr);
  for (const auto& e : q.exprs) {
    if (e.kind == ExprKind::Every) {
      note_occurrences(e.terms.back(), probe);  // the domain; the variables belong to the every body
    } else {
      for (const auto& t : e.terms) note_occurrences(t, probe);
    }
    for (const auto& w : e.with) note_occurrences(w.value, probe);
  }
  for (const Term* t : extra) note_occurrences(*t, probe);
  for (const auto& name : probe.occurring()) {
    if (declared.count(name) == 0) scope.note_occurring(name);
  }
}

// ---- names ----

std::optional<uint32_t> Resolver::find_declared(const std::string& name, Scope& scope) {
  for (Scope* s = &scope; s != nullptr; s = s->parent()) {
    if (const uint32_t* slot = s->declared(name)) {
      for (Scope* c = &scope; c != s; c = c->parent()) c->capture(*slot);
      return *slot;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> Resolver::find_implicit(const std::string& name, Scope& scope) {
  for (Scope* s = &scope; s != nullptr; s = s->parent()) {
    const uint32_t* slot = s->implicit(name);
    std::optional<uint32_t> found;
    if (slot != nullptr) {
      found = *slot;
    } else if (s != &scope && s->occurs(name)) {
      found = s->add_implicit(name, {});
    }
    if (found) {
      for (Scope* c = &scope; c != s; c = c->parent()) c->capture(*found);
      return found;
    }
  }
  return std::nullopt;
}

std::optional<Resolver::Root> Resolver::global(const std::string& name) const {
  Root root;
  if (name == "input") {
    root.kind = Root::Kind::Input;
    return root;
  }
  if (name == "data") {
    root.kind = Root::Kind::Data;
    return root;
  }
  if (auto it = names_.imports.find(name); it != names_.imports.end()) {
    root.kind = it->second.input ? Root::Kind::Input : Root::Kind::Data;
    root.keys = it->second.keys;
    return root;
  }
  if (names_.rules != nullptr && names_.rules->count(name) > 0) {
    root.kind = Root::Kind::Data;
    root.keys = names_.package;
    root.keys.push_back(Value::string(name));
    return root;
  }
  return std::nullopt;
}

Resolver::Root Resolver::resolve_name(const std::string& name, Scope& scope, Location loc) {
  Root root;
  if (auto slot = find_declared(name, scope)) {
    root.kind = Root::Kind::Local;
    root.slot = *slot;
    return root;
  }
  if (auto g = global(name)) return *g;
  root.kind = Root::Kind::Local;
  if (auto slot = find_implicit(name, scope)) {
    root.slot = *slot;
  } else {
    root.slot = scope.add_implicit(name, loc);
  }
  return root;
}

ir::Term Resolver::var(const Term& t, Scope& scope) {
  if (t.is_wildcard()) return local(scope.wildcard(t.loc), "_", t.loc);
  Root root = resolve_name(t.name, scope, t.loc);
  if (root.kind == Root::Kind::Local) return local(root.slot, t.name, t.loc);
  return from_root(root, {}, t.loc);
}

ir::Term Resolver::data_ref(std::vector<Value> path, std::vector<ir::Term> operands, Location loc) {
  size_t absorbed = 0;
  while (absorbed < operands.size() && operands[absorbed].is_const()) path.push_back(operands[absorbed++].value);
  operands.erase(operands.begin(), operands.begin() + static_cast<std::ptrdiff_t>(absorbed));

  if (!policy_.options.allowed_data_roots.empty()) {
    const auto& allowed = policy_.options.allowed_data_roots;
    bool ok = !path.empty() && path[0].is_string() &&
              (package_roots_.count(path[0].as_string()) > 0 ||
               std::find(allowed.begin(), allowed.end(), path[0].as_string()) != allowed.end());
    if (!ok) {
      std::string what = path.empty() ? "data" : data_path_text({path[0]});
      error("rego_compile_error", "invalid reference to " + what + ": only data." +
                                      [&] {
                                        std::string s;
                                        for (const auto& a : allowed) s += (s.empty() ? "" : ", data.") + a;
                                        return s;
                                      }() +
                                      " and the compiled packages may be referenced",
            loc);
    }
  }

  ir::Term t;
  t.op = ir::TermOp::DataRef;
  t.loc = loc;
  const ir::DataNode* node = &policy_.root;
  for (const auto& key : path) {
    const ir::DataNode* next = node->child(key);
    if (next == nullptr) break;
    node = next;
    if (node->has_rules_here()) break;  // below here it is the rules' value
  }
  t.node = node;
  t.path = std::move(path);
  t.items = std::move(operands);
  return t;
}

ir::Term Resolver::from_root(const Root& root, std::vector<ir::Term> operands, Location loc) {
  switch (root.kind) {
    case Root::Kind::Data: return data_ref(root.keys, std::move(operands), loc);
    case Root::Kind::Input: {
      ir::Term t;
      t.op = ir::TermOp::Ref;
      t.loc = loc;
      ir::Term head;
      head.op = ir::TermOp::Input;
      head.loc = loc;
      t.items.push_back(std::move(head));
      for (const auto& k : root.keys) t.items.push_back(konst(k, loc));
      for (auto& o : operands) t.items.push_back(std::move(o));
      if (t.items.size() == 1) return std::move(t.items[0]);
      return t;
    }
    case Root::Kind::Local:
    case Root::Kind::None: break;
  }
  ir::Term t;
  t.op = ir::TermOp::Ref;
  t.loc = loc;
  t.items.push_back(local(root.slot, "", loc));
  for (auto& o : operands) t.items.push_back(std::move(o));
  return t;
}

ir::Term Resolver::ref(const Term& t, Scope& scope) {
  const Term& head = t.items[0];
  std::vector<ir::Term> operands;
  auto compile_operands = [&] {
    for (size_t i = 1; i < t.items.size(); ++i) operands.push_back(term(t.items[i], scope));
  };
  if (head.kind == TermKind::Var && !head.is_wildcard()) {
    Root root = resolve_name(head.name, scope, head.loc);
    compile_operands();
    if (root.kind == Root::Kind::Local) {
      ir::Term r;
      r.op = ir::TermOp::Ref;
      r.loc = t.loc;
      r.items.push_back(local(root.slot, head.name, head.loc));
      for (auto& o : operands) r.items.push_back(std::move(o));
      return r;
    }
    return from_root(root, std::move(operands), t.loc);
  }
  ir::Term r;
  r.op = ir::TermOp::Ref;
  r.loc = t.loc;
  r.items.push_back(term(head, scope));
  compile_operands();
  for (auto& o : operands) r.items.push_back(std::move(o));
  if (r.items[0].is_const() && all_const(r.items)) {
    // A constant collection indexed by constants: fold.
    const Value* v = &r.items[0].value;
    for (size_t i = 1; i < r.items.size() && v != nullptr; ++i) {
      const Value& k = r.items[i].value;
      // As OPA looks keys up: 2 does not find the key 2.0, nor 1.0 an array index.
      if (v->is_object()) {
        v = opa_object_get(*v, k);
      } else if (v->is_array() && k.is_number() && integer_text(k)) {
        double d = k.to_double();
        v = (d >= 0 && d == static_cast<double>(static_cast<size_t>(d))) ? v->at(static_cast<size_t>(d)) : nullptr;
      } else if (v->is_set()) {
        v = opa_set_contains(*v, k) ? &k : nullptr;
      } else {
        v = nullptr;
      }
    }
    if (v != nullptr) return konst(*v, t.loc);
  }
  return r;
}

ir::Term Resolver::composite(const Term& t, Scope& scope) {
  ir::Term out;
  out.loc = t.loc;
  if (t.kind == TermKind::Object) {
    out.op = ir::TermOp::Object;
    for (const auto& [k, v] : t.entries) {
      out.items.push_back(term(k, scope));
      out.items.push_back(term(v, scope));
    }
  } else {
    out.op = t.kind == TermKind::Array ? ir::TermOp::Array : ir::TermOp::Set;
    for (const auto& item : t.items) out.items.push_back(term(item, scope));
  }
  if (all_const(out.items)) {
    std::vector<Value> values;
    values.reserve(out.items.size());
    for (auto& item : out.items) values.push_back(std::move(item.value));
    if (out.op == ir::TermOp::Array) return konst(Value::array(std::move(values)), t.loc);
    if (out.op == ir::TermOp::Set) return konst(Value::set(std::move(values)), t.loc);
    std::vector<Value::Entry> entries;
    for (size_t i = 0; i + 1 < values.size(); i += 2) entries.emplace_back(values[i], values[i + 1]);
    return konst(Value::object(std::move(entries)), t.loc);
  }
  compute_pattern_slots(out);
  return out;
}

ir::Term Resolver::closure(const Term& t, Scope& scope) {
  Scope inner(scope.frame(), &scope);
  std::vector<const Term*> heads;
  size_t nheads = t.kind == TermKind::ObjectCompr ? 2 : 1;
  for (size_t i = 0; i < nheads && i < t.items.size(); ++i) heads.push_back(&t.items[i]);
  auto body = std::make_shared<ir::Body>(this->body(*t.body, inner, heads));
  ir::Term out;
  out.loc = t.loc;
  out.op = t.kind == TermKind::ArrayCompr ? ir::TermOp::ArrayCompr
           : t.kind == TermKind::SetCompr ? ir::TermOp::SetCompr
                                          : ir::TermOp::ObjectCompr;
  for (const Term* h : heads) out.items.push_back(term(*h, inner));
  body->captured = inner.captured();
  out.body = std::move(body);
  return out;
}

ir::Term Resolver::term(const Term& t, Scope& scope) {
  switch (t.kind) {
    case TermKind::Scalar: return konst(t.value, t.loc);
    case TermKind::Var: return var(t, scope);
    case TermKind::Ref: return ref(t, scope);
    case TermKind::Array:
    case TermKind::Set:
    case TermKind::Object: return composite(t, scope);
    case TermKind::ArrayCompr:
    case TermKind::SetCompr:
    case TermKind::ObjectCompr: return closure(t, scope);
    case TermKind::Call: {
      auto c = call_term(t, scope, false, nullptr);
      if (c) return std::move(*c);
      return konst(Value(), t.loc);
    }
  }
  return konst(Value(), t.loc);
}

ir::Term Resolver::declare_pattern(const Term& t, Scope& scope, bool strict) {
  switch (t.kind) {
    case TermKind::Var: {
      if (t.is_wildcard()) return local(scope.wildcard(t.loc), "_", t.loc);
      if (strict) {
        if (scope.declared(t.name) != nullptr) {
          error("rego_compile_error", "var " + t.name + " assigned above", t.loc);
        } else if (scope.implicit(t.name) != nullptr) {
          error("rego_compile_error", "var " + t.name + " referenced above", t.loc);
        }
      }
      uint32_t slot = scope.frame().add(t.name, t.loc);
      scope.declare(t.name, slot);  // a re-declaration (an error when strict) shadows the earlier one
      return local(slot, t.name, t.loc);
    }
    case TermKind::Array: {
      ir::Term out;
      out.op = ir::TermOp::Array;
      out.loc = t.loc;
      for (const auto& item : t.items) out.items.push_back(declare_pattern(item, scope, strict));
      if (all_const(out.items)) return composite(t, scope);
      compute_pattern_slots(out);
      return out;
    }
    case TermKind::Object: {
      ir::Term out;
      out.op = ir::TermOp::Object;
      out.loc = t.loc;
      for (const auto& [k, v] : t.entries) {
        out.items.push_back(term(k, scope));
        out.items.push_back(declare_pattern(v, scope, strict));
      }
      if (all_const(out.items)) return composite(t, scope);
      compute_pattern_slots(out);
      return out;
    }
    default: return term(t, scope);
  }
}

// ---- calls ----

std::optional<std::vector<std::string>> Resolver::operator_segments(const Term& op) {
  if (op.kind == TermKind::Var) return std::vector<std::string>{op.name};
  if (op.kind != TermKind::Ref || op.items.empty() || op.items[0].kind != TermKind::Var) return std::nullopt;
  std::vector<std::string> segs{op.items[0].name};
  for (size_t i = 1; i < op.items.size(); ++i) {
    const Term& s = op.items[i];
    if (s.kind != TermKind::Scalar || !s.value.is_string()) return std::nullopt;
    segs.push_back(s.value.as_string());
  }
  return segs;
}

std::optional<Resolver::CallTarget> Resolver::resolve_function(const std::vector<std::string>& segs, Scope& scope,
                                                               Location loc, bool report) {
  std::optional<std::vector<Value>> path;
  if (segs[0] == "data") {
    path.emplace();
  } else if (auto it = names_.imports.find(segs[0]); it != names_.imports.end() && !it->second.input) {
    path = it->second.keys;
  } else if (names_.rules != nullptr && names_.rules->count(segs[0]) > 0) {
    path = names_.package;
    path->push_back(Value::string(segs[0]));
  }
  if (path && find_declared(segs[0], scope)) path.reset();
  if (path) {
    for (size_t i = 1; i < segs.size(); ++i) path->push_back(Value::string(segs[i]));
    const ir::DataNode* node = policy_.node_at(*path);
    if (node != nullptr && node->group != nullptr && node->group->kind == ir::GroupKind::Function) {
      CallTarget target;
      target.op = ir::CallOp::Function;
      target.function = node->group;
      target.arity = node->group->arity;
      target.name = data_path_text(*path);
      return target;
    }
  }
  std::string name = join(segs);
  CallTarget target;
  target.name = name;
  if (auto cmp = comparison(name)) {
    target.op = *cmp;
    target.arity = 2;
    return target;
  }
  if (name == "print") {
    target.op = ir::CallOp::Print;
    target.variadic = true;
    target.builtin = policy_.builtins->find(name);
    return target;
  }
  const BuiltinInfo* info = policy_.builtins->find(name);
  if (info != nullptr && !(info->deprecated && names_.version == RegoVersion::V1)) {
    target.op = ir::CallOp::Builtin;
    target.builtin = info;
    target.arity = static_cast<size_t>(info->arity);
    return target;
  }
  if (report) error("rego_type_error", "undefined function " + name, loc);
  return std::nullopt;
}

ir::Term Resolver::call(const Term& t, Scope& scope, const CallTarget& target, size_t nargs) {
  ir::Term out;
  out.op = ir::TermOp::Call;
  out.call = target.op;
  out.builtin = target.builtin;
  out.function = target.function;
  out.name = target.name;
  out.loc = t.loc;
  for (size_t i = 1; i <= nargs; ++i) out.items.push_back(term(t.items[i], scope));
  return out;
}

std::optional<ir::Term> Resolver::call_term(const Term& t, Scope& scope, bool allow_output,
                                            std::optional<ir::Term>* output) {
  auto segs = operator_segments(t.items[0]);
  if (!segs) {
    error("rego_type_error", "invalid call operator " + to_text(t.items[0]), t.loc);
    return std::nullopt;
  }
  size_t nargs = t.items.size() - 1;
  if (nargs == 0 && !resolve_function(*segs, scope, t.loc, false)) {
    // `f()` of a rule declared `f() = x { }` (a complete rule, see the parser) is a reference to it.
    return term(t.items[0], scope);
  }
  auto target = resolve_function(*segs, scope, t.loc, true);
  if (!target) return std::nullopt;
  if (target->variadic || nargs == target->arity) return call(t, scope, *target, nargs);
  if (allow_output && nargs == target->arity + 1) {
    ir::Term c = call(t, scope, *target, target->arity);
    *output = term(t.items.back(), scope);
    return c;
  }
  error("rego_type_error", target->name + ": arity mismatch (have " + std::to_string(nargs) + " arguments, want " +
                               std::to_string(target->arity) + ")",
        t.loc);
  return std::nullopt;
}

// ---- expressions ----

ir::WithClause Resolver::with(const With& w, Scope& scope) {
  ir::WithClause out;
  out.loc = w.loc;
  auto segs = operator_segments(w.target);
  bool target_ok = false;
  if (segs) {
    std::optional<std::vector<Value>> data_path;
    if ((*segs)[0] == "input") {
      out.kind = ir::WithClause::Kind::Input;
      for (size_t i = 1; i < segs->size(); ++i) out.path.push_back(Value::string((*segs)[i]));
      target_ok = true;
    } else if ((*segs)[0] == "data") {
      data_path.emplace();
    } else if (auto it = names_.imports.find((*segs)[0]); it != names_.imports.end()) {
      if (it->second.input) {
        out.kind = ir::WithClause::Kind::Input;
        out.path = it->second.keys;
        for (size_t i = 1; i < segs->size(); ++i) out.path.push_back(Value::string((*segs)[i]));
        target_ok = true;
      } else {
        data_path = it->second.keys;
      }
    } else if (names_.rules != nullptr && names_.rules->count((*segs)[0]) > 0) {
      data_path = names_.package;
      data_path->push_back(Value::string((*segs)[0]));
    }
    if (data_path) {
      for (size_t i = 1; i < segs->size(); ++i) data_path->push_back(Value::string((*segs)[i]));
      const ir::DataNode* node = policy_.node_at(*data_path);
      if (node != nullptr && node->group != nullptr && node->group->kind == ir::GroupKind::Function) {
        out.kind = ir::WithClause::Kind::Function;
        out.target = node->group;
      } else {
        out.kind = ir::WithClause::Kind::Data;
        out.path = std::move(*data_path);
      }
      target_ok = true;
    } else if (!target_ok) {
      const BuiltinInfo* info = policy_.builtins->find(join(*segs));
      if (info != nullptr) {
        out.kind = ir::WithClause::Kind::Function;
        out.target = info;
        target_ok = true;
      }
    }
  } else if (w.target.kind == TermKind::Ref && !w.target.items.empty() && w.target.items[0].kind == TermKind::Var &&
             (w.target.items[0].name == "input" || w.target.items[0].name == "data")) {
    // input["a b"] style targets with non-string keys.
    bool input = w.target.items[0].name == "input";
    std::vector<Value> path;
    bool ground = true;
    for (size_t i = 1; i < w.target.items.size(); ++i) {
      if (w.target.items[i].kind != TermKind::Scalar) ground = false;
      else path.push_back(w.target.items[i].value);
    }
    if (ground) {
      out.kind = input ? ir::WithClause::Kind::Input : ir::WithClause::Kind::Data;
      out.path = std::move(path);
      target_ok = true;
    }
  }
  if (!target_ok) {
    error("rego_type_error", "with keyword target must reference existing input, data, or a function", w.loc);
    return out;
  }

  if (out.kind == ir::WithClause::Kind::Function) {
    auto vsegs = operator_segments(w.value);
    if (vsegs && !find_declared((*vsegs)[0], scope) && !(scope.implicit((*vsegs)[0]) != nullptr)) {
      auto g = global((*vsegs)[0]);
      bool is_value_rule = false;
      if (g && g->kind == Root::Kind::Data) {
        std::vector<Value> p = g->keys;
        for (size_t i = 1; i < vsegs->size(); ++i) p.push_back(Value::string((*vsegs)[i]));
        const ir::DataNode* node = policy_.node_at(p);
        is_value_rule = node == nullptr || node->group == nullptr || node->group->kind != ir::GroupKind::Function;
      } else if (g) {
        is_value_rule = true;  // input
      }
      if (!is_value_rule) {
        if (auto f = resolve_function(*vsegs, scope, w.value.loc, false)) {
          if (f->op == ir::CallOp::Function) {
            out.replacement_function = f->function;
          } else if (f->builtin != nullptr) {
            out.replacement_builtin = f->builtin;
          }
          if (out.replacement_function != nullptr || out.replacement_builtin != nullptr) return out;
        }
      }
    }
  }
  out.value = term(w.value, scope);
  return out;
}

std::optional<ir::Expr> Resolver::expr(const Expr& e, Scope& scope) {
  ir::Expr out;
  out.loc = e.loc;
  out.file = names_.file;
  out.negated = e.negated;
  out.text = to_text(e);
  switch (e.kind) {
    case ExprKind::Term: {
      const Term& t = e.terms[0];
      if (t.kind == TermKind::Call) {
        auto segs = operator_segments(t.items[0]);
        if (segs && segs->size() == 1 && (*segs)[0] == "print" && policy_.options.strip_print &&
            !find_declared("print", scope)) {
          return std::nullopt;
        }
        std::optional<ir::Term> output;
        auto c = call_term(t, scope, true, &output);
        if (!c) {
          out.op = ir::ExprOp::True;
          return out;
        }
        if (output) {
          out.op = ir::ExprOp::Unify;
          compute_pattern_slots(*output);
          out.terms.push_back(std::move(*output));
          out.terms.push_back(std::move(*c));
        } else {
          out.op = ir::ExprOp::Term;
          out.terms.push_back(std::move(*c));
        }
      } else {
        out.op = ir::ExprOp::Term;
        out.terms.push_back(term(t, scope));
      }
      break;
    }
    case ExprKind::Unify:
      out.op = ir::ExprOp::Unify;
      out.terms.push_back(term(e.terms[0], scope));
      out.terms.push_back(term(e.terms[1], scope));
      break;
    case ExprKind::Assign: {
      out.op = ir::ExprOp::Unify;
      ir::Term rhs = term(e.terms[1], scope);
      out.terms.push_back(declare_pattern(e.terms[0], scope, true));
      out.terms.push_back(std::move(rhs));
      break;
    }
    case ExprKind::SomeDecl:
      out.op = ir::ExprOp::True;
      for (const auto& v : e.terms) {
        if (v.kind == TermKind::Var && !v.is_wildcard()) {
          uint32_t slot = scope.frame().add(v.name, v.loc);
          scope.declare(v.name, slot);
        }
      }
      break;
    case ExprKind::SomeIn: {
      out.op = ir::ExprOp::SomeIn;
      ir::Term coll = term(e.terms.back(), scope);
      out.has_key = e.terms.size() == 3;
      if (out.has_key) {
        out.terms.push_back(declare_pattern(e.terms[0], scope, false));
        out.terms.push_back(declare_pattern(e.terms[1], scope, false));
      } else {
        out.terms.push_back(konst(Value(), e.loc));
        out.terms.push_back(declare_pattern(e.terms[0], scope, false));
      }
      out.terms.push_back(std::move(coll));
      break;
    }
    case ExprKind::Every: {
      out.op = ir::ExprOp::Every;
      ir::Term domain = term(e.terms.back(), scope);
      Scope inner(scope.frame(), &scope);
      out.has_key = e.terms.size() == 3;
      if (out.has_key) {
        out.terms.push_back(declare_pattern(e.terms[0], inner, false));
        out.terms.push_back(declare_pattern(e.terms[1], inner, false));
      } else {
        out.terms.push_back(konst(Value(), e.loc));
        out.terms.push_back(declare_pattern(e.terms[0], inner, false));
      }
      out.terms.push_back(std::move(domain));
      auto body = std::make_shared<ir::Body>(this->body(*e.body, inner));
      body->captured = inner.captured();
      out.body = std::move(body);
      break;
    }
  }
  for (const auto& w : e.with) out.with.push_back(with(w, scope));
  for (auto& t : out.terms) {
    if (t.op == ir::TermOp::Local) compute_pattern_slots(t);
  }
  return out;
}

ir::Body Resolver::body(const Query& query, Scope& scope, const std::vector<const Term*>& extra) {
  note_occurrences(query, scope, extra);
  ir::Body out;
  out.loc = query.loc;
  for (const auto& e : query.exprs) {
    if (auto x = expr(e, scope)) out.exprs.push_back(std::move(*x));
  }
  return out;
}

}  // namespace tollgate::rego::compiler
