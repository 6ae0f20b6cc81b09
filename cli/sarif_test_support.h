// For the SARIF tests: the SARIF 2.1.0 schema validator (Debian's
// python3-jsonschema running policies/sarif/schema/validate_sarif.py), and
// a scope that runs a command from another directory.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "policies/gator/test_support.h"

namespace tollgate::cli::testing {

struct SchemaCheck {
  int status = -1;     // the validator's exit status: 0 valid, 1 invalid, 2 could not run
  std::string output;  // one line per error, "<file>: $.json.path: message"
};

// Validates `sarif` against the SARIF 2.1.0 JSON schema. Debian's python3
// (where python3-jsonschema installs) when there is one, else python3.
inline SchemaCheck validate_sarif(const std::string& sarif) {
  policies::gator::testing::TempTree tree;
  std::string file = tree.write("log.sarif", sarif);
  std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  std::string command = python + " '" + std::string(TOLLGATE_SOURCE_DIR) +
                        "/policies/sarif/schema/validate_sarif.py' '" + file + "' 2>&1";
  SchemaCheck check;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return check;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) check.output.append(buf, n);
  int status = pclose(pipe);
  check.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return check;
}

// Runs the scope in `directory`, back where it was after.
class InDirectory {
 public:
  explicit InDirectory(const std::string& directory) : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(directory);
  }
  ~InDirectory() {
    std::error_code ec;
    std::filesystem::current_path(previous_, ec);
  }
  InDirectory(const InDirectory&) = delete;
  InDirectory& operator=(const InDirectory&) = delete;

 private:
  std::filesystem::path previous_;
};

}  // namespace tollgate::cli::testing
