// The HTML audit report: one page, its style inline, nothing fetched at
// view time. A summary per enforcement action and per constraint, tables of
// violations per namespace and per grouping label, and a section per
// constraint with its kept violations; the tables link to the sections and
// back.
#include <map>
#include <string>

#include "policies/audit/audit_report.h"
#include "policies/gator/test_report.h"

namespace tollgate::policies::audit {
namespace {

using gator::xml_escape;

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2em; color: #1d2330; }
h1 { margin-bottom: 0.2em; }
.meta { color: #5a6270; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0 1.6em; }
th, td { border: 1px solid #d0d5dd; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.action { display: inline-block; padding: 0 0.5em; border-radius: 0.6em; font-size: 0.85em; color: #fff; }
.deny { background: #c62828; } .warn { background: #ef8f00; } .dryrun { background: #546e7a; }
.scoped { background: #6a1b9a; } .other { background: #9e9e9e; }
.clean { color: #2e7d32; } .skipped { color: #9e9e9e; }
section.constraint { border-top: 2px solid #eef1f5; padding-top: 0.4em; }
a { color: #1a5fb4; }
)";

std::string action_badge(const std::string& action) {
  std::string css = action == "deny" || action == "warn" || action == "dryrun" || action == "scoped" ? action : "other";
  return "<span class=\"action " + css + "\">" + xml_escape(action) + "</span>";
}

std::string constraint_anchor(size_t index) { return "c-" + std::to_string(index); }

// Anchors of the namespace and label rows, by key.
std::map<std::string, std::string> anchors(const std::map<std::string, std::map<size_t, size_t>>& table,
                                           const char* prefix) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  for (const auto& entry : table) out[entry.first] = std::string(prefix) + std::to_string(i++);
  return out;
}

std::string group_table(const AuditReport& report, const std::map<std::string, std::map<size_t, size_t>>& table,
                        const std::map<std::string, std::string>& ids, const char* heading, const char* blank) {
  std::string out = "<table>\n<tr><th>" + std::string(heading) + "</th><th>Violations</th><th>By constraint</th></tr>\n";
  for (const auto& [key, counts] : table) {
    size_t total = 0;
    std::string links;
    for (const auto& [index, count] : counts) {
      total += count;
      const ConstraintAudit& c = report.constraints[index];
      if (!links.empty()) links += ", ";
      links += "<a href=\"#" + constraint_anchor(index) + "\">" + xml_escape(c.kind + "/" + c.name) + "</a> " +
               std::to_string(count);
    }
    std::string label = key.empty() ? std::string("<em>") + blank + "</em>" : xml_escape(key);
    out += "<tr id=\"" + ids.at(key) + "\"><td>" + label + "</td><td class=\"n\">" + std::to_string(total) +
           "</td><td>" + links + "</td></tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

std::string format_audit_html(const AuditReport& report) {
  std::map<std::string, std::string> namespace_ids = anchors(report.by_namespace, "ns-");
  std::map<std::string, std::string> label_ids = anchors(report.by_label, "label-");
  const std::string label_name = xml_escape(report.group_by_label);

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Tollgate audit " +
                    xml_escape(report.audit_timestamp) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>Tollgate audit</h1>\n<p class=\"meta\">" + xml_escape(report.audit_timestamp) + " &middot; " +
         std::to_string(report.objects_audited) + " objects &middot; " + std::to_string(report.constraints.size()) +
         " constraints &middot; " + std::to_string(report.total_violations()) + " violations</p>\n";

  // Per enforcement action.
  std::map<std::string, std::pair<size_t, size_t>> by_action;  // action -> (constraints, violations)
  for (const ConstraintAudit& c : report.constraints) {
    if (!c.audited) continue;
    by_action[c.enforcement_action].first += 1;
    by_action[c.enforcement_action].second += c.total_violations;
  }
  out += "<section id=\"summary\">\n<h2>By enforcement action</h2>\n<table>\n"
         "<tr><th>Action</th><th>Constraints</th><th>Violations</th></tr>\n";
  for (const auto& [action, counts] : by_action) {
    out += "<tr><td>" + action_badge(action) + "</td><td class=\"n\">" + std::to_string(counts.first) +
           "</td><td class=\"n\">" + std::to_string(counts.second) + "</td></tr>\n";
  }
  out += "</table>\n<h2>Constraints</h2>\n<table>\n"
         "<tr><th>Constraint</th><th>Action</th><th>Violations</th></tr>\n";
  for (size_t i = 0; i < report.constraints.size(); ++i) {
    const ConstraintAudit& c = report.constraints[i];
    std::string count = !c.audited             ? "<span class=\"skipped\">not audited</span>"
                        : c.total_violations == 0 ? "<span class=\"clean\">0</span>"
                                                  : std::to_string(c.total_violations);
    out += "<tr><td><a href=\"#" + constraint_anchor(i) + "\">" + xml_escape(c.kind + "/" + c.name) + "</a></td><td>" +
           action_badge(c.enforcement_action) + "</td><td class=\"n\">" + count + "</td></tr>\n";
  }
  out += "</table>\n</section>\n";

  out += "<section id=\"namespaces\">\n<h2>Violations by namespace</h2>\n" +
         group_table(report, report.by_namespace, namespace_ids, "Namespace", "cluster-scoped") + "</section>\n";
  out += "<section id=\"labels\">\n<h2>Violations by label <code>" + label_name + "</code></h2>\n" +
         group_table(report, report.by_label, label_ids, label_name.c_str(), "no label") + "</section>\n";

  out += "<h2>Violations by constraint</h2>\n";
  for (size_t i = 0; i < report.constraints.size(); ++i) {
    const ConstraintAudit& c = report.constraints[i];
    out += "<section class=\"constraint\" id=\"" + constraint_anchor(i) + "\">\n<h3>" + xml_escape(c.kind + "/" + c.name) +
           " " + action_badge(c.enforcement_action) + "</h3>\n";
    if (!c.audited) {
      out += "<p class=\"skipped\">Not audited: " + xml_escape(c.not_audited_reason) + "</p>\n</section>\n";
      continue;
    }
    out += "<p>" + std::to_string(c.total_violations) + " violations";
    if (c.total_violations > c.violations.size()) {
      out += " (the first " + std::to_string(c.violations.size()) + " shown, as in the constraint's status)";
    }
    out += " &middot; <a href=\"#summary\">back to the summary</a></p>\n";
    if (c.violations.empty()) {
      out += "</section>\n";
      continue;
    }
    out += "<table>\n<tr><th>Object</th><th>Namespace</th><th>" + label_name + "</th><th>Message</th></tr>\n";
    for (const AuditViolation& v : c.violations) {
      std::string kind = v.group.empty() ? v.version + "/" + v.kind : v.group + "/" + v.version + "/" + v.kind;
      std::string ns = v.namespace_name.empty() ? "<em>cluster-scoped</em>" : xml_escape(v.namespace_name);
      std::string label = v.group_label.empty() ? "<em>no label</em>" : xml_escape(v.group_label);
      auto ns_id = namespace_ids.find(v.namespace_name);
      auto label_id = label_ids.find(v.group_label);
      if (ns_id != namespace_ids.end()) ns = "<a href=\"#" + ns_id->second + "\">" + ns + "</a>";
      if (label_id != label_ids.end()) label = "<a href=\"#" + label_id->second + "\">" + label + "</a>";
      out += "<tr><td>" + xml_escape(kind + " " + v.name) + "</td><td>" + ns + "</td><td>" + label + "</td><td>" +
             xml_escape(v.message) + "</td></tr>\n";
    }
    out += "</table>\n</section>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace tollgate::policies::audit
