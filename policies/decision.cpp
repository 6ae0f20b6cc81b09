#include "policies/decision.h"

#include <algorithm>

namespace tollgate::policies {

namespace {

// Appends "[<constraint>] <message>".
void append_result_line(const Result& r, std::string& out) {
  out.reserve(out.size() + r.constraint_name.size() + r.message.size() + 3);
  out += '[';
  out += r.constraint_name;
  out += "] ";
  out += r.message;
}

}  // namespace

Decision decide(std::vector<Result> results) {
  auto before = [](const Result& a, const Result& b) {
    if (int c = a.enforcement_action.compare(b.enforcement_action)) return c < 0;
    return a.message < b.message;
  };
  if (results.size() <= 16) {
    // A stable insertion sort: few results are the rule, and std::stable_sort
    // allocates a buffer every time.
    for (auto it = results.begin(); it != results.end(); ++it) {
      std::rotate(std::upper_bound(results.begin(), it, *it, before), it, it + 1);
    }
  } else {
    std::stable_sort(results.begin(), results.end(), before);
  }

  Decision d;
  bool denied = false;
  auto apply = [&](const std::string& action, const Result& r) {
    if (action == "deny") {
      if (denied) d.message += '\n';
      denied = true;
      append_result_line(r, d.message);
    } else if (action == "warn") {
      append_result_line(r, d.warnings.emplace_back());
    }
  };
  for (const Result& r : results) {
    if (r.enforcement_action == "scoped") {
      for (const std::string& a : r.scoped_actions) apply(a, r);
    } else {
      apply(r.enforcement_action, r);
    }
  }

  if (denied) {
    d.allowed = false;
    d.code = 403;
    d.reason = "Forbidden";
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
