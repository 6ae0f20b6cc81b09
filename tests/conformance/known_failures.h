// The known-failures lists of the conformance runners: one entry per line,
// `<test id>  # <reason>`; blank lines and lines starting with '#' are
// comments. Test ids may themselves contain '#', so only two spaces and a '#'
// start the reason. Also what the runners' reports share: the first lines
// of a long listing, percentages.
#pragma once

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

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

// Writes a known-failures list load_known_failures reads back: the header
// (comment lines, each starting with '#'), then one line per test id.
inline void save_known_failures(const std::string& path, const char* header,
                                const std::map<std::string, std::string>& reasons) {
  std::ofstream out(path);
  out << header;
  for (const auto& [id, reason] : reasons) out << id << "  # " << reason << "\n";
}

// The first `most` of the lines, one an indented line, and how many more
// there are (printed in full with the environment variable `verbose_var`).
inline std::string first_lines(const std::vector<std::string>& lines, size_t most, const char* verbose_var) {
  std::string listing;
  for (size_t i = 0; i < lines.size() && i < most; ++i) listing += "\n  " + lines[i];
  if (lines.size() > most)
    listing += "\n  ... and " + std::to_string(lines.size() - most) + " more (" + verbose_var + "=1)";
  return listing;
}

// part/whole as a percentage with one decimal ("12.5%"); "-" for no whole.
inline std::string percent(size_t part, size_t whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace tollgate::conformance
