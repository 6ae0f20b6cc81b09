// A constraint's enforcement action (gatekeeper-semantics.md §2.1):
// `spec.enforcementAction` (deny by default; deny | dryrun | warn | scoped)
// and, for `scoped`, `spec.scopedEnforcementActions`, resolved per
// enforcement point.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::policies {

inline constexpr const char* kVapPoint = "vap.k8s.io";

class EnforcementAction {
 public:
  // Reads spec.enforcementAction / spec.scopedEnforcementActions of a
  // constraint object; reports invalid values into ctx.
  static std::optional<EnforcementAction> parse(const value::Value& constraint, ParseContext& ctx);

  // "deny", "dryrun", "warn" or "scoped".
  const std::string& action() const { return action_; }
  bool scoped() const { return action_ == "scoped"; }

  // The actions in force at an enforcement point: for a non-scoped
  // constraint its action; for a scoped one the listed actions whose points
  // include this point or "*" (empty: the constraint is not evaluated
  // there).
  const std::vector<std::string>& actions_at(std::string_view point) const;

 private:
  struct PointActions {
    std::string point;
    std::vector<std::string> actions;
  };

  std::string action_ = "deny";
  std::vector<PointActions> by_point_;        // the known points
  std::vector<std::string> wildcard_actions_;  // any other point: entries listing "*"
};

// Whether `action` is one Gatekeeper accepts in spec.enforcementAction.
bool is_valid_enforcement_action(std::string_view action);

}  // namespace tollgate::policies
