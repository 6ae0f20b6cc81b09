// One assertion of a gator verify case: how many of the review's results
// (of every enforcement action) have a message matching a pattern.
#pragma once

#include <string>
#include <vector>

#include "policies/gator/suite.h"
#include "policies/policy_set.h"

namespace tollgate::policies::gator {

// Checks `assertion` against `results`. Returns "" when it holds, otherwise
// gator's error text, e.g. "unexpected number of violations: got 0
// violations but want at least 1: got messages []".
std::string check_assertion(const Assertion& assertion, const std::vector<Result>& results);

}  // namespace tollgate::policies::gator
