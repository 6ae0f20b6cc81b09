// tollgate test's output for CI where developers look: SARIF 2.1.0 for code
// scanning, and GitHub Actions workflow commands (::error file=..,line=..::)
// that annotate the pull request. Both point at the manifest document of
// the reviewed object.
#include <map>
#include <string>

#include "policies/gator/test_report.h"
#include "policies/sarif/sarif_log.h"

namespace tollgate::policies::gator {
namespace {

// "<apiVersion>/<Kind> [<ns>/]<name>".
std::string object_name(const Value& object) {
  const Value& metadata = object["metadata"];
  std::string ns(metadata["namespace"].string_or(""));
  return std::string(object["apiVersion"].string_or("")) + "/" + std::string(object["kind"].string_or("")) + " " +
         (ns.empty() ? "" : ns + "/") + std::string(metadata["name"].string_or(""));
}

// The results to print, with the document each comes from.
template <class Visit>
void each_result(const TestRunReport& report, const TestOutputOptions& options, Visit visit) {
  for (const ReviewedObject& reviewed : report.reviewed) {
    for (const Result& r : reviewed.results) {
      if (options.deny_only && !is_enforced_denial(r)) continue;
      visit(reviewed.source, r);
    }
  }
}

// Workflow command escaping: the message's %, CR, LF; a property also : and ,.
std::string escape_command(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string format_test_sarif(const TestRunReport& report, const TestOutputOptions& options) {
  std::vector<sarif::Rule> rules;
  std::map<std::string, size_t> rule_index;
  std::vector<sarif::Finding> findings;
  each_result(report, options, [&](const SourcedObject& source, const Result& r) {
    std::string id = r.constraint_kind + "/" + r.constraint_name;
    std::string level = sarif::level_for(r.enforcement_action, r.scoped_actions);
    auto [it, added] = rule_index.emplace(id, rules.size());
    if (added) rules.push_back({id, r.constraint_kind, id + " (" + r.enforcement_action + ")", level, Value()});
    const Value& metadata = source.object["metadata"];
    std::string ns(metadata["namespace"].string_or(""));
    findings.push_back({it->second, level, object_name(source.object) + ": " + r.message, source.file, source.line,
                        source.column,
                        (ns.empty() ? "" : ns + "/") + std::string(source.object["kind"].string_or("")) + "/" +
                            std::string(metadata["name"].string_or(""))});
  });
  return sarif::sarif_log(rules, findings);
}

std::string format_test_github(const TestRunReport& report, const TestOutputOptions& options) {
  std::string out;
  each_result(report, options, [&](const SourcedObject& source, const Result& r) {
    std::string level = sarif::level_for(r.enforcement_action, r.scoped_actions);
    std::string command = level == "error" ? "error" : level == "warning" ? "warning" : "notice";
    out += "::" + command;
    std::string properties;
    if (!source.file.empty() && source.file != "-") {
      // As the SARIF says it: relative to the checkout when under it, same line and column.
      properties += "file=" + escape_command(sarif::display_path(source.file), true);
      if (source.line > 0) properties += ",line=" + std::to_string(source.line);
      if (source.line > 0 && source.column > 0) properties += ",col=" + std::to_string(source.column);
      properties += ",";
    }
    properties += "title=" + escape_command(r.constraint_kind + "/" + r.constraint_name, true);
    out += " " + properties + "::" + escape_command(object_name(source.object) + ": " + r.message, false) + "\n";
  });
  return out;
}

}  // namespace tollgate::policies::gator
