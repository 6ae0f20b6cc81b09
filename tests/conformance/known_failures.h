// The known-failures lists of the conformance runners: one entry per line,
// `<test id>  # <reason>`; blank lines and lines starting with '#' are
// comments. Test ids may themselves contain '#', so only two spaces and a '#'
// start the reason.
#pragma once

#include <fstream>
#include <map>
#include <string>

namespace tollgate::conformance {

// Test id -> reason (empty when the line gives none). A missing file is an
// empty list.
inline std::map<std::string, std::string> load_known_failures(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t hash = line.find("  #");
    std::string key = line.substr(0, hash);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    std::string reason = hash == std::string::npos ? "" : line.substr(hash + 3);
    while (!reason.empty() && reason.front() == ' ') reason.erase(reason.begin());
    out[key] = reason;
  }
  return out;
}

}  // namespace tollgate::conformance
