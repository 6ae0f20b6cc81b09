// SARIF 2.1.0 for code scanning: the audit as one run of the tool
// "tollgate", a rule per audited constraint and a result per kept
// violation, located at the document the object was read from.
#include <string>

#include "policies/audit/audit_report.h"
#include "rules/value/json.h"

namespace tollgate::policies::audit {
namespace {

Value str(const std::string& s) { return Value::string(s); }

bool has_action(const AuditViolation& v, const char* action) {
  if (v.enforcement_action == action) return true;
  for (const std::string& a : v.enforcement_actions) {
    if (a == action) return true;
  }
  return false;
}

// deny: error, warn: warning, dryrun and anything else: note.
std::string level_of(const AuditViolation& v) {
  if (has_action(v, "deny")) return "error";
  if (has_action(v, "warn")) return "warning";
  return "note";
}

std::string level_of(const ConstraintAudit& c) {
  AuditViolation as_violation;
  as_violation.enforcement_action = c.enforcement_action;
  as_violation.enforcement_actions = c.audit_actions;
  return level_of(as_violation);
}

// A URI reference for a file path: relative paths stay relative (to the
// checkout, as code scanning wants them), absolute ones become file:// URIs;
// characters outside the unreserved and path set are percent-encoded.
std::string file_uri(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  std::string out = path.rfind('/', 0) == 0 ? "file://" : "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Value result_value(const ConstraintAudit& c, size_t rule_index, const AuditViolation& v) {
  std::string object = v.namespace_name.empty() ? v.kind + "/" + v.name : v.namespace_name + "/" + v.kind + "/" + v.name;
  std::vector<Value::Entry> entries = {
      {str("ruleId"), str(c.kind + "/" + c.name)},
      {str("ruleIndex"), Value::integer(static_cast<int64_t>(rule_index))},
      {str("level"), str(level_of(v))},
      {str("message"), Value::object({{str("text"), str(violation_object_label(v) + ": " + v.message)}})},
  };
  Value logical = Value::object({{str("fullyQualifiedName"), str(object)}, {str("kind"), str("resource")}});
  std::vector<Value::Entry> location = {{str("logicalLocations"), Value::array({logical})}};
  if (!v.file.empty() && v.file != "-") {
    std::vector<Value::Entry> physical = {
        {str("artifactLocation"), Value::object({{str("uri"), str(file_uri(v.file))}})}};
    if (v.line > 0) {
      physical.push_back({str("region"), Value::object({{str("startLine"), Value::integer(v.line)}})});
    }
    location.push_back({str("physicalLocation"), Value::object(std::move(physical))});
  }
  entries.push_back({str("locations"), Value::array({Value::object(std::move(location))})});
  return Value::object(std::move(entries));
}

}  // namespace

std::string format_audit_sarif(const AuditReport& report) {
  std::vector<Value> rules;
  std::vector<Value> results;
  for (const ConstraintAudit& c : report.constraints) {
    if (!c.audited) continue;
    size_t rule_index = rules.size();
    std::string id = c.kind + "/" + c.name;
    rules.push_back(Value::object({
        {str("id"), str(id)},
        {str("name"), str(c.kind)},
        {str("shortDescription"), Value::object({{str("text"), str(id + " (" + c.enforcement_action + ")")}})},
        {str("defaultConfiguration"), Value::object({{str("level"), str(level_of(c))}})},
        {str("properties"), Value::object({{str("totalViolations"), Value::integer(static_cast<int64_t>(c.total_violations))}})},
    }));
    for (const AuditViolation& v : c.violations) results.push_back(result_value(c, rule_index, v));
  }
  Value driver = Value::object({{str("name"), str("tollgate")},
                                {str("rules"), Value::array(std::move(rules))}});
  Value run = Value::object({
      {str("tool"), Value::object({{str("driver"), driver}})},
      {str("results"), Value::array(std::move(results))},
      {str("invocations"),
       Value::array({Value::object({{str("executionSuccessful"), Value::boolean(true)},
                                    {str("startTimeUtc"), str(report.audit_timestamp)}})})},
  });
  return value::to_json_pretty(Value::object({
             {str("$schema"), str("https://json.schemastore.org/sarif-2.1.0.json")},
             {str("version"), str("2.1.0")},
             {str("runs"), Value::array({run})},
         })) +
         "\n";
}

}  // namespace tollgate::policies::audit
