#include "rules/rego/compiler/types.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "rules/rego/number.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego::types {

using value::Value;

namespace {

TypeRef make_simple(TypeKind k) {
  auto t = std::make_shared<Type>();
  t->kind = k;
  return t;
}

int type_order(const TypeRef& t) {
  if (!t) return -1;
  return static_cast<int>(t->kind);
}

int slice_compare(const std::vector<TypeRef>& a, const std::vector<TypeRef>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = compare(a[i], b[i]); c != 0) return c;
  }
  if (a.size() < b.size()) return -1;
  if (a.size() > b.size()) return 1;
  return 0;
}

// OPA's types.TypeOf on the Go form of a JSON value (object keys, ref operands).
TypeRef native_type_of(const Value& v) {
  if (v.is_null()) return null_type();
  if (v.is_bool()) return boolean_type();
  if (v.is_number()) return number_type();
  if (v.is_string()) return string_type();
  if (v.is_object()) {
    std::vector<StaticProperty> props;
    for (const auto& [k, x] : v.entries()) props.push_back({k, native_type_of(x)});
    return object_type(std::move(props), false);
  }
  if (v.is_array() || v.is_set()) {
    std::vector<TypeRef> items;
    for (const auto& x : v.items()) items.push_back(native_type_of(x));
    return array_type(std::move(items), nullptr);
  }
  return any_type();
}

TypeRef object_select(const TypeRef& o, const Value& key) {
  auto it = std::lower_bound(o->props.begin(), o->props.end(), key,
                             [](const StaticProperty& p, const Value& k) { return value::compare(p.key, k) < 0; });
  if (it != o->props.end() && value::compare(it->key, key) == 0) return it->value;
  if (o->has_dynamic && contains(o->dyn_key, native_type_of(key))) return o->dyn_value;
  return nullptr;
}

TypeRef array_select(const TypeRef& a, size_t pos) {
  if (pos < a->items.size()) return a->items[pos];
  return a->elem;
}

bool unifies_any(const TypeRef& a, const TypeRef& b) {
  if (b && b->kind == TypeKind::Function) return false;
  for (const auto& m : a->items) {
    if (unifies(m, b)) return true;
  }
  return a->items.empty();
}

TypeRef any_merge(const TypeRef& any, const TypeRef& other);

TypeRef any_union(const TypeRef& a, const TypeRef& b) {
  if (a->items.empty()) return a;
  if (b->items.empty()) return b;
  std::vector<TypeRef> merged;
  size_t i = 0, j = 0;
  while (i < a->items.size() || j < b->items.size()) {
    if (i == a->items.size()) {
      merged.insert(merged.end(), b->items.begin() + static_cast<long>(j), b->items.end());
      break;
    }
    if (j == b->items.size()) {
      merged.insert(merged.end(), a->items.begin() + static_cast<long>(i), a->items.end());
      break;
    }
    int c = compare(a->items[i], b->items[j]);
    if (c < 0) {
      merged.push_back(a->items[i++]);
    } else if (c == 0) {
      merged.push_back(a->items[i++]);
      ++j;
    } else {
      merged.push_back(b->items[j++]);
    }
  }
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Any;
  t->items = std::move(merged);
  return t;
}

TypeRef any_merge(const TypeRef& any, const TypeRef& other) {
  if (other && other->kind == TypeKind::Any) return any_union(any, other);
  if (contains(any, other)) return any;
  auto t = std::make_shared<Type>(*any);
  auto pos = std::lower_bound(t->items.begin(), t->items.end(), other,
                              [](const TypeRef& x, const TypeRef& o) { return compare(x, o) < 0; });
  t->items.insert(pos, other);
  return t;
}

void append_key_text(const Value& k, std::string& out) {
  if (k.is_string()) {
    out += k.as_string();
  } else if (k.is_null()) {
    out += "<nil>";
  } else if (k.is_bool()) {
    out += k.as_bool() ? "true" : "false";
  } else if (k.is_number()) {
    out += number_text(k);
  } else {
    append_rego_text(k, out);
  }
}

void append_text(const TypeRef& t, std::string& out);

// `<T1, T2>` (nothing when empty).
void append_members(const std::vector<TypeRef>& items, std::string& out) {
  if (items.empty()) return;
  out += '<';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    append_text(items[i], out);
  }
  out += '>';
}

void append_text(const TypeRef& t, std::string& out) {
  if (!t) {
    out += "???";
    return;
  }
  switch (t->kind) {
    case TypeKind::Null: out += "null"; return;
    case TypeKind::Boolean: out += "boolean"; return;
    case TypeKind::Number: out += "number"; return;
    case TypeKind::String: out += "string"; return;
    case TypeKind::Array:
      out += "array";
      append_members(t->items, out);
      if (t->elem) {
        out += '[';
        append_text(t->elem, out);
        out += ']';
      }
      return;
    case TypeKind::Object:
      out += "object";
      if (!t->props.empty()) {
        out += '<';
        for (size_t i = 0; i < t->props.size(); ++i) {
          if (i > 0) out += ", ";
          append_key_text(t->props[i].key, out);
          out += ": ";
          append_text(t->props[i].value, out);
        }
        out += '>';
      }
      if (t->has_dynamic) {
        out += '[';
        append_text(t->dyn_key, out);
        out += ": ";
        append_text(t->dyn_value, out);
        out += ']';
      }
      return;
    case TypeKind::Set:
      out += "set[";
      append_text(t->elem, out);
      out += ']';
      return;
    case TypeKind::Any:
      out += "any";
      append_members(t->items, out);
      return;
    case TypeKind::Function:
      out += function_args_text(t);
      out += " => ";
      append_text(t->elem, out);
      return;
  }
}

}  // namespace

TypeRef null_type() { static const TypeRef t = make_simple(TypeKind::Null); return t; }
TypeRef boolean_type() { static const TypeRef t = make_simple(TypeKind::Boolean); return t; }
TypeRef number_type() { static const TypeRef t = make_simple(TypeKind::Number); return t; }
TypeRef string_type() { static const TypeRef t = make_simple(TypeKind::String); return t; }
TypeRef any_type() { static const TypeRef t = make_simple(TypeKind::Any); return t; }

TypeRef array_type(std::vector<TypeRef> statics, TypeRef dynamic) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Array;
  t->items = std::move(statics);
  t->elem = std::move(dynamic);
  return t;
}

TypeRef set_type(TypeRef of) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Set;
  t->elem = std::move(of);
  return t;
}

TypeRef object_type(std::vector<StaticProperty> props, bool has_dynamic, TypeRef key, TypeRef value) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Object;
  std::stable_sort(props.begin(), props.end(),
                   [](const StaticProperty& a, const StaticProperty& b) { return value::compare(a.key, b.key) < 0; });
  t->props = std::move(props);
  t->has_dynamic = has_dynamic;
  t->dyn_key = std::move(key);
  t->dyn_value = std::move(value);
  return t;
}

TypeRef any_of(std::vector<TypeRef> members) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Any;
  std::stable_sort(members.begin(), members.end(), [](const TypeRef& a, const TypeRef& b) { return compare(a, b) < 0; });
  t->items = std::move(members);
  return t;
}

TypeRef function_type(std::vector<TypeRef> args, TypeRef result, std::vector<std::string> names) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Function;
  t->items = std::move(args);
  t->elem = std::move(result);
  t->names = std::move(names);
  return t;
}

bool is_top(const TypeRef& t) { return t && t->kind == TypeKind::Any && t->items.empty(); }

int compare(const TypeRef& a, const TypeRef& b) {
  int x = type_order(a), y = type_order(b);
  if (x != y) return x > y ? 1 : -1;
  if (!a || a == b) return 0;
  switch (a->kind) {
    case TypeKind::Null:
    case TypeKind::Boolean:
    case TypeKind::Number:
    case TypeKind::String:
      return 0;
    case TypeKind::Array: {
      if (a->elem && !b->elem) return 1;
      if (b->elem && !a->elem) return -1;
      if (a->elem && b->elem) {
        if (int c = compare(a->elem, b->elem); c != 0) return c;
      }
      return slice_compare(a->items, b->items);
    }
    case TypeKind::Object: {
      if (a->has_dynamic && !b->has_dynamic) return 1;
      if (b->has_dynamic && !a->has_dynamic) return -1;
      if (a->has_dynamic && b->has_dynamic) {
        if (int c = compare(a->dyn_key, b->dyn_key); c != 0) return c;
        if (int c = compare(a->dyn_value, b->dyn_value); c != 0) return c;
      }
      size_t n = std::min(a->props.size(), b->props.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = value::compare(a->props[i].key, b->props[i].key); c != 0) return c < 0 ? -1 : 1;
        if (int c = compare(a->props[i].value, b->props[i].value); c != 0) return c;
      }
      if (a->props.size() < b->props.size()) return -1;
      if (a->props.size() > b->props.size()) return 1;
      return 0;
    }
    case TypeKind::Set:
      if (!a->elem && !b->elem) return 0;
      if (!a->elem) return -1;
      if (!b->elem) return 1;
      return compare(a->elem, b->elem);
    case TypeKind::Any:
      return slice_compare(a->items, b->items);
    case TypeKind::Function: {
      if (a->items.size() != b->items.size()) return a->items.size() < b->items.size() ? -1 : 1;
      if (int c = slice_compare(a->items, b->items); c != 0) return c;
      return compare(a->elem, b->elem);
    }
  }
  return 0;
}

bool contains(const TypeRef& a, const TypeRef& b) {
  if (a && a->kind == TypeKind::Any) {
    if (b && b->kind == TypeKind::Function) return false;
    auto it = std::lower_bound(a->items.begin(), a->items.end(), b,
                               [](const TypeRef& x, const TypeRef& o) { return compare(x, o) < 0; });
    if (it != a->items.end() && compare(*it, b) == 0) return true;
    return a->items.empty();
  }
  return compare(a, b) == 0;
}

TypeRef or_types(const TypeRef& a, const TypeRef& b) {
  if (!a) return b;
  if (!b) return a;
  bool fa = a->kind == TypeKind::Function, fb = b->kind == TypeKind::Function;
  if (fa && fb) {
    if (a->items.size() != b->items.size()) return nullptr;
    std::vector<TypeRef> args;
    for (size_t i = 0; i < a->items.size(); ++i) args.push_back(or_types(a->items[i], b->items[i]));
    return function_type(std::move(args), or_types(a->elem, b->elem));
  }
  if (fa || fb) return nullptr;
  if (a->kind == TypeKind::Any) return any_merge(a, b);
  if (b->kind == TypeKind::Any) return any_merge(b, a);
  if (compare(a, b) == 0) return a;
  return any_of({a, b});
}

bool unifies(const TypeRef& a, const TypeRef& b) {
  if (!a || !b) return false;
  bool any_a = a->kind == TypeKind::Any, any_b = b->kind == TypeKind::Any;
  if (any_a && unifies_any(a, b)) return true;
  if (any_b && unifies_any(b, a)) return true;
  if (any_a || any_b) return false;
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case TypeKind::Null:
    case TypeKind::Boolean:
    case TypeKind::Number:
    case TypeKind::String:
      return true;
    case TypeKind::Array: {
      for (size_t i = 0; i < a->items.size(); ++i) {
        if (!unifies(a->items[i], array_select(b, i))) return false;
      }
      for (size_t i = 0; i < b->items.size(); ++i) {
        if (!unifies(b->items[i], array_select(a, i))) return false;
      }
      return !a->elem || !b->elem || unifies(a->elem, b->elem);
    }
    case TypeKind::Object: {
      for (const auto& p : a->props) {
        if (!unifies(p.value, object_select(b, p.key))) return false;
      }
      for (const auto& p : b->props) {
        if (!unifies(p.value, object_select(a, p.key))) return false;
      }
      TypeRef av = a->has_dynamic ? a->dyn_value : nullptr;
      TypeRef bv = b->has_dynamic ? b->dyn_value : nullptr;
      return !av || !bv || unifies(av, bv);
    }
    case TypeKind::Set:
      return unifies(a->elem, b->elem);
    case TypeKind::Function: {
      if (a->items.size() != b->items.size()) return false;
      for (size_t i = 0; i < a->items.size(); ++i) {
        if (!unifies(a->items[i], b->items[i])) return false;
      }
      return true;
    }
    case TypeKind::Any:
      return false;
  }
  return false;
}

TypeRef keys(const TypeRef& t) {
  if (!t) return nullptr;
  switch (t->kind) {
    case TypeKind::Array: return number_type();
    case TypeKind::Object: {
      TypeRef out;
      for (const auto& p : t->props) out = or_types(out, native_type_of(p.key));
      if (t->has_dynamic) out = or_types(out, t->dyn_key);
      return out;
    }
    case TypeKind::Set: return t->elem;
    case TypeKind::Any: {
      if (t->items.empty()) return any_type();
      TypeRef out;
      for (const auto& m : t->items) out = or_types(keys(m), out);
      return out;
    }
    default: return nullptr;
  }
}

TypeRef values(const TypeRef& t) {
  if (!t) return nullptr;
  switch (t->kind) {
    case TypeKind::Array: {
      TypeRef out;
      for (const auto& m : t->items) out = or_types(out, m);
      return or_types(out, t->elem);
    }
    case TypeKind::Object: {
      TypeRef out;
      for (const auto& p : t->props) out = or_types(out, p.value);
      if (t->has_dynamic) out = or_types(out, t->dyn_value);
      return out;
    }
    case TypeKind::Set: return t->elem;
    case TypeKind::Any: {
      if (t->items.empty()) return any_type();
      TypeRef out;
      for (const auto& m : t->items) out = or_types(values(m), out);
      return out;
    }
    default: return nullptr;
  }
}

TypeRef select(const TypeRef& t, const Value& key) {
  if (!t) return nullptr;
  switch (t->kind) {
    case TypeKind::Array: {
      // json.Number.Int64(): only integer text selects.
      if (!key.is_number()) return nullptr;
      std::string text = number_text(key);
      if (text.empty() || text.find_first_of(".eE") != std::string::npos) return nullptr;
      if (text[0] == '-') return nullptr;
      size_t pos = 0;
      try {
        pos = static_cast<size_t>(std::stoull(text));
      } catch (const std::out_of_range&) {  // beyond any array
        return nullptr;
      }
      return array_select(t, pos);
    }
    case TypeKind::Object:
      return object_select(t, key);
    case TypeKind::Set: {
      TypeRef kt = native_type_of(key);
      if (compare(t->elem, kt) == 0) return t->elem;
      if (t->elem && t->elem->kind == TypeKind::Any && contains(t->elem, kt)) return kt;
      return nullptr;
    }
    case TypeKind::Any: {
      if (t->items.empty()) return any_type();
      TypeRef out;
      for (const auto& m : t->items) out = or_types(select(m, key), out);
      return out;
    }
    default:
      return nullptr;
  }
}

bool is_nil(const TypeRef& t) {
  if (!t) return true;
  switch (t->kind) {
    case TypeKind::Function:
      for (const auto& a : t->items) {
        if (is_nil(a)) return true;
      }
      return is_nil(t->elem);
    case TypeKind::Array:
      for (const auto& a : t->items) {
        if (is_nil(a)) return true;
      }
      return t->elem ? is_nil(t->elem) : false;
    case TypeKind::Object:
      for (const auto& p : t->props) {
        if (is_nil(p.value)) return true;
      }
      return t->has_dynamic ? (is_nil(t->dyn_key) || is_nil(t->dyn_value)) : false;
    case TypeKind::Set:
      return is_nil(t->elem);
    default:
      return false;
  }
}

TypeRef type_of(const Value& v) {
  if (v.is_null()) return null_type();
  if (v.is_bool()) return boolean_type();
  if (v.is_number()) return number_type();
  if (v.is_string()) return string_type();
  if (v.is_array()) {
    std::vector<TypeRef> items;
    for (const auto& x : v.items()) items.push_back(type_of(x));
    if (items.empty()) return array_type({}, any_type());
    return array_type(std::move(items), nullptr);
  }
  if (v.is_object()) {
    std::vector<StaticProperty> props;
    for (const auto& [k, x] : v.entries()) props.push_back({k, type_of(x)});
    if (props.empty()) return object_type({}, true, any_type(), any_type());
    return object_type(std::move(props), false);
  }
  if (v.is_set()) {
    TypeRef of;
    for (const auto& x : v.items()) of = or_types(of, type_of(x));
    return set_type(of ? of : any_type());
  }
  return any_type();
}

std::string to_text(const TypeRef& t) {
  std::string out;
  append_text(t, out);
  return out;
}

std::string function_args_text(const TypeRef& fn) {
  std::string out = "(";
  size_t n = fn->items.size() + (fn->elem ? 1 : 0);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    if (i < fn->names.size() && !fn->names[i].empty()) {
      out += fn->names[i];
      out += ": ";
    }
    append_text(i < fn->items.size() ? fn->items[i] : fn->elem, out);
  }
  out += ')';
  return out;
}

namespace {

class TypeParser {
 public:
  explicit TypeParser(std::string_view s) : s_(s) {}

  std::optional<TypeRef> parse_all() {
    auto t = parse();
    skip_ws();
    if (!t || pos_ != s_.size()) return std::nullopt;
    return t;
  }

  std::optional<TypeRef> parse() {
    skip_ws();
    std::string word = ident();
    if (word == "null") return null_type();
    if (word == "boolean") return boolean_type();
    if (word == "number") return number_type();
    if (word == "string") return string_type();
    if (word == "any") {
      if (!peek('<')) return any_type();
      auto members = list('<', '>');
      if (!members) return std::nullopt;
      return any_of(std::move(*members));
    }
    if (word == "set") {
      if (!eat('[')) return std::nullopt;
      auto of = parse();
      if (!of || !eat(']')) return std::nullopt;
      return set_type(*of);
    }
    if (word == "array") {
      std::vector<TypeRef> statics;
      TypeRef dyn;
      if (peek('<')) {
        auto l = list('<', '>');
        if (!l) return std::nullopt;
        statics = std::move(*l);
      }
      if (peek('[')) {
        eat('[');
        auto d = parse();
        if (!d || !eat(']')) return std::nullopt;
        dyn = *d;
      }
      return array_type(std::move(statics), dyn);
    }
    if (word == "object") {
      std::vector<StaticProperty> props;
      if (eat('<')) {
        while (true) {
          skip_ws();
          std::string key = ident();
          if (key.empty() || !eat(':')) return std::nullopt;
          auto v = parse();
          if (!v) return std::nullopt;
          props.push_back({Value::string(key), *v});
          if (eat(',')) continue;
          if (!eat('>')) return std::nullopt;
          break;
        }
      }
      bool dyn = false;
      TypeRef k, v;
      if (eat('[')) {
        auto kt = parse();
        if (!kt || !eat(':')) return std::nullopt;
        auto vt = parse();
        if (!vt || !eat(']')) return std::nullopt;
        dyn = true;
        k = *kt;
        v = *vt;
      }
      return object_type(std::move(props), dyn, k, v);
    }
    return std::nullopt;
  }

 private:
  std::optional<std::vector<TypeRef>> list(char open, char close) {
    if (!eat(open)) return std::nullopt;
    std::vector<TypeRef> out;
    while (true) {
      auto t = parse();
      if (!t) return std::nullopt;
      out.push_back(*t);
      if (eat(',')) continue;
      if (!eat(close)) return std::nullopt;
      return out;
    }
  }
  void skip_ws() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool peek(char c) {
    skip_ws();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  std::string ident() {
    skip_ws();
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<TypeRef> parse_type(std::string_view text) { return TypeParser(text).parse_all(); }

}  // namespace tollgate::rego::types
