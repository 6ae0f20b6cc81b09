#include "policies/decision.h"

#include <algorithm>

namespace tollgate::policies {

Decision decide(std::vector<Result> results) {
  std::stable_sort(results.begin(), results.end(), [](const Result& a, const Result& b) {
    if (a.enforcement_action != b.enforcement_action) return a.enforcement_action < b.enforcement_action;
    return a.message < b.message;
  });

  Decision d;
  std::vector<std::string> denies;
  for (const Result& r : results) {
    auto apply = [&](const std::string& action) {
      if (action == "deny") {
        denies.push_back("[" + r.constraint_name + "] " + r.message);
      } else if (action == "warn") {
        d.warnings.push_back("[" + r.constraint_name + "] " + r.message);
      }
    };
    if (r.enforcement_action == "scoped") {
      for (const std::string& a : r.scoped_actions) apply(a);
    } else {
      apply(r.enforcement_action);
    }
  }

  if (!denies.empty()) {
    d.allowed = false;
    d.code = 403;
    d.reason = "Forbidden";
    for (size_t i = 0; i < denies.size(); ++i) {
      if (i) d.message += '\n';
      d.message += denies[i];
    }
  } else {
    d.allowed = true;
    d.code = d.warnings.empty() ? 200 : 299;
  }
  d.results = std::move(results);
  return d;
}

Decision allowed_with_message(std::string message) {
  Decision d;
  d.allowed = true;
  d.code = 200;
  d.message = std::move(message);
  return d;
}

Decision internal_error(std::string message) {
  Decision d;
  d.allowed = false;
  d.code = 500;
  d.message = std::move(message);
  return d;
}

}  // namespace tollgate::policies
