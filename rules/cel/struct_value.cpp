#include "rules/cel/struct_value.h"

#include <algorithm>

#include "rules/cel/equality.h"
#include "rules/value/json.h"

namespace tollgate::cel {

namespace {

const Value& empty_string() {
  static const Value v = Value::string("");
  return v;
}

bool zero_string_field(const std::vector<std::string>* fields, std::string_view name) {
  return fields != nullptr && std::find(fields->begin(), fields->end(), name) != fields->end();
}

}  // namespace

const Value* StructValue::field(std::string_view name) const {
  if (const Value* v = fields_.find(name)) return v;
  if (zero_string_field(zero_string_fields_, name)) return &empty_string();
  return nullptr;
}

bool StructValue::is_set(std::string_view name) const {
  const Value* v = fields_.find(name);
  if (v == nullptr) return false;
  if (zero_string_field(zero_string_fields_, name)) return !(v->is_string() && v->as_string().empty());
  return true;
}

bool StructValue::equals(const OpaqueValue& other) const {
  const auto* o = dynamic_cast<const StructValue*>(&other);
  if (o == nullptr || o->type_name_ != type_name_) return false;
  const auto& a = fields_.entries();
  const auto& b = o->fields_.entries();
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].first != b[i].first || !cel_equals(a[i].second, b[i].second)) return false;
  return true;
}

namespace {

// JSON, except that nested struct values print as Type{...} too.
void render(const Value& v, std::string& out) {
  if (const auto* s = as_struct(v)) {
    out += s->type_name();
    render(s->fields(), out);
    return;
  }
  if (v.is_array()) {
    out += '[';
    for (size_t i = 0; i < v.items().size(); ++i) {
      if (i) out += ',';
      render(v.items()[i], out);
    }
    out += ']';
    return;
  }
  if (v.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [k, x] : v.entries()) {
      if (!first) out += ',';
      first = false;
      out += value::to_json(k);
      out += ':';
      render(x, out);
    }
    out += '}';
    return;
  }
  out += value::to_json(v);
}

}  // namespace

std::string StructValue::debug_string() const {
  std::string out = type_name_;
  render(fields_, out);
  return out;
}

namespace {

class StructStep final : public Step {
 public:
  StructStep(const StructTypeProvider* provider, std::string type_name, std::vector<StructFieldStep> fields)
      : provider_(provider), type_name_(std::move(type_name)), fields_(std::move(fields)) {}

  Result eval(EvalContext& c) const override {
    std::vector<Value::Entry> entries;
    entries.reserve(fields_.size());
    for (const auto& f : fields_) {
      Result r = f.value->eval(c);
      if (r.is_error()) return r;
      if (f.optional) {
        const auto* o = as_optional(r.value());
        if (o == nullptr) return make_error("cannot use a non-optional value as an optional field");
        if (o->has_value()) entries.emplace_back(Value::string(f.name), o->value());
        continue;
      }
      entries.emplace_back(Value::string(f.name), r.take());
    }
    c.cost += 40;  // cel-go's struct creation cost
    return provider_->make(type_name_, Value::object(std::move(entries)));
  }

 private:
  const StructTypeProvider* provider_;
  std::string type_name_;
  std::vector<StructFieldStep> fields_;
};

}  // namespace

StepPtr make_struct_step(const StructTypeProvider* provider, std::string type_name,
                         std::vector<StructFieldStep> fields) {
  return std::make_unique<StructStep>(provider, std::move(type_name), std::move(fields));
}

}  // namespace tollgate::cel
