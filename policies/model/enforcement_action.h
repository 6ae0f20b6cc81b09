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

  // "deny", "dryrun", "warn" or "scoped"; or, when not recognized, the
  // value as written (gatekeeper-expansion.md §9).
  const std::string& action() const { return action_; }
  bool scoped() const { return action_ == "scoped"; }
  // False for a value outside deny|dryrun|warn|scoped (`foo`, an explicit
  // ""). Such a constraint loads with a warning: gator evaluates it and
  // reports its results under that action, which never fails a run;
  // Gatekeeper's controller keeps it out of the webhook and audit, so at
  // every other point nothing is in force.
  bool recognized() const { return recognized_; }

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
  bool recognized_ = true;
  std::vector<PointActions> by_point_;        // the known points
  std::vector<std::string> wildcard_actions_;  // any other point: entries listing "*"
};

// Whether `action` is one Gatekeeper accepts in spec.enforcementAction.
bool is_valid_enforcement_action(std::string_view action);

}  // namespace tollgate::policies
