#include "policies/model/enforcement_action.h"

#include <algorithm>
#include <array>

#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;

namespace {

const std::array<const char*, 4> kKnownPoints = {kValidationPoint, kAuditPoint, kGatorPoint, kVapPoint};

bool is_scoped_entry_action(std::string_view a) { return a == "deny" || a == "dryrun" || a == "warn"; }

bool is_known_point(std::string_view p) {
  return p == "*" || std::any_of(kKnownPoints.begin(), kKnownPoints.end(), [&](const char* k) { return p == k; });
}

void add_unique(std::vector<std::string>& list, const std::string& a) {
  if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
}

}  // namespace

bool is_valid_enforcement_action(std::string_view action) {
  return action == "deny" || action == "dryrun" || action == "warn" || action == "scoped";
}

std::optional<EnforcementAction> EnforcementAction::parse(const Value& constraint, ParseContext& ctx) {
  EnforcementAction out;
  size_t errors_before = ctx.error_count();
  const Value& spec = constraint["spec"];
  if (!spec.is_object()) {
    out.by_point_.reserve(kKnownPoints.size());
    for (const char* p : kKnownPoints) out.by_point_.push_back({p, {out.action_}});
    out.wildcard_actions_ = {out.action_};
    return out;
  }

  const Value* given = spec.find("enforcementAction");
  std::string_view action = fields::string_field(spec, "enforcementAction", "/spec", ctx);
  if (ctx.error_count() != errors_before) return std::nullopt;
  if (given != nullptr && given->is_string() && !is_valid_enforcement_action(action)) {
    // Loaded as written (gator does), but in force only where gator runs.
    out.action_ = std::string(action);
    out.recognized_ = false;
    out.by_point_.push_back({kGatorPoint, {out.action_}});
    ctx.warning("/spec/enforcementAction",
                "unrecognized enforcementAction: \"" + out.action_ +
                    "\" is not within the supported list [deny dryrun warn scoped]: gator test and verify report "
                    "its violations without failing; the webhook and audit do not enforce the constraint");
    return out;
  }
  if (!action.empty()) out.action_ = std::string(action);

  if (!out.scoped()) {
    for (const char* p : kKnownPoints) out.by_point_.push_back({p, {out.action_}});
    out.wildcard_actions_ = {out.action_};
    return out;
  }

  const Value* list = spec.find("scopedEnforcementActions");
  if (list == nullptr || list->is_null()) {
    ctx.error("/spec/enforcementAction",
              "enforcementAction is scoped but spec.scopedEnforcementActions is missing");
    return std::nullopt;
  }
  if (!list->is_array()) {
    ctx.error("/spec/scopedEnforcementActions", "scopedEnforcementActions must be a list");
    return std::nullopt;
  }

  struct Entry {
    std::string action;
    std::vector<std::string> points;
  };
  std::vector<Entry> entries;
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Value& item = list->items()[i];
    std::string ptr = value::pointer_append("/spec/scopedEnforcementActions", i);
    if (!item.is_object()) {
      ctx.error(ptr, "scopedEnforcementActions entries must be objects with action and enforcementPoints");
      continue;
    }
    Entry e;
    const Value& a = item["action"];
    if (!a.is_string() || !is_scoped_entry_action(a.as_string())) {
      ctx.error(ptr + "/action", "scoped enforcement action must be one of deny, dryrun, warn, got " +
                                     (a.is_string() ? "\"" + a.as_string() + "\"" : std::string(value::kind_name(a.kind()))));
      continue;
    }
    e.action = a.as_string();
    const Value& points = item["enforcementPoints"];
    if (!points.is_array() || points.items().empty()) {
      ctx.error(ptr + "/enforcementPoints", "scoped enforcement action needs at least one enforcement point");
      continue;
    }
    for (size_t j = 0; j < points.items().size(); ++j) {
      const Value& name = points.items()[j]["name"];
      std::string pptr = value::pointer_append(ptr + "/enforcementPoints", j);
      if (!name.is_string() || !is_known_point(name.as_string())) {
        ctx.error(pptr + "/name", "enforcement point must be one of validation.gatekeeper.sh, audit.gatekeeper.sh, "
                                  "gator.gatekeeper.sh, vap.k8s.io, *" +
                                      std::string(name.is_string() ? ", got \"" + name.as_string() + "\"" : ""));
        continue;
      }
      e.points.push_back(name.as_string());
    }
    entries.push_back(std::move(e));
  }
  if (ctx.error_count() != errors_before) return std::nullopt;

  for (const char* p : kKnownPoints) {
    PointActions pa{p, {}};
    for (const Entry& e : entries) {
      bool listed = std::any_of(e.points.begin(), e.points.end(), [&](const std::string& x) { return x == p || x == "*"; });
      if (listed) add_unique(pa.actions, e.action);
    }
    out.by_point_.push_back(std::move(pa));
  }
  for (const Entry& e : entries) {
    if (std::find(e.points.begin(), e.points.end(), "*") != e.points.end()) add_unique(out.wildcard_actions_, e.action);
  }
  return out;
}

const std::vector<std::string>& EnforcementAction::actions_at(std::string_view point) const {
  for (const PointActions& pa : by_point_) {
    if (pa.point == point) return pa.actions;
  }
  return wildcard_actions_;
}

}  // namespace tollgate::policies
