#include <optional>
#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/eval_budget_flags.h"
#include "policies/gator/run_filter.h"
#include "policies/gator/suite.h"
#include "policies/gator/verify.h"
#include "policies/gator/verify_report.h"

namespace tollgate::cli {
namespace gator = policies::gator;

namespace {

const std::vector<OptionSpec>& verify_options() {
  static const std::vector<OptionSpec> specs = {
      {"run", 'r', true, false, "REGEX", "run only tests/cases matching REGEX (\"TEST//CASE\" to match both)"},
      {"verbose", 'v', false, false, "", "print every test and case, not only failures"},
      {"output", 'o', true, false, "FORMAT", "output format: text (default) or json"},
      {"engine", 0, true, false, "ENGINE", "auto (as Gatekeeper: CEL when a template has it, else Rego), rego, cel, or all (both; a disagreement fails the case)"},
      {"vap-environment", 0, true, false, "VERSION", "Kubernetes CEL environment of admission policies: 1.32 (default) or current"},
      max_eval_time_option(),
      max_policy_file_bytes_option(),
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate verify PATH... [options]\n\n"
         "Runs gator verify suites. PATH is a suite file, a directory (its own files)\n"
         "or DIR/... (recursively). Templates the engine cannot run are reported as skipped.\n"
         "A test may hold ValidatingAdmissionPolicies instead of a template and constraint:\n"
         "`policy: FILE` (policies, bindings and params in one file; `template:` naming such a\n"
         "file works too); each case's object is then judged as a CREATE, and every failed\n"
         "validation is one violation worded as the API server words it\n"
         "(policies/gator/README.md).\n\n"
         "Options:\n"
      << format_options_help(verify_options());
}

}  // namespace

int run_verify_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, verify_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (std::string budget_error; !apply_max_eval_time(parsed, &budget_error) ||
                                 !apply_max_policy_file_bytes(parsed, &budget_error)) {
    io.err << "Error: " << budget_error << "\n";
    return 2;
  }
  std::string error;
  if (parsed.positional.empty()) {
    io.err << "Error: verify needs a PATH\n";
    print_usage(io.err);
    return 2;
  }
  std::string format = parsed.value("output", "text");
  if (format != "text" && format != "json") {
    io.err << "Error: unknown output format \"" << format << "\" (text or json)\n";
    return 2;
  }

  std::optional<policies::EnginePreference> engine = policies::parse_engine_preference(parsed.value("engine", "auto"));
  if (!engine) {
    io.err << "Error: unknown engine \"" << parsed.value("engine") << "\" (auto, rego, cel or all)\n";
    return 2;
  }

  gator::RunFilter filter;
  if (!gator::RunFilter::parse(parsed.value("run"), &filter, &error)) {
    io.err << "Error: compiling filter: " << error << "\n";
    return 1;
  }
  std::vector<gator::Suite> suites;
  gator::ParsedYamlFiles parsed_files;  // the files read to find the suites, for the tests to reuse
  for (const std::string& path : parsed.positional) {
    if (!gator::read_suites(path, &suites, &error, &parsed_files)) {
      io.err << "Error: listing test files: " << error << "\n";
      return 1;
    }
  }

  gator::Verifier verifier(filter, gator::engine_factory(*engine, parsed.value("vap-environment", "1.32")));
  verifier.use_parsed_files(&parsed_files);
  std::vector<gator::SuiteResult> results;
  results.reserve(suites.size());
  for (const gator::Suite& suite : suites) results.push_back(verifier.run(suite));

  if (format == "json") {
    io.out << gator::format_verify_json(results);
  } else {
    // gator prints its report with Println, hence the blank line at the end.
    io.out << gator::format_verify_text(results, parsed.flag("verbose")) << "\n";
  }
  io.out.flush();
  if (gator::any_failure(results)) {
    io.err << "Error: FAIL\n";
    return 1;
  }
  return 0;
}

}  // namespace tollgate::cli
