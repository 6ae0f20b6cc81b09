#include "policies/mutation/assign.h"

#include "policies/mutation/assign_field.h"
#include "rules/value/json.h"

namespace tollgate::policies::mutation {

using value::Value;

namespace {

class Assign final : public Mutator {
 public:
  bool parse(const Value& object, ParseContext& ctx) {
    size_t errors_before = ctx.error_count();
    parse_common(object, "Assign", false, ctx);
    bool location_ok = !location_.empty() && reject_metadata_root("assign", ctx) && reject_key_change(ctx);
    std::optional<AssignField> field = AssignField::parse(object, "Assign " + id_.name, ctx);
    if (!field || !location_ok) return false;
    const PathNode& last = location_.nodes.back();
    if (last.is_list()) {
      if (field->source() != AssignField::Source::Value) {
        ctx.error("/spec/parameters/assign/fromMetadata", "cannot assign a metadata field to a list");
      } else {
        check_list_element(last, field->constant(), ctx);
      }
    }
    field_ = std::move(*field);
    return ctx.error_count() == errors_before;
  }

  PathMutation mutate(const Value& object) const override {
    return mutate_path(location_, tester_, AssignSetter(field_.resolve(object)), object);
  }

 private:
  // A location ending in `[key: value]` takes a whole element, which must
  // carry that key.
  static void check_list_element(const PathNode& last, const Value& value, ParseContext& ctx) {
    const char* ptr = "/spec/parameters/assign/value";
    if (last.glob) {
      ctx.error("/spec/location", "can't append to a globbed list");
      return;
    }
    if (!value.is_object()) {
      ctx.error(ptr, "invalid value: `" + value::to_json(value) + "`, only objects can be added to keyed lists");
      return;
    }
    const Value* key = value.find(last.name);
    if (key == nullptr || !last.key_matches(*key)) {
      ctx.error(ptr, "adding object to list with different key " + last.name + ": list key " +
                         value::to_json(last.key_value()) + ", object key " +
                         (key == nullptr ? std::string("<nil>") : value::to_json(*key)));
    }
  }

  AssignField field_;
};

}  // namespace

std::unique_ptr<const Mutator> parse_assign(const Value& object, ParseContext& ctx) {
  auto m = std::make_unique<Assign>();
  if (!m->parse(object, ctx)) return nullptr;
  return m;
}

}  // namespace tollgate::policies::mutation
