#include "policies/model/constraint.h"

namespace tollgate::policies {

using value::Value;

std::optional<Constraint> parse_constraint(const Value& object, ParseContext& ctx) {
  size_t errors_before = ctx.error_count();
  Constraint c;
  c.object = object;
  c.kind = std::string(object["kind"].string_or(""));

  const Value* meta = fields::object_field(object, "metadata", "", ctx);
  if (meta != nullptr) c.name = std::string(fields::string_field(*meta, "name", "/metadata", ctx));
  if (c.name.empty()) {
    ctx.error("/metadata", "constraint " + c.kind + " has no metadata.name");
  } else if (c.name.size() > 63) {
    ctx.error("/metadata/name", "constraint name \"" + c.name + "\" is longer than 63 characters");
  }

  const Value* spec = fields::object_field(object, "spec", "", ctx);
  if (spec != nullptr) {
    if (const Value* params = spec->find("parameters"); params != nullptr) c.parameters = *params;
  }

  std::optional<EnforcementAction> action = EnforcementAction::parse(object, ctx);
  if (action) c.enforcement = std::move(*action);

  std::optional<MatchCriteria> match = MatchCriteria::parse(spec != nullptr ? spec->find("match") : nullptr, "/spec/match", ctx);
  if (match) c.match = std::move(*match);

  if (ctx.error_count() != errors_before) return std::nullopt;
  return c;
}

}  // namespace tollgate::policies
