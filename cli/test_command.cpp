#include <optional>
#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/eval_budget_flags.h"
#include "cli/object_inputs.h"
#include "policies/gator/object_reader.h"
#include "policies/gator/test_report.h"
#include "policies/gator/test_run.h"

namespace tollgate::cli {
namespace gator = policies::gator;

namespace {

const std::vector<OptionSpec>& test_options() {
  static const std::vector<OptionSpec> specs = {
      {"filename", 'f', true, true, "PATH", "a file or directory of objects to review; \"-\" reads stdin"},
      {"policies", 0, true, true, "DIR", "templates, constraints, mutators, ValidatingAdmissionPolicies, MutatingAdmissionPolicies, "
                                        "their bindings and params to review with (not reviewed themselves)"},
      {"output", 'o', true, false, "FORMAT", "json, yaml, junit, sarif (SARIF 2.1.0 for code scanning), github (workflow annotations), or text (default)"},
      {"namespace", 'n', true, false, "NAMESPACE", "namespace objects that name none are created in for mutation (default \"default\", as kubectl)"},
      {"deny-only", 0, false, false, "", "print only results that deny"},
      {"engine", 0, true, false, "ENGINE", "auto (as Gatekeeper: CEL when a template has it, else Rego), rego, cel, or all (both; a disagreement fails)"},
      {"vap-environment", 0, true, false, "VERSION", "Kubernetes CEL environment of admission policies: 1.32 (default) or current"},
      max_eval_time_option(),
      max_policy_file_bytes_option(),
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate test [-f PATH]... [--policies DIR]... [options]\n\n"
         "Reviews every object of the inputs (the -f paths, then stdin unless it is a\n"
         "terminal or /dev/null) against the templates and constraints among them, as gator test does.\n"
         "Unlike gator, the mutators among them (Assign, AssignMetadata, ModifySet,\n"
         "AssignImage) are applied first, each object as a CREATE request, as the API server\n"
         "runs mutating admission before validating it; the mutated object is reviewed.\n"
         "For that step a namespaced object without metadata.namespace is created in the -n\n"
         "namespace, as tollgate mutate -n and kubectl apply -n do. The review itself follows\n"
         "gator: such an object is reviewed with an empty Namespace (so match.namespaces\n"
         "does not select it), an object in \"default\" with a Namespace \"default\" without\n"
         "labels unless one is among the inputs.\n"
         "ValidatingAdmissionPolicies and their bindings among the inputs judge that CREATE\n"
         "(after the mutators and MutatingAdmissionPolicies) as the API server would; every\n"
         "failure is a result named after its policy, worded as the API server words it:\n"
         "validationActions Deny is a deny (\"ValidatingAdmissionPolicy 'p' with binding 'b'\n"
         "denied request: ...\"), Warn a warn and Audit an audit result (\"Validation failed\n"
         "for ValidatingAdmissionPolicy 'p' with binding 'b': ...\"). Their params are read\n"
         "among all the objects given.\n"
         "Exits 1 when any result denies or a mutation fails.\n\n"
         "Options:\n"
      << format_options_help(test_options());
}

}  // namespace

int run_test_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, test_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (std::string budget_error; !apply_max_eval_time(parsed, &budget_error) ||
                                 !apply_max_policy_file_bytes(parsed, &budget_error)) {
    io.err << "Error: " << budget_error << "\n";
    return 2;
  }
  std::string error;
  if (!parsed.positional.empty()) {
    io.err << "Error: unexpected argument \"" << parsed.positional.front() << "\" (inputs are given with -f)\n";
    return 2;
  }

  std::vector<std::string> inputs = input_paths(parsed.values("filename"), io, /*stdin_too=*/true);
  std::vector<gator::SourcedObject> objects;
  for (const std::string& path : inputs) {
    if (!read_input_objects(path, io, &objects, &error)) {
      io.err << "Error: reading: " << error << "\n";
      return 1;
    }
  }
  std::vector<gator::SourcedObject> policy_objects;
  for (const std::string& dir : parsed.values("policies")) {
    if (!read_input_objects(dir, io, &policy_objects, &error)) {
      io.err << "Error: reading: " << error << "\n";
      return 1;
    }
  }
  if (objects.empty()) {
    io.err << "Error: no input data identified\n";
    return 1;
  }

  std::optional<policies::EnginePreference> engine = policies::parse_engine_preference(parsed.value("engine", "auto"));
  if (!engine) {
    io.err << "Error: unknown engine \"" << parsed.value("engine") << "\" (auto, rego, cel or all)\n";
    return 2;
  }
  gator::TestRunOptions run_options;
  run_options.namespace_name = parsed.value("namespace", "default");
  gator::TestRunReport report = gator::run_gator_test(
      objects, policy_objects, gator::engine_factory(*engine, parsed.value("vap-environment", "1.32")), run_options);
  if (!report.error.empty()) {
    io.err << "Error: " << report.error << "\n";
    return 1;
  }
  for (const std::string& warning : report.warnings) {
    io.err << "Warning: " << warning << " (its constraints were not evaluated)\n";
  }
  for (const std::string& warning : report.load_warnings) io.err << "Warning: " << warning << "\n";
  gator::TestOutputOptions options;
  options.format = gator::parse_test_output_format(parsed.value("output"));
  options.deny_only = parsed.flag("deny-only");
  io.out << gator::format_test_report(report, options);
  io.out.flush();

  for (const std::string& d : report.engine_disagreements) io.err << "Error: Rego and CEL disagree: " << d << "\n";
  if (!report.engine_disagreements.empty()) return 1;
  for (const gator::ViolationReport& v : report.violations) {
    if (gator::is_enforced_denial(v.result)) return 1;
  }
  return 0;
}

}  // namespace tollgate::cli
