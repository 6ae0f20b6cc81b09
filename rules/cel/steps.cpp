#include "rules/cel/steps.h"

#include <re2/re2.h>

#include <atomic>
#include <cmath>

#include "rules/cel/equality.h"
#include "rules/cel/go_format.h"
#include "rules/cel/struct_value.h"

namespace tollgate::cel {

namespace {

std::string key_text(const Value& k) {
  switch (k.kind()) {
    case value::Kind::String: return k.as_string();
    case value::Kind::Int: return std::to_string(k.as_int());
    case value::Kind::Uint: return std::to_string(k.as_uint());
    case value::Kind::Bool: return k.as_bool() ? "true" : "false";
    case value::Kind::Double: return format_double_go(k.as_double());
    default: return std::string(runtime_type_name(k));
  }
}

Result no_such_key(const Value& k) { return make_error("no such key: " + key_text(k)); }
Result no_such_field(std::string_view f) { return make_error("no such key: " + std::string(f)); }

// A step whose real work is eval_ref(), because it can lend a value it does
// not own (a bound identifier, a field of an object); eval() copies the lent
// value into a Result. Derived classes are final, so the call is direct.
template <class Derived>
class LendingStep : public Step {
 public:
  Result eval(EvalContext& c) const final {
    Result tmp;
    const Value* v = static_cast<const Derived&>(*this).eval_ref(c, tmp);
    if (v == nullptr || v == &tmp.value()) return tmp;
    return *v;
  }
};

// Field lookup by name with a per-call-site position hint: objects of one
// schema (every container of a pod) keep a given key at the same index, so
// the hinted slot usually matches and the binary search is skipped. The hint
// is only a guess, so racing updates from other threads are harmless.
class FieldLookup {
 public:
  explicit FieldLookup(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  const Value* find(const Value& obj) const {
    const auto& entries = obj.entries();
    const size_t n = entries.size();
    const uint32_t h = hint_.load(std::memory_order_relaxed);
    if (h < n) {
      const Value& k = entries[h].first;
      if (k.is_string() && k.as_string() == name_) return &entries[h].second;
    }
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      const Value& k = entries[mid].first;
      int c;
      if (k.is_string()) c = k.as_string().compare(name_);
      else c = k.kind() < value::Kind::String ? -1 : 1;
      if (c == 0) {
        hint_.store(static_cast<uint32_t>(mid), std::memory_order_relaxed);
        return &entries[mid].second;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return nullptr;
  }

 private:
  std::string name_;
  mutable std::atomic<uint32_t> hint_{0};
};

// ---- names ----

class ConstStep final : public Step {
 public:
  explicit ConstStep(Value v) : value_(std::move(v)) {}
  Result eval(EvalContext&) const override { return value_; }
  const Value* eval_ref(EvalContext&, Result&) const override { return &value_; }
  const Value* constant() const override { return &value_; }

 private:
  Value value_;
};

class ErrorStep final : public Step {
 public:
  explicit ErrorStep(std::string m) : error_(make_error(std::move(m))) {}
  Result eval(EvalContext&) const override { return error_; }

 private:
  Result error_;
};

class IdentStep final : public LendingStep<IdentStep> {
 public:
  IdentStep(size_t i, std::string name) : index_(i), name_(std::move(name)) {}
  const Value* eval_ref(EvalContext& c, Result& tmp) const override {
    c.cost += 1;
    const auto& ids = c.activation->identifiers;
    if (index_ >= ids.size()) {
      // cel-go's error for a declared variable the activation lacks.
      tmp = make_error("no such attribute(s): " + name_);
      return nullptr;
    }
    return &ids[index_];
  }

 private:
  size_t index_;
  std::string name_;
};

class LocalStep final : public LendingStep<LocalStep> {
 public:
  explicit LocalStep(size_t s) : slot_(s) {}
  const Value* eval_ref(EvalContext& c, Result& tmp) const override {
    c.cost += 1;
    const Slot& s = c.slots[slot_];
    if (s.error) {
      tmp = make_error(s.error->message);
      return nullptr;
    }
    return s.ref;
  }

 private:
  size_t slot_;
};

class LazyVariableStep final : public LendingStep<LazyVariableStep> {
 public:
  explicit LazyVariableStep(size_t i) : index_(i) {}
  const Value* eval_ref(EvalContext& c, Result& tmp) const override {
    c.cost += 1;
    if (c.activation->variables == nullptr) {
      tmp = make_error("no variables bound");
      return nullptr;
    }
    const EvalResult& r = c.activation->variables->get(index_);
    if (r.error) {
      tmp = make_error(*r.error);
      return nullptr;
    }
    return &r.value;
  }

 private:
  size_t index_;
};

// ---- field selection and indexing ----

// `x.?f` where x is not a map: a struct value (Object{...}, JSONPatch{...})
// gives its field when has(x.f) holds; cel-go's presence-testing qualifier
// finds nothing in a scalar or null (none), while a list cannot be indexed
// by name.
Result optional_select_in_non_map(const Value& base, std::string_view field) {
  if (const auto* s = as_struct(base)) {
    if (!s->is_set(field)) return optional_none();
    const Value* f = s->field(field);
    return optional_of(f != nullptr ? *f : Value::string(""));
  }
  if (base.is_array() || base.is_set()) return no_such_field(field);
  return optional_none();
}

// Selection on an optional: none stays none, a missing field becomes none.
// Inside a value that is not a map, `.?f` (a presence test) finds nothing
// while a plain `.f` is an error, as cel-go's qualifiers do.
Result select_in_optional(const OptionalValue& o, std::string_view field, bool presence_test = false) {
  if (!o.has_value()) return optional_none();
  const Value& inner = o.value();
  if (inner.is_object()) {
    const Value* f = inner.find(field);
    return f ? optional_of(*f) : optional_none();
  }
  if (presence_test) return optional_select_in_non_map(inner, field);
  if (const auto* s = as_struct(inner)) {
    if (const Value* f = s->field(field)) return optional_of(*f);
  }
  return no_such_field(field);
}

class SelectStep final : public LendingStep<SelectStep> {
 public:
  SelectStep(StepPtr operand, std::string field) : operand_(std::move(operand)), field_(std::move(field)) {}

  const Value* eval_ref(EvalContext& c, Result& tmp) const override {
    const Value* base = operand_->eval_ref(c, tmp);
    if (base == nullptr) return nullptr;
    c.cost += 1;
    if (base->is_object()) {
      const Value* f = field_.find(*base);
      if (f != nullptr) return f;
      tmp = no_such_field(field_.name());
      return nullptr;
    }
    if (const auto* o = as_optional(*base)) {
      tmp = select_in_optional(*o, field_.name());
      return tmp.is_error() ? nullptr : &tmp.value();
    }
    if (const auto* s = as_struct(*base)) {
      if (const Value* f = s->field(field_.name())) return f;
    }
    tmp = no_such_field(field_.name());
    return nullptr;
  }

 private:
  StepPtr operand_;
  FieldLookup field_;
};

class OptionalSelectStep final : public Step {
 public:
  OptionalSelectStep(StepPtr operand, std::string field) : operand_(std::move(operand)), field_(std::move(field)) {}
  Result eval(EvalContext& c) const override {
    Result tmp;
    const Value* base = operand_->eval_ref(c, tmp);
    if (base == nullptr) return tmp;
    c.cost += 1;
    if (base->is_object()) {
      const Value* f = base->find(field_);
      return f ? optional_of(*f) : optional_none();
    }
    if (const auto* o = as_optional(*base)) return select_in_optional(*o, field_, /*presence_test=*/true);
    return optional_select_in_non_map(*base, field_);
  }

 private:
  StepPtr operand_;
  std::string field_;
};

class HasStep final : public Step {
 public:
  HasStep(StepPtr operand, std::string field) : operand_(std::move(operand)), field_(std::move(field)) {}
  Result eval(EvalContext& c) const override {
    Result tmp;
    const Value* base = operand_->eval_ref(c, tmp);
    if (base == nullptr) return tmp;
    if (base->is_object()) return Value::boolean(field_.find(*base) != nullptr);
    if (const auto* o = as_optional(*base)) {
      if (!o->has_value()) return Value::boolean(false);
      const Value& inner = o->value();
      return Value::boolean(inner.is_object() && field_.find(inner) != nullptr);
    }
    if (base->is_array() || base->is_set()) return make_error("invalid type for field selection.");
    if (const auto* s = as_struct(*base)) return Value::boolean(s->is_set(field_.name()));
    // cel-go without ErrorOnBadPresenceTest: presence on null or a scalar is false.
    return Value::boolean(false);
  }

 private:
  StepPtr operand_;
  FieldLookup field_;
};

// Index into a list or map. Returns nullptr with tmp set when absent/error;
// `absent` tells a missing element/key (for optional indexing) from other errors.
const Value* index_value(const Value& base, const Value& key, Result& tmp, bool* absent) {
  *absent = false;
  if (base.is_array()) {
    int64_t i;
    if (key.is_int()) {
      i = key.as_int();
    } else if (key.is_uint()) {
      i = key.as_uint() > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(key.as_uint());
    } else if (key.is_double()) {
      const double d = key.as_double();
      if (!(std::trunc(d) == d) || d < -9.2e18 || d > 9.2e18) {
        tmp = make_error("unsupported index value");
        return nullptr;
      }
      i = static_cast<int64_t>(d);
    } else {
      tmp = no_such_overload("_[_]");
      return nullptr;
    }
    const auto& items = base.items();
    if (i < 0 || static_cast<uint64_t>(i) >= items.size()) {
      *absent = true;
      tmp = make_error("index out of bounds: index '" + std::to_string(i) + "' out of range in list size '" +
                       std::to_string(items.size()) + "'");
      return nullptr;
    }
    return &items[static_cast<size_t>(i)];
  }
  if (base.is_object()) {
    switch (key.kind()) {
      case value::Kind::String:
      case value::Kind::Int:
      case value::Kind::Uint:
      case value::Kind::Bool:
      case value::Kind::Double: break;
      default: tmp = make_error("unsupported key type"); return nullptr;
    }
    if (key.is_double() && std::isnan(key.as_double())) {
      *absent = true;
      tmp = no_such_key(key);
      return nullptr;
    }
    const Value* v = key.is_string() ? base.find(std::string_view(key.as_string())) : base.find(key);
    if (v == nullptr) {
      *absent = true;
      tmp = no_such_key(key);
      return nullptr;
    }
    return v;
  }
  tmp = no_such_overload("_[_]");
  return nullptr;
}

class IndexStep final : public LendingStep<IndexStep> {
 public:
  IndexStep(StepPtr operand, StepPtr index, bool optional)
      : operand_(std::move(operand)), index_(std::move(index)), optional_(optional) {}
  const Value* eval_ref(EvalContext& c, Result& tmp) const override {
    Result base_tmp;
    const Value* base = operand_->eval_ref(c, base_tmp);
    if (base == nullptr) {
      tmp = std::move(base_tmp);
      return nullptr;
    }
    Result key = index_->eval(c);
    if (key.is_error()) {
      tmp = std::move(key);
      return nullptr;
    }
    c.cost += 1;
    bool in_optional = optional_;
    const Value* target = base;
    if (const auto* o = as_optional(*base)) {
      if (!o->has_value()) {
        tmp = optional_none();
        return &tmp.value();
      }
      target = &o->value();
      in_optional = true;
    }
    bool absent = false;
    const Value* found = index_value(*target, key.value(), tmp, &absent);
    if (in_optional) {
      if (found != nullptr) {
        tmp = optional_of(*found);
        return &tmp.value();
      }
      if (absent) {
        tmp = optional_none();
        return &tmp.value();
      }
      return nullptr;
    }
    if (found == nullptr) return nullptr;
    if (!base_tmp.value().is_null()) {
      // The operand made a temporary (base_tmp), and the container may be it or
      // lie inside it (a field selected from a temporary map): base_tmp dies
      // here, so keep the element alive in tmp.
      tmp = *found;
      return &tmp.value();
    }
    return found;
  }

 private:
  StepPtr operand_;
  StepPtr index_;
  bool optional_;
};

// ---- calls ----

// A call's evaluated arguments, on the stack for up to kInline of them so
// that the common short calls allocate nothing.
class CallArgs {
 public:
  // Evaluates the argument steps in order; stops at the first error.
  CallArgs(const std::vector<StepPtr>& steps, EvalContext& c) : size_(steps.size()), data_(inline_) {
    if (size_ > kInline) {
      heap_.resize(size_);
      data_ = heap_.data();
    }
    for (size_t i = 0; i < size_; ++i) {
      Result r = steps[i]->eval(c);
      if (r.is_error()) {
        error_ = std::move(r);
        return;
      }
      data_[i] = r.take();
    }
  }
  CallArgs(const CallArgs&) = delete;
  CallArgs& operator=(const CallArgs&) = delete;

  bool failed() const { return error_.is_error(); }
  Result& error() { return error_; }
  std::span<const Value> values() const { return {data_, size_}; }

 private:
  static constexpr size_t kInline = 4;
  size_t size_;
  Value inline_[kInline];
  std::vector<Value> heap_;
  Value* data_;
  Result error_;
};

// Runs one overload and charges its cost.
Result call_overload(const Overload& o, std::span<const Value> args, EvalContext& c) {
  Result out = o.impl(args);
  c.cost += o.cost ? o.cost(args, out) : 1;
  return out;
}

class CallStep final : public Step {
 public:
  CallStep(const Overload* o, std::vector<StepPtr> args) : overload_(o), args_(std::move(args)) {}
  Result eval(EvalContext& c) const override {
    CallArgs args(args_, c);
    if (args.failed()) return std::move(args.error());
    return call_overload(*overload_, args.values(), c);
  }

 private:
  const Overload* overload_;
  std::vector<StepPtr> args_;
};

class DispatchStep final : public Step {
 public:
  DispatchStep(std::string function, std::vector<const Overload*> candidates, std::vector<StepPtr> args)
      : function_(std::move(function)), candidates_(std::move(candidates)), args_(std::move(args)) {}
  Result eval(EvalContext& c) const override {
    CallArgs args(args_, c);
    if (args.failed()) return std::move(args.error());
    const std::span<const Value> values = args.values();
    for (const Overload* o : candidates_) {
      bool match = true;
      for (size_t i = 0; i < values.size() && match; ++i) match = value_matches_type(values[i], o->args[i]);
      if (match) return call_overload(*o, values, c);
    }
    return no_such_overload(function_);
  }

 private:
  std::string function_;
  std::vector<const Overload*> candidates_;
  std::vector<StepPtr> args_;
};

// ---- logic ----

// cel-go's commutative && / ||: the absorbing value wins over errors and
// non-bool operands on either side.
template <bool kAbsorbing>
class LogicStep final : public Step {
 public:
  LogicStep(StepPtr l, StepPtr r) : left_(std::move(l)), right_(std::move(r)) {}
  Result eval(EvalContext& c) const override {
    Result a = left_->eval(c);
    const bool a_bool = a.ok() && a.value().is_bool();
    if (a_bool && a.value().as_bool() == kAbsorbing) return a;
    Result b = right_->eval(c);
    const bool b_bool = b.ok() && b.value().is_bool();
    if (b_bool && b.value().as_bool() == kAbsorbing) return b;
    if (a_bool && b_bool) return b;
    if (a.is_error()) return a;
    if (!a_bool) return no_such_overload(kAbsorbing ? "_||_" : "_&&_");
    if (b.is_error()) return b;
    return no_such_overload(kAbsorbing ? "_||_" : "_&&_");
  }

 private:
  StepPtr left_, right_;
};

class NotStep final : public Step {
 public:
  explicit NotStep(StepPtr o) : operand_(std::move(o)) {}
  Result eval(EvalContext& c) const override {
    Result a = operand_->eval(c);
    if (a.is_error()) return a;
    if (!a.value().is_bool()) return no_such_overload("!_");
    return Value::boolean(!a.value().as_bool());
  }

 private:
  StepPtr operand_;
};

class NotStrictlyFalseStep final : public Step {
 public:
  explicit NotStrictlyFalseStep(StepPtr o) : operand_(std::move(o)) {}
  Result eval(EvalContext& c) const override {
    Result a = operand_->eval(c);
    if (a.ok() && a.value().is_bool()) return a;
    return Value::boolean(true);
  }

 private:
  StepPtr operand_;
};

class TernaryStep final : public Step {
 public:
  TernaryStep(StepPtr c, StepPtr t, StepPtr f) : cond_(std::move(c)), t_(std::move(t)), f_(std::move(f)) {}
  Result eval(EvalContext& c) const override {
    Result k = cond_->eval(c);
    if (k.is_error()) return k;
    if (!k.value().is_bool()) return no_such_overload("_?_:_");
    return k.value().as_bool() ? t_->eval(c) : f_->eval(c);
  }

 private:
  StepPtr cond_, t_, f_;
};

// ---- comparison ----

// The two operands of a binary step, evaluated left to right by reference;
// the first error stops it.
class BorrowedOperands {
 public:
  BorrowedOperands(const Step& left, const Step& right, EvalContext& c) {
    left_ = left.eval_ref(c, left_tmp_);
    if (left_ == nullptr) {
      error_ = &left_tmp_;
      return;
    }
    right_ = right.eval_ref(c, right_tmp_);
    if (right_ == nullptr) error_ = &right_tmp_;
  }
  BorrowedOperands(const BorrowedOperands&) = delete;
  BorrowedOperands& operator=(const BorrowedOperands&) = delete;

  bool failed() const { return error_ != nullptr; }
  Result& error() { return *error_; }
  const Value& left() const { return *left_; }
  const Value& right() const { return *right_; }

 private:
  Result left_tmp_, right_tmp_;
  const Value* left_ = nullptr;
  const Value* right_ = nullptr;
  Result* error_ = nullptr;
};

class EqualsStep final : public Step {
 public:
  EqualsStep(StepPtr l, StepPtr r, bool negate) : left_(std::move(l)), right_(std::move(r)), negate_(negate) {}
  Result eval(EvalContext& c) const override {
    BorrowedOperands operands(*left_, *right_, c);
    if (operands.failed()) return std::move(operands.error());
    c.cost += 1;
    return Value::boolean(cel_equals(operands.left(), operands.right()) != negate_);
  }

 private:
  StepPtr left_, right_;
  bool negate_;
};

class RelationStep final : public Step {
 public:
  RelationStep(StepPtr l, StepPtr r, Relation rel) : left_(std::move(l)), right_(std::move(r)), rel_(rel) {}
  Result eval(EvalContext& c) const override {
    BorrowedOperands operands(*left_, *right_, c);
    if (operands.failed()) return std::move(operands.error());
    c.cost += 1;
    const Value& a = operands.left();
    const Value& b = operands.right();
    std::optional<int> cmp;
    if (is_cel_number(a) && is_cel_number(b)) {
      cmp = compare_numbers(a, b);
      if (!cmp) return Value::boolean(false);  // NaN is unordered
    } else {
      cmp = cel_compare(a, b);
      if (!cmp) return no_such_overload(name());
    }
    switch (rel_) {
      case Relation::Less: return Value::boolean(*cmp < 0);
      case Relation::LessEqual: return Value::boolean(*cmp <= 0);
      case Relation::Greater: return Value::boolean(*cmp > 0);
      case Relation::GreaterEqual: return Value::boolean(*cmp >= 0);
    }
    return Value::boolean(false);
  }

 private:
  const char* name() const {
    switch (rel_) {
      case Relation::Less: return "_<_";
      case Relation::LessEqual: return "_<=_";
      case Relation::Greater: return "_>_";
      case Relation::GreaterEqual: return "_>=_";
    }
    return "_<_";
  }
  StepPtr left_, right_;
  Relation rel_;
};

class InStep final : public Step {
 public:
  InStep(StepPtr e, StepPtr c) : element_(std::move(e)), container_(std::move(c)) {}
  Result eval(EvalContext& c) const override {
    BorrowedOperands operands(*element_, *container_, c);
    if (operands.failed()) return std::move(operands.error());
    const Value* e = &operands.left();
    const Value* cont = &operands.right();
    if (cont->is_array() || cont->is_set()) {
      const auto& items = cont->items();
      c.cost += 1 + items.size();
      for (const auto& item : items)
        if (cel_equals(*e, item)) return Value::boolean(true);
      return Value::boolean(false);
    }
    if (cont->is_object()) {
      c.cost += 1;
      switch (e->kind()) {
        case value::Kind::String: return Value::boolean(cont->find(std::string_view(e->as_string())) != nullptr);
        case value::Kind::Int:
        case value::Kind::Uint:
        case value::Kind::Bool: return Value::boolean(cont->find(*e) != nullptr);
        case value::Kind::Double:
          return Value::boolean(!std::isnan(e->as_double()) && cont->find(*e) != nullptr);
        default: return Value::boolean(false);
      }
    }
    return no_such_overload("@in");
  }

 private:
  StepPtr element_, container_;
};

// ---- aggregates ----

class ListStep final : public Step {
 public:
  ListStep(std::vector<StepPtr> e, std::vector<bool> opt) : elements_(std::move(e)), optional_(std::move(opt)) {}
  Result eval(EvalContext& c) const override {
    std::vector<Value> items;
    items.reserve(elements_.size());
    for (size_t i = 0; i < elements_.size(); ++i) {
      Result r = elements_[i]->eval(c);
      if (r.is_error()) return r;
      if (optional_[i]) {
        const auto* o = as_optional(r.value());
        if (o == nullptr) return make_error("cannot use a non-optional value as an optional list element");
        if (o->has_value()) items.push_back(o->value());
        continue;
      }
      items.push_back(r.take());
    }
    c.cost += 10;
    return Value::array(std::move(items));
  }
  const Value* constant() const override { return nullptr; }

 private:
  std::vector<StepPtr> elements_;
  std::vector<bool> optional_;
};

bool valid_map_key(const Value& k) { return k.is_string() || k.is_int() || k.is_uint() || k.is_bool(); }

class MapStep final : public Step {
 public:
  MapStep(std::vector<std::pair<StepPtr, StepPtr>> e, std::vector<bool> opt)
      : entries_(std::move(e)), optional_(std::move(opt)) {}
  Result eval(EvalContext& c) const override {
    std::vector<Value::Entry> entries;
    entries.reserve(entries_.size());
    for (size_t i = 0; i < entries_.size(); ++i) {
      Result k = entries_[i].first->eval(c);
      if (k.is_error()) return k;
      if (!valid_map_key(k.value())) return make_error("unsupported key type");
      Result v = entries_[i].second->eval(c);
      if (v.is_error()) return v;
      if (optional_[i]) {
        const auto* o = as_optional(v.value());
        if (o == nullptr) return make_error("cannot use a non-optional value as an optional map entry");
        if (!o->has_value()) continue;
        entries.emplace_back(k.take(), o->value());
        continue;
      }
      entries.emplace_back(k.take(), v.take());
    }
    const size_t n = entries.size();
    // cel-go walks a map literal from its Go map's insertion order.
    Value m = Value::object_keeping_order(std::move(entries));
    if (m.size() != n) return make_error("Failed with repeated key");
    c.cost += 30;
    return m;
  }

 private:
  std::vector<std::pair<StepPtr, StepPtr>> entries_;
  std::vector<bool> optional_;
};

// ---- special functions ----

class TypeOfStep final : public Step {
 public:
  explicit TypeOfStep(StepPtr o) : operand_(std::move(o)) {}
  Result eval(EvalContext& c) const override {
    Result tmp;
    const Value* v = operand_->eval_ref(c, tmp);
    if (v == nullptr) return tmp;
    c.cost += 1;
    return make_type(runtime_type_name(*v));
  }

 private:
  StepPtr operand_;
};

class OptionalOrStep final : public Step {
 public:
  OptionalOrStep(StepPtr l, StepPtr r, bool or_value) : left_(std::move(l)), right_(std::move(r)), or_value_(or_value) {}
  Result eval(EvalContext& c) const override {
    Result a = left_->eval(c);
    if (a.is_error()) return a;
    const auto* o = as_optional(a.value());
    if (o == nullptr) return no_such_overload(or_value_ ? "orValue" : "or");
    c.cost += 1;
    if (o->has_value()) return or_value_ ? Result(o->value()) : a;
    Result b = right_->eval(c);
    if (b.is_error() || or_value_) return b;
    if (as_optional(b.value()) == nullptr) return no_such_overload("or");
    return b;
  }

 private:
  StepPtr left_, right_;
  bool or_value_;
};

class MapInsertStep final : public Step {
 public:
  explicit MapInsertStep(std::vector<StepPtr> args) : args_(std::move(args)) {}
  Result eval(EvalContext& c) const override {
    std::vector<Value> v;
    for (const auto& a : args_) {
      Result r = a->eval(c);
      if (r.is_error()) return r;
      v.push_back(r.take());
    }
    if (!v[0].is_object()) return no_such_overload("cel.@mapInsert");
    c.cost += 1;
    if (v.size() == 3) {
      if (!valid_map_key(v[1])) return make_error("unsupported key type");
      if (v[0].find(v[1]) != nullptr) return make_error("insert failed: key " + key_text(v[1]) + " already exists");
      return value::with_entry(v[0], v[1], v[2]);
    }
    if (!v[1].is_object()) return no_such_overload("cel.@mapInsert");
    Value out = v[0];
    for (const auto& [k, val] : v[1].entries()) {
      if (out.find(k) != nullptr) return make_error("insert failed: key " + key_text(k) + " already exists");
      out = value::with_entry(out, k, val);
    }
    return out;
  }

 private:
  std::vector<StepPtr> args_;
};

class MatchesStep final : public Step {
 public:
  MatchesStep(StepPtr s, std::unique_ptr<re2::RE2> re) : subject_(std::move(s)), re_(std::move(re)) {}
  Result eval(EvalContext& c) const override {
    Result tmp;
    const Value* v = subject_->eval_ref(c, tmp);
    if (v == nullptr) return tmp;
    if (!v->is_string()) return no_such_overload("matches");
    const auto& s = v->as_string();
    c.cost += ((s.size() + 1 + 9) / 10) * ((re_->pattern().size() + 3) / 4);
    return Value::boolean(re2::RE2::PartialMatch(s, *re_));
  }

 private:
  StepPtr subject_;
  std::unique_ptr<re2::RE2> re_;
};

// ---- comprehensions ----

class ComprehensionStep final : public Step {
 public:
  explicit ComprehensionStep(ComprehensionPlan p) : p_(std::move(p)) {}
  Result eval(EvalContext& c) const override {
    Result range_tmp;
    const Value* range = p_.range->eval_ref(c, range_tmp);
    if (range == nullptr) return range_tmp;
    // Keep the range alive while the loop borrows its elements.
    Value range_owner = *range;
    const bool is_map = range_owner.is_object();
    if (!is_map && !range_owner.is_array() && !range_owner.is_set())
      return make_error("expression does not evaluate to a list or map: " + std::string(runtime_type_name(range_owner)));
    Slot& iter = c.slots[p_.iter_slot];
    Slot* iter2 = p_.two_variables ? &c.slots[p_.iter2_slot] : nullptr;
    const size_t n = is_map ? range_owner.entries().size() : range_owner.items().size();

    auto bind = [&](size_t i) {
      if (is_map) {
        // cel-go ranges over the Go map the document was decoded into: a
        // small map's iteration starts from its insertion order.
        const auto& e = range_owner.entries()[range_owner.given_order_index(i)];
        iter.set_borrowed(&e.first);
        if (iter2) iter2->set_borrowed(&e.second);
      } else {
        const Value& item = range_owner.items()[i];
        if (iter2) {
          iter.set(Value::integer(static_cast<int64_t>(i)));
          iter2->set_borrowed(&item);
        } else {
          iter.set_borrowed(&item);
        }
      }
    };

    if (p_.shape != ComprehensionPlan::Shape::Generic) {
      std::vector<Value> out;
      for (size_t i = 0; i < n; ++i) {
        if (c.over_budget()) return make_error(kCostLimitExceeded);
        bind(i);
        if (p_.append_condition) {
          Result k = p_.append_condition->eval(c);
          if (k.is_error()) return k;
          if (!k.value().is_bool()) return no_such_overload("_?_:_");
          if (!k.value().as_bool()) continue;
        }
        Result v = p_.append_value->eval(c);
        if (v.is_error()) return v;
        out.push_back(v.take());
      }
      return Value::array(std::move(out));
    }

    Slot& accu = c.slots[p_.accu_slot];
    accu.set(p_.init->eval(c));
    for (size_t i = 0; i < n; ++i) {
      if (c.over_budget()) return make_error(kCostLimitExceeded);
      bind(i);
      Result k = p_.condition->eval(c);
      if (k.ok() && k.value().is_bool() && !k.value().as_bool()) break;
      accu.set(p_.loop_step->eval(c));
    }
    if (c.over_budget()) return make_error(kCostLimitExceeded);
    return p_.result->eval(c);
  }

 private:
  ComprehensionPlan p_;
};

}  // namespace

StepPtr make_const_step(Value v) { return std::make_unique<ConstStep>(std::move(v)); }
StepPtr make_error_step(std::string message) { return std::make_unique<ErrorStep>(std::move(message)); }
StepPtr make_ident_step(size_t index, std::string name) {
  return std::make_unique<IdentStep>(index, std::move(name));
}
StepPtr make_local_step(size_t slot) { return std::make_unique<LocalStep>(slot); }
StepPtr make_lazy_variable_step(size_t index) { return std::make_unique<LazyVariableStep>(index); }
StepPtr make_select_step(StepPtr operand, std::string field) {
  return std::make_unique<SelectStep>(std::move(operand), std::move(field));
}
StepPtr make_optional_select_step(StepPtr operand, std::string field) {
  return std::make_unique<OptionalSelectStep>(std::move(operand), std::move(field));
}
StepPtr make_has_step(StepPtr operand, std::string field) {
  return std::make_unique<HasStep>(std::move(operand), std::move(field));
}
StepPtr make_index_step(StepPtr operand, StepPtr index, bool optional) {
  return std::make_unique<IndexStep>(std::move(operand), std::move(index), optional);
}
StepPtr make_call_step(const Overload* overload, std::vector<StepPtr> args) {
  return std::make_unique<CallStep>(overload, std::move(args));
}
StepPtr make_dispatch_step(std::string function, std::vector<const Overload*> candidates, std::vector<StepPtr> args) {
  return std::make_unique<DispatchStep>(std::move(function), std::move(candidates), std::move(args));
}
StepPtr make_and_step(StepPtr l, StepPtr r) { return std::make_unique<LogicStep<false>>(std::move(l), std::move(r)); }
StepPtr make_or_step(StepPtr l, StepPtr r) { return std::make_unique<LogicStep<true>>(std::move(l), std::move(r)); }
StepPtr make_not_step(StepPtr o) { return std::make_unique<NotStep>(std::move(o)); }
StepPtr make_not_strictly_false_step(StepPtr o) { return std::make_unique<NotStrictlyFalseStep>(std::move(o)); }
StepPtr make_ternary_step(StepPtr c, StepPtr t, StepPtr f) {
  return std::make_unique<TernaryStep>(std::move(c), std::move(t), std::move(f));
}
StepPtr make_equals_step(StepPtr l, StepPtr r, bool negate) {
  return std::make_unique<EqualsStep>(std::move(l), std::move(r), negate);
}
StepPtr make_relation_step(StepPtr l, StepPtr r, Relation rel) {
  return std::make_unique<RelationStep>(std::move(l), std::move(r), rel);
}
StepPtr make_in_step(StepPtr e, StepPtr c) { return std::make_unique<InStep>(std::move(e), std::move(c)); }
StepPtr make_list_step(std::vector<StepPtr> e, std::vector<bool> opt) {
  return std::make_unique<ListStep>(std::move(e), std::move(opt));
}
StepPtr make_map_step(std::vector<std::pair<StepPtr, StepPtr>> e, std::vector<bool> opt) {
  return std::make_unique<MapStep>(std::move(e), std::move(opt));
}
StepPtr make_type_of_step(StepPtr o) { return std::make_unique<TypeOfStep>(std::move(o)); }
StepPtr make_optional_or_step(StepPtr l, StepPtr r, bool or_value) {
  return std::make_unique<OptionalOrStep>(std::move(l), std::move(r), or_value);
}
StepPtr make_map_insert_step(std::vector<StepPtr> args) { return std::make_unique<MapInsertStep>(std::move(args)); }
StepPtr make_matches_step(StepPtr subject, const std::string& pattern, std::string* error) {
  auto re = std::make_unique<re2::RE2>(pattern, re2::RE2::Quiet);
  if (!re->ok()) {
    *error = "invalid regular expression: " + re->error();
    return nullptr;
  }
  return std::make_unique<MatchesStep>(std::move(subject), std::move(re));
}
StepPtr make_comprehension_step(ComprehensionPlan plan) {
  return std::make_unique<ComprehensionStep>(std::move(plan));
}

}  // namespace tollgate::cel
