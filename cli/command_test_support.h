// For the CLI tests: running a tollgate command in-process with given stdin
// and capturing its exit code, stdout and stderr.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace tollgate::cli::testing {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

inline Run run(const std::vector<std::string>& args, const std::string& stdin_text = "", bool terminal = true) {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  CommandIo io{in, out, err, terminal};
  Run r;
  r.code = run_tollgate(args, io);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace tollgate::cli::testing
