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
  int line = 0;              // 0: no region
  std::string logical_name;  // "<ns>/<Kind>/<name>", "" for none
};

// "error" for deny, "warning" for warn, "note" otherwise; a scoped
// constraint by the strongest of the actions in force.
std::string level_for(const std::string& action, const std::vector<std::string>& scoped_actions);

// A URI reference for a path: relative stays relative (to the checkout, as
// code scanning wants), absolute becomes file://; reserved bytes %-encoded.
std::string file_uri(std::string path);

// The log, indented JSON ending in a newline. `start_time`: RFC 3339 or "".
std::string sarif_log(const std::vector<Rule>& rules, const std::vector<Finding>& findings,
                      const std::string& start_time = "");

}  // namespace tollgate::policies::sarif
