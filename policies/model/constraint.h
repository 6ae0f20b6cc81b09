// A Constraint (group constraints.gatekeeper.sh, kind defined by a
// ConstraintTemplate): identity, parameters, enforcement action and match.
#pragma once

#include <optional>
#include <string>

#include "policies/match/match_criteria.h"
#include "policies/model/enforcement_action.h"
#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::policies {

struct Constraint {
  std::string kind;
  std::string name;
  value::Value object;      // the whole constraint (CEL `params` inside variables[])
  value::Value parameters;  // spec.parameters, or null when absent
  EnforcementAction enforcement;
  MatchCriteria match;
};

// Parses a constraint object (its kind is known to be defined by a loaded
// template). Reports every problem into ctx; nullopt when there were any.
std::optional<Constraint> parse_constraint(const value::Value& object, ParseContext& ctx);

}  // namespace tollgate::policies
