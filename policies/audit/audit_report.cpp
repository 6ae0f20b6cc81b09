#include "policies/audit/audit_report.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "policies/gator/test_report.h"
#include "policies/gator/yaml_writer.h"
#include "rules/value/json.h"

namespace tollgate::policies::audit {
namespace {

Value str(const std::string& s) { return Value::string(s); }

Value string_array(const std::vector<std::string>& items) {
  std::vector<Value> out;
  out.reserve(items.size());
  for (const std::string& s : items) out.push_back(Value::string(s));
  return Value::array(std::move(out));
}

Value violation_value(const AuditViolation& v) {
  std::vector<Value::Entry> entries = {
      {str("enforcementAction"), str(v.enforcement_action)},
      {str("group"), str(v.group)},
      {str("version"), str(v.version)},
      {str("kind"), str(v.kind)},
      {str("name"), str(v.name)},
      {str("message"), str(v.message)},
  };
  if (!v.enforcement_actions.empty()) entries.push_back({str("enforcementActions"), string_array(v.enforcement_actions)});
  if (!v.namespace_name.empty()) entries.push_back({str("namespace"), str(v.namespace_name)});
  return Value::object(std::move(entries));
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::optional<AuditOutputFormat> parse_audit_output_format(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.empty() || lower == "text") return AuditOutputFormat::Text;
  if (lower == "json") return AuditOutputFormat::Json;
  if (lower == "yaml") return AuditOutputFormat::Yaml;
  if (lower == "junit") return AuditOutputFormat::Junit;
  if (lower == "html") return AuditOutputFormat::Html;
  if (lower == "sarif") return AuditOutputFormat::Sarif;
  return std::nullopt;
}

std::string violation_object_label(const AuditViolation& v) {
  std::string label = v.group.empty() ? v.version : v.group + "/" + v.version;
  label += "/" + v.kind + " ";
  if (!v.namespace_name.empty()) label += v.namespace_name + "/";
  return label + v.name;
}

Value constraint_status(const ConstraintAudit& c, const std::string& audit_timestamp) {
  std::vector<Value::Entry> entries = {
      {str("auditTimestamp"), str(audit_timestamp)},
      {str("totalViolations"), Value::integer(static_cast<int64_t>(c.total_violations))},
  };
  if (!c.violations.empty()) {
    std::vector<Value> violations;
    for (const AuditViolation& v : c.violations) violations.push_back(violation_value(v));
    entries.push_back({str("violations"), Value::array(std::move(violations))});
  }
  return Value::object(std::move(entries));
}

Value audit_report_value(const AuditReport& report) {
  std::vector<Value> items;
  std::map<std::string, size_t> by_action;
  std::vector<Value> not_audited;
  for (const ConstraintAudit& c : report.constraints) {
    if (!c.audited) {
      not_audited.push_back(Value::object({{str("kind"), str(c.kind)},
                                           {str("name"), str(c.name)},
                                           {str("reason"), str(c.not_audited_reason)}}));
      items.push_back(c.constraint);
      continue;
    }
    by_action[c.enforcement_action] += c.total_violations;
    items.push_back(value::with_entry(c.constraint, "status", constraint_status(c, report.audit_timestamp)));
  }
  std::vector<Value::Entry> actions;
  for (const auto& [action, count] : by_action) actions.push_back({str(action), Value::integer(static_cast<int64_t>(count))});
  Value summary = Value::object({
      {str("auditTimestamp"), str(report.audit_timestamp)},
      {str("objectsAudited"), Value::integer(static_cast<int64_t>(report.objects_audited))},
      {str("totalViolations"), Value::integer(static_cast<int64_t>(report.total_violations()))},
      {str("violationsByEnforcementAction"), Value::object(std::move(actions))},
      {str("notAudited"), Value::array(std::move(not_audited))},
  });
  return Value::object({{str("apiVersion"), str("v1")},
                        {str("kind"), str("List")},
                        {str("items"), Value::array(std::move(items))},
                        {str("summary"), summary}});
}

std::string format_audit_text(const AuditReport& report) {
  std::string out;
  for (const ConstraintAudit& c : report.constraints) {
    out += c.kind + "/" + c.name + " (" + c.enforcement_action + "): ";
    if (!c.audited) {
      out += "not audited: " + c.not_audited_reason + "\n";
      continue;
    }
    out += plural(c.total_violations, "violation") + "\n";
    for (const AuditViolation& v : c.violations) out += "  " + violation_object_label(v) + ": " + v.message + "\n";
    if (c.total_violations > c.violations.size()) {
      out += "  ... and " + std::to_string(c.total_violations - c.violations.size()) + " more\n";
    }
  }
  out += "Total: " + plural(report.total_violations(), "violation") + " of " +
         plural(report.constraints.size(), "constraint") + " in " + plural(report.objects_audited, "object") +
         " (audited " + report.audit_timestamp + ")\n";
  return out;
}

std::string format_audit_json(const AuditReport& report) { return value::to_json_pretty(audit_report_value(report)) + "\n"; }

std::string format_audit_yaml(const AuditReport& report) { return gator::to_yaml(audit_report_value(report)); }

std::string format_audit_junit(const AuditReport& report, const AuditOutputOptions& options) {
  using gator::xml_escape;
  size_t failures = 0;
  size_t skipped = 0;
  std::string cases;
  for (const ConstraintAudit& c : report.constraints) {
    cases += "    <testcase classname=\"" + xml_escape(c.kind) + "\" name=\"" + xml_escape(c.name) + "\"";
    std::string lines;
    for (const AuditViolation& v : c.violations) lines += violation_object_label(v) + ": " + v.message + "\n";
    if (c.total_violations > c.violations.size()) {
      lines += "... and " + std::to_string(c.total_violations - c.violations.size()) + " more\n";
    }
    if (!c.audited) {
      ++skipped;
      cases += ">\n      <skipped message=\"" + xml_escape(c.not_audited_reason) + "\"/>\n    </testcase>\n";
    } else if (reaches(c, options.fail_on)) {
      ++failures;
      std::string message = plural(c.total_violations, "violation");
      cases += ">\n      <failure type=\"" + xml_escape(c.enforcement_action) + "\" message=\"" + xml_escape(message) +
               "\">" + xml_escape(lines) + "</failure>\n    </testcase>\n";
    } else if (c.total_violations > 0) {
      cases += ">\n      <system-out>" + xml_escape(lines) + "</system-out>\n    </testcase>\n";
    } else {
      cases += "/>\n";
    }
  }
  std::string counts = "tests=\"" + std::to_string(report.constraints.size()) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites " + counts + ">\n  <testsuite name=\"tollgate audit\" " +
         counts + " timestamp=\"" + xml_escape(report.audit_timestamp) + "\">\n" + cases + "  </testsuite>\n</testsuites>\n";
}

std::string format_audit_report(const AuditReport& report, const AuditOutputOptions& options) {
  switch (options.format) {
    case AuditOutputFormat::Json: return format_audit_json(report);
    case AuditOutputFormat::Yaml: return format_audit_yaml(report);
    case AuditOutputFormat::Junit: return format_audit_junit(report, options);
    case AuditOutputFormat::Html: return format_audit_html(report);
    case AuditOutputFormat::Sarif: return format_audit_sarif(report);
    case AuditOutputFormat::Text: break;
  }
  return format_audit_text(report);
}

}  // namespace tollgate::policies::audit
