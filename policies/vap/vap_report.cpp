#include "policies/vap/vap_report.h"

#include <algorithm>

#include "policies/mutation_review.h"

namespace tollgate::policies::vap {

using value::Value;

namespace {

bool has(const std::vector<std::string>& actions, std::string_view action) {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

}  // namespace

std::string_view strongest_action(const std::vector<std::string>& actions) {
  if (has(actions, "Deny")) return "deny";
  if (has(actions, "Warn")) return "warn";
  return "audit";
}

Result admission_policy_result(const VapViolation& v) {
  Result r;
  r.constraint_kind = kValidatingPolicyKind;
  r.constraint_name = v.policy;
  r.enforcement_action = std::string(strongest_action(v.actions));
  std::string subject = "ValidatingAdmissionPolicy '" + v.policy + "'";
  if (!v.binding.empty()) subject += " with binding '" + v.binding + "'";
  r.message = r.enforcement_action == "deny" ? subject + " denied request: " + v.message
                                             : "Validation failed for " + subject + ": " + v.message;
  std::vector<Value> actions;
  actions.reserve(v.actions.size());
  for (const std::string& a : v.actions) actions.push_back(Value::string(a));
  r.details = value::ObjectBuilder()
                  .add("binding", Value::string(v.binding))
                  .add("reason", Value::string(v.reason.empty() ? "Invalid" : v.reason))
                  .add("validationActions", Value::array(std::move(actions)))
                  .build();
  return r;
}

Value offline_admission_request(const Value& request) {
  return with_guessed_resource(as_create_when_unspecified(request));
}

}  // namespace tollgate::policies::vap
