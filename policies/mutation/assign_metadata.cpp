#include "policies/mutation/assign_metadata.h"

#include "policies/mutation/assign_field.h"

namespace tollgate::policies::mutation {

using value::Value;

namespace {

bool is_metadata_location(const Location& loc) {
  if (loc.size() != 3) return false;
  for (const PathNode& n : loc.nodes) {
    if (n.is_list()) return false;
  }
  return loc.nodes[0].name == "metadata" && (loc.nodes[1].name == "labels" || loc.nodes[1].name == "annotations");
}

class AssignMetadata final : public Mutator {
 public:
  bool parse(const Value& object, ParseContext& ctx) {
    size_t errors_before = ctx.error_count();
    parse_common(object, "AssignMetadata", true, ctx);
    if (!location_.empty() && !is_metadata_location(location_)) {
      ctx.error("/spec/location", "invalid location for assignmetadata " + id_.name + ": " +
                                      std::string(object["spec"]["location"].string_or("")) +
                                      " (must be metadata.labels.<key> or metadata.annotations.<key>)");
    }
    std::optional<AssignField> field = AssignField::parse(object, "AssignMetadata " + id_.name, ctx);
    if (!field) return false;
    if (field->source() == AssignField::Source::Value && !field->constant().is_string()) {
      ctx.error("/spec/parameters/assign/value",
                "spec.parameters.assign.value field must be a string for AssignMetadata \"" + id_.name + "\"");
      return false;
    }
    field_ = std::move(*field);
    // Add only: the key must not exist yet.
    tester_ = PathTester::with(2, PathCondition::MustNotExist);
    return ctx.error_count() == errors_before;
  }

  bool has_schema() const override { return false; }

  PathMutation mutate(const Value& object) const override {
    return mutate_path(location_, tester_, AssignSetter(field_.resolve(object)), object);
  }

 private:
  AssignField field_;
};

}  // namespace

std::unique_ptr<const Mutator> parse_assign_metadata(const Value& object, ParseContext& ctx) {
  auto m = std::make_unique<AssignMetadata>();
  if (!m->parse(object, ctx)) return nullptr;
  return m;
}

}  // namespace tollgate::policies::mutation
