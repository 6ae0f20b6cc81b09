// What `tollgate audit` prints: text for a terminal, the constraints with
// their Gatekeeper status as JSON or YAML (a List, so that each item reads
// like `kubectl get <constraint> -o yaml`), JUnit XML for CI, and one
// self-contained HTML page.
#pragma once

#include <optional>
#include <string>

#include "policies/audit/audit_run.h"

namespace tollgate::policies::audit {

enum class AuditOutputFormat { Text, Json, Yaml, Junit, Html, Sarif };

// "text", "json", "yaml", "junit", "html", "sarif" (any case); nullopt otherwise.
std::optional<AuditOutputFormat> parse_audit_output_format(const std::string& name);

struct AuditOutputOptions {
  AuditOutputFormat format = AuditOutputFormat::Text;
  // The --fail-on threshold: JUnit marks as failures the constraints that
  // reach it (audit_run.h `reaches`), the other violations go to system-out.
  std::string fail_on = "deny";
};

// A constraint's status as Gatekeeper writes it: {auditTimestamp,
// totalViolations, violations[{enforcementAction, enforcementActions?,
// group, version, kind, namespace?, name, message}]} (violations left out
// when there are none).
Value constraint_status(const ConstraintAudit& c, const std::string& audit_timestamp);

// {apiVersion: v1, kind: List, items: [<constraint with status>...],
//  summary: {auditTimestamp, objectsAudited, totalViolations,
//  violationsByEnforcementAction, notAudited[]}}.
Value audit_report_value(const AuditReport& report);

// One line per constraint ("<Kind>/<name> (<action>): N violations"), its
// kept violations indented below, and a total line.
std::string format_audit_text(const AuditReport& report);
std::string format_audit_json(const AuditReport& report);
std::string format_audit_yaml(const AuditReport& report);
// One testsuite; one testcase per constraint (classname its kind).
std::string format_audit_junit(const AuditReport& report, const AuditOutputOptions& options);
// audit_html.cpp.
std::string format_audit_html(const AuditReport& report);
// audit_sarif.cpp: SARIF 2.1.0, one run; a rule per audited constraint
// ("<Kind>/<name>"), a result per kept violation with its level from the
// enforcement action (deny error, warn warning, else note) and the file and
// line of the object's document.
std::string format_audit_sarif(const AuditReport& report);

std::string format_audit_report(const AuditReport& report, const AuditOutputOptions& options);

// "<group>/<version>/<Kind> [<ns>/]<name>" ("v1/Pod ns/web" for the core group).
std::string violation_object_label(const AuditViolation& v);

}  // namespace tollgate::policies::audit
