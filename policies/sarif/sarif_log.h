// SARIF 2.1.0 logs for code scanning (GitHub and others): one run of the
// tool "tollgate", its rules (one per constraint) and results, each located
// at the file and line of the manifest document it came from.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::sarif {

struct Rule {
  std::string id;           // "<Kind>/<name>"
  std::string name;         // the constraint kind
  std::string description;  // shortDescription.text
  std::string level;        // defaultConfiguration.level
  value::Value properties;  // null: none
};

struct Finding {
  size_t rule_index = 0;
  std::string level;
  std::string message;
  std::string file;          // "" or "-": no physical location
  int line = 0;              // 1-based; 0: no region
  int column = 0;            // 1-based, in Unicode code points; 0: the region has no column
  std::string logical_name;  // "<ns>/<Kind>/<name>", "" for none
};

// "error" for deny, "warning" for warn, "note" otherwise; a scoped
// constraint by the strongest of the actions in force.
std::string level_for(const std::string& action, const std::vector<std::string>& scoped_actions);

// The OASIS schema the log declares ("$schema").
inline constexpr const char* kSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

// The uriBaseId of URIs relative to the source root (the directory the
// tool runs in, which code scanning takes for the repository's root).
inline constexpr const char* kSourceRoot = "%SRCROOT%";

// Where a file is, as SARIF's artifactLocation says it: a file under `root`
// (default: the current directory) is a URI relative to it with uriBaseId
// %SRCROOT% (what code scanning maps onto the pull request's files);
// anything else an absolute file:// URI, without uriBaseId. Reserved bytes
// are %-encoded.
struct ArtifactLocation {
  std::string uri;
  std::string uri_base_id;  // "" or kSourceRoot
};
ArtifactLocation artifact_location(const std::string& path, const std::string& root = "");

// The path to show for `path` in other CI output (workflow commands): its
// path relative to `root` (default: the current directory) when it is
// under it, else `path` as given.
std::string display_path(const std::string& path, const std::string& root = "");

struct LogOptions {
  std::string start_time;  // RFC 3339, or "" for none
  std::string root;        // "" = the current directory
};

// The log, indented JSON ending in a newline: one run of "tollgate" whose
// columns count Unicode code points, with %SRCROOT% defined as `root`.
std::string sarif_log(const std::vector<Rule>& rules, const std::vector<Finding>& findings,
                      const LogOptions& options = {});

}  // namespace tollgate::policies::sarif
