#include "rules/rego/compiler/type_check.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "rules/rego/compiler/builtin_signatures.h"
#include "rules/rego/compiler/types.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego::compiler {

using types::TypeKind;
using types::TypeRef;
using value::Value;

namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

void append_operand(const ir::Term& t, std::string& out);

void append_ref_text(const ir::Term& t, std::string& out) {
  switch (t.op) {
    case ir::TermOp::Local: out += t.name.empty() ? "_" : t.name; return;
    case ir::TermOp::Input: out += "input"; return;
    case ir::TermOp::Const: append_rego_text(t.value, out); return;
    case ir::TermOp::DataRef:
      out += "data";
      for (const auto& k : t.path) {
        if (k.is_string() && is_identifier(k.as_string())) {
          out += '.';
          out += k.as_string();
        } else {
          out += '[';
          append_rego_text(k, out);
          out += ']';
        }
      }
      for (const auto& o : t.items) append_operand(o, out);
      return;
    case ir::TermOp::Ref:
      append_ref_text(t.items[0], out);
      for (size_t i = 1; i < t.items.size(); ++i) append_operand(t.items[i], out);
      return;
    default: out += "__local0__"; return;  // OPA names the value of a call or composite so
  }
}

void append_operand(const ir::Term& t, std::string& out) {
  if (t.op == ir::TermOp::Const && t.value.is_string() && is_identifier(t.value.as_string())) {
    out += '.';
    out += t.value.as_string();
    return;
  }
  out += '[';
  append_ref_text(t, out);
  out += ']';
}

// A reference as OPA prints it, one piece per element (head, then `.x` / `[y]`).
std::vector<std::string> ref_pieces(const ir::Term& t) {
  std::vector<std::string> out;
  if (t.op == ir::TermOp::DataRef) {
    out.emplace_back("data");
    for (const auto& k : t.path) {
      ir::Term c;
      c.op = ir::TermOp::Const;
      c.value = k;
      out.emplace_back();
      append_operand(c, out.back());
    }
    for (const auto& o : t.items) {
      out.emplace_back();
      append_operand(o, out.back());
    }
    return out;
  }
  if (t.op != ir::TermOp::Ref) {
    out.emplace_back();
    append_ref_text(t, out.back());
    return out;
  }
  out.emplace_back();
  append_ref_text(t.items[0], out.back());
  for (size_t i = 1; i < t.items.size(); ++i) {
    out.emplace_back();
    append_operand(t.items[i], out.back());
  }
  return out;
}

bool is_closure(const ir::Term& t) {
  return t.op == ir::TermOp::ArrayCompr || t.op == ir::TermOp::SetCompr || t.op == ir::TermOp::ObjectCompr;
}

bool is_composite_const(const ir::Term& t) {
  return t.op == ir::TermOp::Const && (t.value.is_array() || t.value.is_object() || t.value.is_set());
}

// OPA's mergeTypes: how the types of several definitions of one rule combine.
TypeRef merge_types(const TypeRef& a, const TypeRef& b) {
  if (!a) return b;
  if (!b) return a;
  if (a->kind == TypeKind::Object && b->kind == TypeKind::Object && a->props.empty() && b->props.empty()) {
    TypeRef ak = a->has_dynamic ? a->dyn_key : nullptr, bk = b->has_dynamic ? b->dyn_key : nullptr;
    TypeRef av = a->has_dynamic ? a->dyn_value : nullptr, bv = b->has_dynamic ? b->dyn_value : nullptr;
    return types::object_type({}, true, types::or_types(ak, bk), merge_types(av, bv));
  }
  if (a->kind == TypeKind::Set && b->kind == TypeKind::Set) return types::set_type(types::or_types(a->elem, b->elem));
  if (a->kind == TypeKind::Any && b->kind != TypeKind::Any) return merge_types(b, a);
  return types::or_types(a, b);
}

class Checker;

// Type checking of one rule definition's frame (or a default's).
class FrameChecker {
 public:
  FrameChecker(Checker& owner, uint32_t frame_size, std::string_view file)
      : owner_(owner), slots_(frame_size), file_(file) {}

  // CheckBody: errors of the body, appended to out.
  void check_body(const ir::Body& body, std::vector<Error>& out);
  // A head term (value or key), as OPA checks it once moved into the body.
  void check_head_term(const ir::Term& t, std::vector<Error>& out);
  TypeRef type_of(const ir::Term& t);
  // Gives every untyped variable in a pattern the type any.
  void default_to_any(const ir::Term& t) {
    if (t.op == ir::TermOp::Local) {
      if (t.slot < slots_.size() && !slots_[t.slot]) slots_[t.slot] = types::any_type();
      return;
    }
    for (const auto& x : t.items) default_to_any(x);
  }

 private:
  void check_expr(const ir::Expr& e, std::vector<Error>& out);
  // Closures under a term (not inside nested closures), each checked in a scope of its own.
  void check_closures(const ir::Term& t, std::vector<Error>& out);
  void check_closures_in_body(const ir::Body& b, std::vector<Error>& out);
  TypeRef check_closure(const ir::Term& t, std::vector<Error>* out);
  // References under a term (OPA's refChecker); binds the types of key variables.
  void check_refs(const ir::Term& t, std::vector<Error>& out);
  void check_refs_in_body(const ir::Body& b, std::vector<Error>& out);
  // The operands of ref below a value of type tpe.
  void check_ref_leaf(TypeRef tpe, const ir::Term& ref, const std::vector<const ir::Term*>& operands,
                      std::vector<Error>& out);
  // Calls nested in a term (OPA moves them into expressions of their own, before this one).
  void check_nested_calls(const ir::Term& t, std::vector<Error>& out);
  // A call; output: the call is nested (its value goes to a fresh variable).
  void check_call(const ir::Term& call, bool output, Location loc, std::vector<Error>& out);
  void check_eq(const ir::Term& a, const ir::Term& b, Location loc, std::vector<Error>& out);
  // `with f as g` where g cannot stand for f; true when refused.
  bool check_with(const ir::Expr& e, std::vector<Error>& out);

  TypeRef ref_type(const ir::Term& t);
  TypeRef select_ref(TypeRef tpe, const std::vector<const ir::Term*>& operands);
  bool unify1(const ir::Term& t, const TypeRef& tpe, bool union_);
  bool unify1_value(const Value& v, const TypeRef& tpe, bool union_);
  bool unify2(const ir::Term& a, const TypeRef& ta, const ir::Term& b, const TypeRef& tb);
  bool is_var(const ir::Term& t) const { return t.op == ir::TermOp::Local || t.op == ir::TermOp::Call; }
  TypeRef var_type(const ir::Term& t) const;
  void bind(const ir::Term& t, TypeRef tpe);
  Error type_error(std::string message, Location loc) const {
    return Error{"rego_type_error", std::move(message), std::string(file_), loc};
  }

  Checker& owner_;
  std::vector<TypeRef> slots_;
  // Output variables of nested calls and the types of comprehensions, by term.
  std::unordered_map<const ir::Term*, TypeRef> terms_;
  std::string_view file_;
  // Slots typed inside closures being checked, with their previous types.
  std::vector<std::pair<uint32_t, TypeRef>> trail_;
  int closure_depth_ = 0;
};

class Checker {
 public:
  Checker(const CompiledPolicy& policy, std::vector<Error>& errors) : policy_(policy), errors_(errors) {}

  void run() {
    size_t first = errors_.size();
    for (const auto& g : policy_.groups) group_type(g.get());
    std::stable_sort(errors_.begin() + static_cast<long>(first), errors_.end(), [](const Error& a, const Error& b) {
      if (a.file != b.file) return a.file < b.file;
      if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
      return a.loc.column < b.loc.column;
    });
  }

  // The type of a rule group's value, its definitions checked on first use
  // (so rules are checked after the rules they depend on, as OPA's sort does).
  TypeRef group_type(const ir::RuleGroup* g) {
    auto& st = state_[g];
    if (st.state == 2) return st.type;
    if (st.state == 1) return types::any_type();
    st.state = 1;
    TypeRef t = compute_group_type(*g);
    auto& st2 = state_[g];
    st2.state = 2;
    st2.type = t;
    return t;
  }

  // The type of data.<path> [operands...] as far as the rule tree types it;
  // null when no rule is reached (the caller treats it as any).
  const ir::RuleGroup* leaf_group(const std::vector<Value>& path, size_t& consumed) const {
    const ir::DataNode* n = &policy_.root;
    for (size_t i = 0; i <= path.size(); ++i) {
      // Rules below rules (ref heads such as obj[x][y] and obj.sub[x]): OPA
      // merges their types into one object; untyped (any) here.
      if (n->has_rules_here() && !n->children.empty()) return nullptr;
      if (n->group != nullptr && n->group->kind != ir::GroupKind::Function) {
        consumed = i;
        return n->group;
      }
      if (n->dynamic != nullptr) {
        consumed = i;
        return n->dynamic;
      }
      if (i == path.size()) break;
      n = n->child(path[i]);
      if (n == nullptr) break;
    }
    return nullptr;
  }

  std::vector<Error>& errors() { return errors_; }

  // The rule group a `with` target points at (null: a builtin).
  const ir::RuleGroup* group_of(const void* target) const {
    for (const auto& g : policy_.groups) {
      if (g.get() == target) return g.get();
    }
    return nullptr;
  }

  // Whether a path below data names a function (or something inside one).
  bool names_function(const std::vector<Value>& path) const {
    const ir::DataNode* n = &policy_.root;
    for (size_t i = 0; n != nullptr; ++i) {
      if (n->group != nullptr && n->group->kind == ir::GroupKind::Function) return true;
      if (i == path.size()) break;
      n = n->child(path[i]);
    }
    return false;
  }

 private:
  struct GroupState {
    int state = 0;
    TypeRef type;
  };

  TypeRef compute_group_type(const ir::RuleGroup& g) {
    TypeRef out;
    if (g.default_value) out = types::type_of(*g.default_value);
    if (out && g.kind == ir::GroupKind::Function) {
      // `default f(_) := v`: a function of any arguments returning v's type.
      out = types::function_type(std::vector<TypeRef>(g.arity, types::any_type()), out);
    }
    if (g.default_term) {
      FrameChecker fc(*this, g.default_frame_size, g.defs.empty() ? std::string_view() : g.defs[0].file);
      std::vector<Error> errs;
      fc.check_head_term(*g.default_term, errs);
      if (!errs.empty()) {
        out = types::any_type();
        errors_.insert(errors_.end(), errs.begin(), errs.end());
      } else {
        TypeRef t = fc.type_of(*g.default_term);
        if (t && g.kind == ir::GroupKind::Function) {
          t = types::function_type(std::vector<TypeRef>(g.arity, types::any_type()), t);
        }
        out = merge_types(out, t);
      }
    }
    for (const auto& def : g.defs) {
      for (const auto& clause : def.clauses) {
        FrameChecker fc(*this, def.frame_size, def.file);
        std::vector<Error> errs;
        fc.check_body(clause.body, errs);
        if (g.kind != ir::GroupKind::Function) {
          for (const auto& k : def.keys) fc.check_head_term(k, errs);
        }
        if (clause.value) fc.check_head_term(*clause.value, errs);
        if (!errs.empty()) {
          // OPA puts any at the rule's path (a later definition's type merges into it).
          out = types::any_type();
          errors_.insert(errors_.end(), errs.begin(), errs.end());
          continue;
        }
        TypeRef t;
        switch (g.kind) {
          case ir::GroupKind::Function: {
            // Argument variables the body never typed are any (and so is a
            // head value that is one of them).
            for (const auto& a : def.args) fc.default_to_any(a);
            std::vector<TypeRef> args;
            for (const auto& a : def.args) {
              TypeRef at = fc.type_of(a);
              args.push_back(at ? at : types::any_type());
            }
            t = types::function_type(std::move(args), clause.value ? fc.type_of(*clause.value) : nullptr);
            break;
          }
          case ir::GroupKind::PartialSet: {
            TypeRef k = def.keys.empty() ? nullptr : fc.type_of(def.keys[0]);
            if (k) t = types::set_type(k);
            break;
          }
          case ir::GroupKind::Complete:
            t = clause.value ? fc.type_of(*clause.value) : types::boolean_type();
            break;
          case ir::GroupKind::Dynamic: {
            TypeRef v;
            size_t nkeys = def.keys.size();
            if (def.set_leaf && nkeys > 0) {
              TypeRef m = fc.type_of(def.keys[nkeys - 1]);
              v = m ? types::set_type(m) : nullptr;
              --nkeys;
            } else {
              v = clause.value ? fc.type_of(*clause.value) : types::boolean_type();
            }
            for (size_t i = nkeys; i-- > 0 && v;) {
              TypeRef k = fc.type_of(def.keys[i]);
              v = k ? types::object_type({}, true, k, v) : nullptr;
            }
            t = v;
            break;
          }
        }
        // OPA inserts each definition's type in turn (definitions and their
        // else clauses in source order): any absorbs values, but a function
        // merged with any is no type at all (calls then find no function).
        if (t) out = merge_types(out, t);
      }
    }
    return out;
  }

  const CompiledPolicy& policy_;
  std::vector<Error>& errors_;
  std::unordered_map<const ir::RuleGroup*, GroupState> state_;
};

// ---- terms ----

TypeRef FrameChecker::var_type(const ir::Term& t) const {
  if (t.op == ir::TermOp::Local) return t.slot < slots_.size() ? slots_[t.slot] : nullptr;
  auto it = terms_.find(&t);
  return it == terms_.end() ? nullptr : it->second;
}

void FrameChecker::bind(const ir::Term& t, TypeRef tpe) {
  if (t.op == ir::TermOp::Local) {
    if (t.slot >= slots_.size()) return;
    if (closure_depth_ > 0) trail_.emplace_back(t.slot, slots_[t.slot]);
    slots_[t.slot] = std::move(tpe);
  } else {
    terms_[&t] = std::move(tpe);
  }
}

TypeRef FrameChecker::type_of(const ir::Term& t) {
  switch (t.op) {
    case ir::TermOp::Const: return types::type_of(t.value);
    case ir::TermOp::Local:
    case ir::TermOp::Call: return var_type(t);
    case ir::TermOp::Input: return types::any_type();
    case ir::TermOp::Ref:
    case ir::TermOp::DataRef: return ref_type(t);
    case ir::TermOp::Array: {
      std::vector<TypeRef> items;
      for (const auto& x : t.items) items.push_back(type_of(x));
      if (items.empty()) return types::array_type({}, types::any_type());
      return types::array_type(std::move(items), nullptr);
    }
    case ir::TermOp::Set: {
      TypeRef of;
      for (const auto& x : t.items) of = types::or_types(of, type_of(x));
      return types::set_type(of ? of : types::any_type());
    }
    case ir::TermOp::Object: {
      std::vector<types::StaticProperty> props;
      bool dyn = false;
      TypeRef dk, dv;
      for (size_t i = 0; i + 1 < t.items.size(); i += 2) {
        const ir::Term& k = t.items[i];
        if (k.op == ir::TermOp::Const) {
          props.push_back({k.value, type_of(t.items[i + 1])});
        } else {
          dyn = true;
          dk = type_of(k);
          dv = type_of(t.items[i + 1]);
        }
      }
      if (props.empty() && !dyn) return types::object_type({}, true, types::any_type(), types::any_type());
      return types::object_type(std::move(props), dyn, dk, dv);
    }
    case ir::TermOp::ArrayCompr:
    case ir::TermOp::SetCompr:
    case ir::TermOp::ObjectCompr: {
      auto it = terms_.find(&t);
      if (it != terms_.end()) return it->second;
      return check_closure(t, nullptr);
    }
  }
  return nullptr;
}

TypeRef FrameChecker::select_ref(TypeRef tpe, const std::vector<const ir::Term*>& operands) {
  for (size_t i = 0; i < operands.size() && tpe; ++i) {
    const ir::Term& o = *operands[i];
    if (o.op == ir::TermOp::Const && !is_composite_const(o)) {
      tpe = types::select(tpe, o.value);
    } else {
      tpe = types::values(tpe);
    }
  }
  return tpe;
}

TypeRef FrameChecker::ref_type(const ir::Term& t) {
  std::vector<const ir::Term*> ops;
  if (t.op == ir::TermOp::DataRef) {
    size_t consumed = 0;
    const ir::RuleGroup* g = owner_.leaf_group(t.path, consumed);
    if (g == nullptr) return types::any_type();
    TypeRef leaf = owner_.group_type(g);
    if (!leaf) return types::any_type();
    std::vector<ir::Term> path_terms;
    path_terms.reserve(t.path.size() - consumed);
    for (size_t i = consumed; i < t.path.size(); ++i) {
      ir::Term k;
      k.op = ir::TermOp::Const;
      k.value = t.path[i];
      path_terms.push_back(std::move(k));
    }
    for (const auto& k : path_terms) ops.push_back(&k);
    for (const auto& o : t.items) ops.push_back(&o);
    return select_ref(leaf, ops);
  }
  const ir::Term& head = t.items[0];
  for (size_t i = 1; i < t.items.size(); ++i) ops.push_back(&t.items[i]);
  switch (head.op) {
    case ir::TermOp::Input: return types::any_type();
    case ir::TermOp::Local: {
      TypeRef ht = var_type(head);
      return ht ? select_ref(ht, ops) : nullptr;
    }
    case ir::TermOp::Const:
      if (!is_composite_const(head)) return nullptr;
      [[fallthrough]];
    default:
      return select_ref(type_of(head), ops);
  }
}

// ---- unification (OPA's unify1 / unify2) ----

bool FrameChecker::unify1_value(const Value& v, const TypeRef& tpe, bool union_) {
  if ((v.is_array() || v.is_object() || v.is_set()) && tpe && tpe->kind == TypeKind::Any) {
    if (tpe->items.empty()) return true;
    bool ok = false;
    for (const auto& m : tpe->items) ok = unify1_value(v, m, true) || ok;
    return ok;
  }
  if (v.is_array()) {
    if (tpe && tpe->kind == TypeKind::Array) {
      if (v.items().size() != tpe->items.size() && !tpe->elem) return false;
      for (size_t i = 0; i < v.items().size(); ++i) {
        TypeRef et = i < tpe->items.size() ? tpe->items[i] : tpe->elem;
        if (!unify1_value(v.items()[i], et, union_)) return false;
      }
      return true;
    }
    return false;
  }
  if (v.is_object()) {
    if (tpe && tpe->kind == TypeKind::Object) {
      TypeRef dv = tpe->has_dynamic ? tpe->dyn_value : nullptr;
      if (v.entries().size() != tpe->props.size() && !dv) return false;
      for (const auto& [k, x] : v.entries()) {
        TypeRef child = types::select(tpe, k);
        if (!child || !unify1_value(x, child, union_)) return false;
      }
      return true;
    }
    return false;
  }
  if (v.is_set()) {
    if (tpe && tpe->kind == TypeKind::Set) {
      TypeRef of = types::values(tpe);
      for (const auto& x : v.items()) {
        if (!unify1_value(x, of, union_)) return false;
      }
      return true;
    }
    return false;
  }
  return types::unifies(types::type_of(v), tpe);
}

bool FrameChecker::unify1(const ir::Term& t, const TypeRef& tpe, bool union_) {
  bool composite = t.op == ir::TermOp::Array || t.op == ir::TermOp::Object || t.op == ir::TermOp::Set;
  if (composite && tpe && tpe->kind == TypeKind::Any) {
    // The top type types every element any; a union needs one member to fit.
    if (tpe->items.empty()) {
      for (const auto& x : t.items) unify1(x, types::any_type(), true);
      return true;
    }
    bool ok = false;
    for (const auto& m : tpe->items) ok = unify1(t, m, true) || ok;
    return ok;
  }
  switch (t.op) {
    case ir::TermOp::Const:
      return unify1_value(t.value, tpe, union_);
    case ir::TermOp::Array: {
      if (tpe && tpe->kind == TypeKind::Array) {
        if (t.items.size() != tpe->items.size() && !tpe->elem) return false;
        for (size_t i = 0; i < t.items.size(); ++i) {
          TypeRef et = i < tpe->items.size() ? tpe->items[i] : tpe->elem;
          if (!unify1(t.items[i], et, union_)) return false;
        }
        return true;
      }
      return false;
    }
    case ir::TermOp::Object: {
      if (tpe && tpe->kind == TypeKind::Object) {
        TypeRef dv = tpe->has_dynamic ? tpe->dyn_value : nullptr;
        if (t.items.size() / 2 != tpe->props.size() && !dv) return false;
        for (size_t i = 0; i + 1 < t.items.size(); i += 2) {
          const ir::Term& k = t.items[i];
          if (k.op == ir::TermOp::Const) {
            TypeRef child = types::select(tpe, k.value);
            if (!child || !unify1(t.items[i + 1], child, union_)) return false;
          } else {
            unify1(t.items[i + 1], types::any_type(), union_);
          }
        }
        return true;
      }
      return false;
    }
    case ir::TermOp::Set: {
      if (tpe && tpe->kind == TypeKind::Set) {
        TypeRef of = types::values(tpe);
        for (const auto& x : t.items) {
          if (!unify1(x, of, union_)) return false;
        }
        return true;
      }
      return false;
    }
    case ir::TermOp::Local:
    case ir::TermOp::Call: {
      if (!union_) {
        if (TypeRef exist = var_type(t)) return types::unifies(exist, tpe);
        bind(t, tpe);
      } else {
        bind(t, types::or_types(var_type(t), tpe));
      }
      return true;
    }
    default:
      return types::unifies(type_of(t), tpe);
  }
}

bool FrameChecker::unify2(const ir::Term& a, const TypeRef& ta, const ir::Term& b, const TypeRef& tb) {
  bool nil_a = types::is_nil(ta), nil_b = types::is_nil(tb);
  if (nil_a && !nil_b) return unify1(a, tb, false);
  if (nil_b && !nil_a) return unify1(b, ta, false);
  if (!nil_a && !nil_b) return types::unifies(ta, tb);
  auto unify2_array = [&](const ir::Term& arr, const ir::Term& other) {
    if (other.op == ir::TermOp::Array) {
      if (arr.items.size() != other.items.size()) return false;
      for (size_t i = 0; i < arr.items.size(); ++i) {
        if (!unify2(arr.items[i], type_of(arr.items[i]), other.items[i], type_of(other.items[i]))) return false;
      }
      return true;
    }
    if (is_var(other)) return unify1(arr, types::any_type(), false) && unify1(other, type_of(arr), false);
    return false;
  };
  auto unify2_object = [&](const ir::Term& obj, const ir::Term& other) {
    if (other.op == ir::TermOp::Object) {
      if (obj.items.size() != other.items.size()) return false;
      for (size_t i = 0; i + 1 < obj.items.size(); i += 2) {
        const ir::Term* match = nullptr;
        for (size_t j = 0; j + 1 < other.items.size(); j += 2) {
          if (obj.items[i].op == ir::TermOp::Const && other.items[j].op == ir::TermOp::Const &&
              obj.items[i].value == other.items[j].value) {
            match = &other.items[j + 1];
            break;
          }
        }
        if (match == nullptr) return false;
        if (!unify2(obj.items[i + 1], type_of(obj.items[i + 1]), *match, type_of(*match))) return false;
      }
      return true;
    }
    if (is_var(other)) return unify1(obj, types::any_type(), false) && unify1(other, type_of(obj), false);
    return false;
  };
  if (a.op == ir::TermOp::Array) return unify2_array(a, b);
  if (a.op == ir::TermOp::Object) return unify2_object(a, b);
  if (is_var(a)) {
    if (is_var(b)) return unify1(a, types::any_type(), false) && unify1(b, type_of(a), false);
    if (b.op == ir::TermOp::Array) return unify2_array(b, a);
    if (b.op == ir::TermOp::Object) return unify2_object(b, a);
  }
  return false;
}

// ---- closures ----

TypeRef FrameChecker::check_closure(const ir::Term& t, std::vector<Error>* out) {
  // The closure's body sees the enclosing variables; what it infers stays
  // inside (undone from the trail afterwards).
  size_t mark = trail_.size();
  ++closure_depth_;
  std::vector<Error> errs;
  check_body(*t.body, errs);
  TypeRef result;
  if (errs.empty()) {
    if (t.op == ir::TermOp::ArrayCompr) {
      check_head_term(t.items[0], errs);
      result = types::array_type({}, type_of(t.items[0]));
    } else if (t.op == ir::TermOp::SetCompr) {
      check_head_term(t.items[0], errs);
      result = types::set_type(type_of(t.items[0]));
    } else {
      check_head_term(t.items[0], errs);
      check_head_term(t.items[1], errs);
      result = types::object_type({}, true, type_of(t.items[0]), type_of(t.items[1]));
    }
    if (!errs.empty()) result = nullptr;
  }
  --closure_depth_;
  while (trail_.size() > mark) {
    slots_[trail_.back().first] = std::move(trail_.back().second);
    trail_.pop_back();
  }
  terms_[&t] = result;
  if (out != nullptr) out->insert(out->end(), errs.begin(), errs.end());
  return result;
}

void FrameChecker::check_closures(const ir::Term& t, std::vector<Error>& out) {
  if (is_closure(t)) {
    check_closure(t, &out);
    return;
  }
  for (const auto& x : t.items) check_closures(x, out);
}

void FrameChecker::check_closures_in_body(const ir::Body& b, std::vector<Error>& out) {
  for (const auto& e : b.exprs) {
    for (const auto& t : e.terms) check_closures(t, out);
    if (e.body) check_closures_in_body(*e.body, out);
  }
}

// ---- references ----

void FrameChecker::check_ref_leaf(TypeRef tpe, const ir::Term& ref, const std::vector<const ir::Term*>& operands,
                                  std::vector<Error>& out) {
  for (size_t i = 0; i < operands.size(); ++i) {
    const ir::Term& o = *operands[i];
    TypeRef k = types::keys(tpe);
    if (!k) {
      // OPA's RefErrUnsupported: the ref, carets under the part whose value
      // has no elements, and that part's type.
      std::vector<std::string> pieces = ref_pieces(ref);
      size_t upto = pieces.size() >= operands.size() ? pieces.size() - operands.size() + i : pieces.size();
      std::string text, prefix;
      for (size_t p = 0; p < pieces.size(); ++p) {
        text += pieces[p];
        if (p < upto) prefix += pieces[p];
      }
      out.push_back(type_error("undefined ref: " + text + "\n\t" + text + "\n\t" + std::string(prefix.size(), '^') +
                                   "\n\thave: " + types::to_text(tpe),
                               ref.loc));
      return;
    }
    bool invalid = false;
    switch (o.op) {
      case ir::TermOp::Local:
      case ir::TermOp::Call:
        if (TypeRef exist = var_type(o)) {
          invalid = !types::unifies(exist, k);
        } else {
          bind(o, k);
        }
        break;
      case ir::TermOp::Ref:
      case ir::TermOp::DataRef:
      case ir::TermOp::Input:
        if (TypeRef exist = type_of(o)) invalid = !types::unifies(exist, k);
        break;
      case ir::TermOp::Array:
      case ir::TermOp::Object:
      case ir::TermOp::Set:
        invalid = !unify1(o, k, false);
        break;
      case ir::TermOp::Const:
        if (is_composite_const(o)) {
          invalid = !unify1(o, k, false);
        } else {
          TypeRef child = types::select(tpe, o.value);
          if (!child) {
            invalid = true;
          } else {
            tpe = child;
            continue;
          }
        }
        break;
      default:
        break;
    }
    if (invalid) {
      std::string text;
      append_ref_text(ref, text);
      out.push_back(type_error("undefined ref: " + text, ref.loc));
      return;
    }
    tpe = types::values(tpe);
  }
}

void FrameChecker::check_refs(const ir::Term& t, std::vector<Error>& out) {
  if (is_closure(t)) return;
  if (t.op == ir::TermOp::Ref) {
    std::vector<const ir::Term*> ops;
    for (size_t i = 1; i < t.items.size(); ++i) ops.push_back(&t.items[i]);
    const ir::Term& head = t.items[0];
    switch (head.op) {
      case ir::TermOp::Local:
        if (TypeRef ht = var_type(head)) {
          check_ref_leaf(ht, t, ops, out);
        } else {
          bind(head, types::any_type());
          check_ref_leaf(types::any_type(), t, ops, out);
        }
        break;
      case ir::TermOp::Input:
        check_ref_leaf(types::any_type(), t, ops, out);
        break;
      case ir::TermOp::Const:
        if (!is_composite_const(head)) {
          check_ref_leaf(types::any_type(), t, ops, out);
          break;
        }
        [[fallthrough]];
      default:
        if (TypeRef ht = type_of(head)) {
          check_ref_leaf(ht, t, ops, out);
        } else {
          check_ref_leaf(types::any_type(), t, ops, out);
        }
        break;
    }
  } else if (t.op == ir::TermOp::DataRef && owner_.names_function(t.path)) {
    // Functions are not values: OPA refuses a reference to one that is not a call.
    std::string text;
    append_ref_text(t, text);
    out.push_back(type_error("undefined ref: " + text, t.loc));
  } else if (t.op == ir::TermOp::DataRef) {
    // Below a rule, the rule's type; anywhere else in data (base documents,
    // paths no rule defines), any: OPA then checks the whole path against
    // any, which types the key variables any.
    size_t consumed = 0;
    const ir::RuleGroup* g = owner_.leaf_group(t.path, consumed);
    TypeRef leaf = g != nullptr ? owner_.group_type(g) : nullptr;
    if (!leaf) consumed = 0;
    std::vector<ir::Term> path_terms;
    for (size_t i = consumed; i < t.path.size(); ++i) {
      ir::Term k;
      k.op = ir::TermOp::Const;
      k.value = t.path[i];
      path_terms.push_back(std::move(k));
    }
    std::vector<const ir::Term*> ops;
    for (const auto& k : path_terms) ops.push_back(&k);
    for (const auto& o : t.items) ops.push_back(&o);
    check_ref_leaf(leaf ? leaf : types::any_type(), t, ops, out);
  }
  for (const auto& x : t.items) check_refs(x, out);
}

void FrameChecker::check_refs_in_body(const ir::Body& b, std::vector<Error>& out) {
  for (const auto& e : b.exprs) {
    for (const auto& t : e.terms) check_refs(t, out);
    if (e.body) check_refs_in_body(*e.body, out);
  }
}

// ---- calls and expressions ----

void FrameChecker::check_nested_calls(const ir::Term& t, std::vector<Error>& out) {
  if (is_closure(t)) return;
  if (t.op == ir::TermOp::Call) {
    for (const auto& a : t.items) check_nested_calls(a, out);
    check_call(t, true, t.loc, out);
    return;
  }
  for (const auto& x : t.items) check_nested_calls(x, out);
}

void FrameChecker::check_call(const ir::Term& call, bool output, Location loc, std::vector<Error>& out) {
  TypeRef fn;
  std::string name = call.name;
  switch (call.call) {
    case ir::CallOp::Equal:
      if (!output && call.items.size() == 2) {
        // OPA rewrites `a == b` expressions into unification.
        check_eq(call.items[0], call.items[1], loc, out);
        return;
      }
      fn = *types::builtin_signature("equal");
      break;
    case ir::CallOp::Neq: fn = *types::builtin_signature("neq"); break;
    case ir::CallOp::Lt: fn = *types::builtin_signature("lt"); break;
    case ir::CallOp::Lte: fn = *types::builtin_signature("lte"); break;
    case ir::CallOp::Gt: fn = *types::builtin_signature("gt"); break;
    case ir::CallOp::Gte: fn = *types::builtin_signature("gte"); break;
    case ir::CallOp::Print: return;
    case ir::CallOp::Builtin: {
      const TypeRef* sig = call.builtin != nullptr ? types::builtin_signature(call.builtin->name) : nullptr;
      if (sig == nullptr) return;
      fn = *sig;
      if (call.builtin != nullptr) name = call.builtin->name;
      break;
    }
    case ir::CallOp::Function: {
      if (call.function == nullptr) return;
      fn = owner_.group_type(call.function);
      name = call.function->name;
      if (!fn) {
        out.push_back(type_error("undefined function " + name, loc));
        return;
      }
      break;
    }
  }
  if (!fn || fn->kind != TypeKind::Function) return;  // a function with errors: any
  size_t nargs = call.items.size();
  if (nargs != fn->items.size()) return;  // arity errors are the resolver's
  for (size_t i = 0; i < nargs; ++i) {
    if (!unify1(call.items[i], fn->items[i], false)) {
      std::string have = "(";
      for (size_t j = 0; j < nargs; ++j) {
        if (j > 0) have += ", ";
        have += types::to_text(type_of(call.items[j]));
      }
      if (output) have += nargs > 0 ? ", ???" : "???";
      have += ")";
      out.push_back(type_error(name + ": invalid argument(s)\n\thave: " + have +
                                   "\n\twant: " + types::function_args_text(fn),
                               loc));
      return;
    }
  }
  if (output) {
    if (fn->elem) terms_[&call] = fn->elem;
  }
}

void FrameChecker::check_eq(const ir::Term& a, const ir::Term& b, Location loc, std::vector<Error>& out) {
  TypeRef ta = type_of(a), tb = type_of(b);
  if (!unify2(a, ta, b, tb)) {
    out.push_back(type_error("match error\n\tleft  : " + types::to_text(ta) + "\n\tright : " + types::to_text(tb),
                             loc));
  }
}

void FrameChecker::check_expr(const ir::Expr& e, std::vector<Error>& out) {
  std::vector<Error> pre;  // closure and reference errors
  for (const auto& t : e.terms) check_closures(t, pre);
  if (e.op == ir::ExprOp::Every && e.body) check_closures_in_body(*e.body, pre);
  for (const auto& t : e.terms) check_refs(t, pre);
  if (e.op == ir::ExprOp::Every && e.body) check_refs_in_body(*e.body, pre);
  bool had_pre = !pre.empty();
  out.insert(out.end(), pre.begin(), pre.end());

  std::vector<Error> errs;
  if (check_with(e, errs)) {
    out.insert(out.end(), errs.begin(), errs.end());
    return;
  }
  switch (e.op) {
    case ir::ExprOp::Term: {
      const ir::Term& t = e.terms[0];
      if (t.op == ir::TermOp::Call) {
        for (const auto& a : t.items) check_nested_calls(a, out);
        check_call(t, false, e.loc, errs);
      } else {
        check_nested_calls(t, out);
      }
      break;
    }
    case ir::ExprOp::Unify:
      check_nested_calls(e.terms[0], out);
      check_nested_calls(e.terms[1], out);
      check_eq(e.terms[0], e.terms[1], e.loc, errs);
      break;
    case ir::ExprOp::SomeIn: {
      // `some [k,] v in xs` is OPA's `v = xs[k]` (k fresh when absent).
      const ir::Term& coll = e.terms[2];
      check_nested_calls(coll, out);
      std::vector<const ir::Term*> ops;
      ir::Term key;
      const ir::Term* key_term = &e.terms[0];
      if (!e.has_key) {
        key.op = ir::TermOp::Call;  // a fresh variable
        key_term = &key;
      }
      ops.push_back(key_term);
      TypeRef coll_type;
      bool scalar_head = coll.op == ir::TermOp::Const && !is_composite_const(coll);
      if (!scalar_head) coll_type = type_of(coll);
      // The reference check on coll[k].
      std::vector<Error> ref_errs;
      {
        ir::Term shown;
        shown.op = ir::TermOp::Ref;
        shown.loc = coll.loc;
        shown.items.push_back(coll);
        ir::Term k;
        k.op = ir::TermOp::Local;
        k.name = e.has_key ? e.terms[0].name : "__local0__";
        if (k.name.empty()) k.name = "_";
        shown.items.push_back(std::move(k));
        // A collection that is not a reference is a variable in OPA (calls,
        // composites and comprehensions are assigned to one first); the
        // reference check types it any when nothing typed it yet.
        bool ref_coll = coll.op == ir::TermOp::Ref || coll.op == ir::TermOp::DataRef;
        if (!scalar_head && !ref_coll && !coll_type) {
          if (is_var(coll)) bind(coll, types::any_type());
          coll_type = types::any_type();
        }
        check_ref_leaf(coll_type ? coll_type : types::any_type(), shown, ops, ref_errs);
      }
      terms_.erase(&key);
      if (!ref_errs.empty()) had_pre = true;
      out.insert(out.end(), ref_errs.begin(), ref_errs.end());
      TypeRef elem = scalar_head ? nullptr : types::values(coll_type);
      // v = coll[k]: v is a pattern, the right side a reference, which never
      // unifies while its type is unknown.
      const ir::Term& v = e.terms[1];
      TypeRef tv = type_of(v);
      bool ok = false;
      if (!types::is_nil(elem)) ok = types::is_nil(tv) ? unify1(v, elem, false) : types::unifies(tv, elem);
      if (!ok) {
        errs.push_back(type_error("match error\n\tleft  : " + types::to_text(tv) + "\n\tright : " +
                                      types::to_text(elem),
                                  e.loc));
      }
      break;
    }
    case ir::ExprOp::Every: {
      // OPA evaluates the domain into a fresh variable first: `__local = domain`.
      check_nested_calls(e.terms[2], out);
      ir::Term fresh;
      fresh.op = ir::TermOp::Call;
      check_eq(fresh, e.terms[2], e.loc, errs);
      terms_.erase(&fresh);
      break;
    }
    case ir::ExprOp::True:
      break;
  }
  for (auto& err : errs) {
    // OPA drops an error caused by an unknown type when a closure or a
    // reference in the same expression already failed (calls nested in the
    // expression are expressions of their own there, never dropped).
    bool nil_caused = err.message.find("???") != std::string::npos;
    if (had_pre && nil_caused) continue;
    out.push_back(std::move(err));
  }
}

bool FrameChecker::check_with(const ir::Expr& e, std::vector<Error>& out) {
  for (const auto& w : e.with) {
    if (w.kind != ir::WithClause::Kind::Function) continue;
    // A function replaced by a function: OPA wants the same arity and
    // argument types that unify.
    TypeRef value;
    if (w.replacement_builtin != nullptr) {
      if (const TypeRef* sig = types::builtin_signature(w.replacement_builtin->name)) value = *sig;
    } else if (w.replacement_function != nullptr) {
      value = owner_.group_type(w.replacement_function);
    }
    if (!value || value->kind != TypeKind::Function) continue;
    TypeRef target;
    std::string name;
    if (const ir::RuleGroup* g = owner_.group_of(w.target)) {
      target = owner_.group_type(g);
      name = g->name;
    } else {
      const auto* info = static_cast<const BuiltinInfo*>(w.target);
      if (const TypeRef* sig = types::builtin_signature(info->name)) target = *sig;
      name = info->name;
    }
    if (!target || target->kind != TypeKind::Function) continue;
    bool ok = target->items.size() == value->items.size();
    for (size_t i = 0; ok && i < target->items.size(); ++i) ok = types::unifies(target->items[i], value->items[i]);
    if (ok) continue;
    std::string have = "(";
    for (size_t i = 0; i < value->items.size(); ++i) {
      if (i > 0) have += ", ";
      have += types::to_text(value->items[i]);
    }
    have += ")";
    TypeRef want = types::function_type(target->items, nullptr, target->names);
    out.push_back(type_error(name + ": arity mismatch\n\thave: " + have + "\n\twant: " + types::function_args_text(want),
                             w.loc));
    return true;
  }
  return false;
}

void FrameChecker::check_body(const ir::Body& body, std::vector<Error>& out) {
  for (const auto& e : body.exprs) check_expr(e, out);
}

void FrameChecker::check_head_term(const ir::Term& t, std::vector<Error>& out) {
  if (t.op == ir::TermOp::Local || t.op == ir::TermOp::Const) return;
  std::vector<Error> pre;
  check_closures(t, pre);
  check_refs(t, pre);
  out.insert(out.end(), pre.begin(), pre.end());
  check_nested_calls(t, out);
}

}  // namespace

void check_types(const CompiledPolicy& policy, std::vector<Error>& errors) {
  Checker c(policy, errors);
  c.run();
}

void check_query_types(const CompiledPolicy& policy, const ir::Body& body, uint32_t frame_size, std::string_view file,
                       std::vector<Error>& errors) {
  // OPA's query compiler runs the same checker over the query (its
  // checkTypes stage), the policy's rules typed as in the modules.
  Checker c(policy, errors);
  FrameChecker fc(c, frame_size, file);
  std::vector<Error> errs;
  fc.check_body(body, errs);
  errors.insert(errors.end(), errs.begin(), errs.end());
}

}  // namespace tollgate::rego::compiler
