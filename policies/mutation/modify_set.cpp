#include "policies/mutation/modify_set.h"

#include <algorithm>

#include "rules/value/json.h"

namespace tollgate::policies::mutation {

using value::Value;

namespace {

class SetSetter final : public Setter {
 public:
  SetSetter(bool prune, const Value& values) : prune_(prune), values_(values) {}

  bool set_value(const Value* existing, std::optional<Value>* out, std::string* error) const override {
    if (existing == nullptr) {
      // merge creates the list; prune has nothing to remove.
      if (!prune_) *out = values_;
      return true;
    }
    if (!existing->is_array()) {
      *error = (existing->is_null() ? std::string("<nil>") : value::to_json(*existing)) +
               " is not a list of values, cannot treat it as a set";
      return false;
    }
    const std::vector<Value>& items = existing->items();
    const std::vector<Value>& listed = values_.items();
    std::vector<Value> result;
    if (prune_) {
      result.reserve(items.size());
      for (const Value& item : items) {
        if (std::find(listed.begin(), listed.end(), item) == listed.end()) result.push_back(item);
      }
    } else {
      result = items;
      for (const Value& v : listed) {
        if (std::find(result.begin(), result.end(), v) == result.end()) result.push_back(v);
      }
    }
    *out = result.size() == items.size() ? *existing : Value::array(std::move(result));
    return true;
  }

 private:
  bool prune_;
  const Value& values_;
};

class ModifySet final : public Mutator {
 public:
  bool parse(const Value& object, ParseContext& ctx) {
    size_t errors_before = ctx.error_count();
    parse_common(object, "ModifySet", false, ctx);
    if (!location_.empty() && reject_metadata_root("modifyset", ctx) && location_.nodes.back().is_list()) {
      ctx.error("/spec/location", "final node in a modifyset location cannot be a keyed list");
    }
    const Value& params = object["spec"]["parameters"];
    std::string_view op = params.is_object() ? fields::string_field(params, "operation", "/spec/parameters", ctx) : "";
    if (op == "prune") {
      prune_ = true;
    } else if (!op.empty() && op != "merge") {
      ctx.error("/spec/parameters/operation",
                "unrecognized operation for modifyset: " + std::string(op) + " (merge, prune)");
    }
    values_ = Value::empty_array();
    const Value* values =
        params.is_object() ? fields::object_field(params, "values", "/spec/parameters", ctx) : nullptr;
    if (values != nullptr) {
      if (const Value* list = fields::array_field(*values, "fromList", "/spec/parameters/values", ctx)) values_ = *list;
    }
    return ctx.error_count() == errors_before;
  }

  TerminalType terminal_type() const override { return TerminalType::Set; }

  PathMutation mutate(const Value& object) const override {
    return mutate_path(location_, tester_, SetSetter(prune_, values_), object);
  }

 private:
  bool prune_ = false;
  Value values_;
};

}  // namespace

std::unique_ptr<const Mutator> parse_modify_set(const Value& object, ParseContext& ctx) {
  auto m = std::make_unique<ModifySet>();
  if (!m->parse(object, ctx)) return nullptr;
  return m;
}

}  // namespace tollgate::policies::mutation
