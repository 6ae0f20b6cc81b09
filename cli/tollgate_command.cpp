#include <ostream>

#include "cli/commands.h"

namespace tollgate::cli {
namespace {

void print_usage(std::ostream& out) {
  out << "tollgate " << kVersion << " - Kubernetes admission policies (OPA Gatekeeper compatible)\n\n"
         "Usage: tollgate COMMAND [options]\n\n"
         "Commands:\n"
         "  serve    run the admission webhook server\n"
         "  verify   run gator verify test suites\n"
         "  test     review objects against policies, as gator test does\n"
         "  audit    audit a cluster dump against policies, as Gatekeeper's audit does\n"
         "  mutate   apply mutators to objects and print the result\n"
         "  expand   print the objects ExpansionTemplates make of generators, as gator expand\n"
         "  eval     evaluate one CEL expression against an object\n"
         "  review   replay one admission request: the AdmissionReview /validate would answer\n"
         "  export   export vap: the ValidatingAdmissionPolicy and bindings Gatekeeper makes of CEL templates\n\n"
         "Run 'tollgate COMMAND --help' for a command's options.\n";
}

}  // namespace

int run_tollgate(const std::vector<std::string>& args, CommandIo& io) {
  if (args.empty()) {
    print_usage(io.err);
    return 2;
  }
  const std::string& command = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(io.out);
    return 0;
  }
  if (command == "--version" || command == "version") {
    io.out << "tollgate " << kVersion << "\n";
    return 0;
  }
  if (command == "serve") return run_serve_command(rest, io);
  if (command == "verify") return run_verify_command(rest, io);
  if (command == "test") return run_test_command(rest, io);
  if (command == "audit") return run_audit_command(rest, io);
  if (command == "mutate") return run_mutate_command(rest, io);
  if (command == "expand") return run_expand_command(rest, io);
  if (command == "eval") return run_eval_command(rest, io);
  if (command == "review") return run_review_command(rest, io);
  if (command == "export") return run_export_command(rest, io);
  io.err << "Error: unknown command \"" << command << "\"\n\n";
  print_usage(io.err);
  return 2;
}

}  // namespace tollgate::cli
