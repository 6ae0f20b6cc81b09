// Turning a review's results into the validating webhook's answer
// (gatekeeper-semantics.md §2.2–2.3).
#pragma once

#include <string>
#include <vector>

#include "policies/policy_set.h"

namespace tollgate::policies {

// Sorts the results by (enforcement action, message) and builds the
// decision: any deny ⇒ 403 Forbidden with "[<constraint>] <msg>" lines;
// warn only ⇒ allowed, 299 with warnings; otherwise allowed, 200.
Decision decide(std::vector<Result> results);

// Allowed without review (Config exclusion): 200 with this message.
Decision allowed_with_message(std::string message);

// The request could not be reviewed: not allowed, 500 with the error.
Decision internal_error(std::string message);

}  // namespace tollgate::policies
