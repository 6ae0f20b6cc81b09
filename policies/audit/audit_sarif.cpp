// SARIF 2.1.0 for code scanning: the audit as one run of the tool
// "tollgate", a rule per audited constraint and a result per kept
// violation, located at the document the object was read from.
#include <string>

#include "policies/audit/audit_report.h"
#include "policies/sarif/sarif_log.h"

namespace tollgate::policies::audit {

std::string format_audit_sarif(const AuditReport& report) {
  std::vector<sarif::Rule> rules;
  std::vector<sarif::Finding> findings;
  for (const ConstraintAudit& c : report.constraints) {
    if (!c.audited) continue;
    size_t rule_index = rules.size();
    std::string id = c.kind + "/" + c.name;
    rules.push_back({id, c.kind, id + " (" + c.enforcement_action + ")", sarif::level_for(c.enforcement_action, c.audit_actions),
                     Value::object({{Value::string("totalViolations"),
                                     Value::integer(static_cast<int64_t>(c.total_violations))}})});
    for (const AuditViolation& v : c.violations) {
      std::string object = (v.namespace_name.empty() ? "" : v.namespace_name + "/") + v.kind + "/" + v.name;
      findings.push_back({rule_index, sarif::level_for(v.enforcement_action, v.enforcement_actions),
                          violation_object_label(v) + ": " + v.message, v.file, v.line, v.column, object});
    }
  }
  sarif::LogOptions options;
  options.start_time = report.audit_timestamp;
  return sarif::sarif_log(rules, findings, options);
}

}  // namespace tollgate::policies::audit
