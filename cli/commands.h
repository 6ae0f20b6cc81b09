// The tollgate subcommands. Each takes its arguments (after the subcommand
// name) and the process's streams, and returns the exit code, so that tests
// can run them in-process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tollgate::cli {

inline constexpr const char* kVersion = TOLLGATE_VERSION;  // from project(VERSION) in CMakeLists.txt

struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool stdin_is_terminal = true;  // gator reads stdin only when it is not a terminal
};

// tollgate serve --policies DIR... --tls-cert F --tls-key F [--addr H:P] [--metrics-addr H:P] [--threads N] [--ready-file F]
int run_serve_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate verify PATH... [-r REGEX] [-v] [-o json]
int run_verify_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate test [-f PATH]... [--policies DIR]... [-o json|yaml|junit|sarif|github] [--deny-only]
int run_test_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate audit [-f PATH]... --policies PATH... [-o text|json|yaml|junit|html|sarif] [--fail-on deny|warn|dryrun|never]
int run_audit_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate mutate [-f PATH]... --policies PATH... [-o yaml|json|patch]
int run_mutate_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate expand [-f PATH]... [-o yaml|json] [--outputfile FILE]
int run_expand_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate review -f REQUEST.json --policies DIR... [--inventory DIR...] [-o json|yaml]
int run_review_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate eval --cel EXPR -i OBJECT [--params FILE]
int run_eval_command(const std::vector<std::string>& args, CommandIo& io);
// tollgate export vap -f TEMPLATE... [--constraints PATH...] [-o yaml|json]
int run_export_command(const std::vector<std::string>& args, CommandIo& io);

// Top-level dispatch: subcommand, --help, --version.
int run_tollgate(const std::vector<std::string>& args, CommandIo& io);

}  // namespace tollgate::cli
