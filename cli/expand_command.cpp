#include <fstream>
#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/object_inputs.h"
#include "policies/gator/expand_run.h"
#include "policies/gator/go_marshal.h"

namespace tollgate::cli {
namespace gator = policies::gator;

namespace {

const std::vector<OptionSpec>& expand_options() {
  static const std::vector<OptionSpec> specs = {
      // gator expand's own flags, short forms included, so its scripts run unchanged.
      {"filename", 'n', true, true, "PATH", "a file or directory of objects, templates, mutators; \"-\" reads stdin"},
      {"format", 'f', true, false, "FORMAT", "yaml (default) or json"},
      {"output", 0, true, false, "FORMAT", "the same as --format (the name tollgate's other commands use)"},
      {"outputfile", 'o', true, false, "FILE", "write the resultants to FILE instead of stdout"},
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate expand [-n PATH]... [-f yaml|json] [-o FILE]\n\n"
         "Prints the objects the ExpansionTemplates among the inputs make of the other\n"
         "inputs (the -n paths, then stdin unless it is a terminal or /dev/null), as gator expand does:\n"
         "each object is mutated by the mutators among the inputs, then expanded (a\n"
         "Deployment into its Pod, a CronJob into its Job and that Job's Pod), every resultant\n"
         "mutated by the mutators whose source is Generated or All. An object without a\n"
         "namespace gets gator's empty Namespace (its resultants get none), one in \"default\"\n"
         "a label-less \"default\", others the Namespace among the inputs. Resultants are\n"
         "printed sorted by name, apiVersion and kind, descending, separated by ---, in\n"
         "gator's YAML (go-yaml's key order and quoting) or JSON (four-space indent).\n"
         "The flags are gator expand's: -n/--filename, -f/--format, -o/--outputfile.\n\n"
         "Exits 1 when nothing is read or an object cannot be mutated or expanded.\n\n"
         "Options:\n"
      << format_options_help(expand_options());
}

}  // namespace

int run_expand_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, expand_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (!parsed.positional.empty()) {
    io.err << "Error: unexpected argument \"" << parsed.positional.front() << "\" (inputs are given with -n/--filename)\n";
    return 2;
  }
  std::string format = parsed.value("format", parsed.value("output", "yaml"));
  if (format != "yaml" && format != "json") {
    io.err << "Error: unrecognized value for format flag: " << format << "\n";
    return 1;
  }
  std::string error;
  std::vector<gator::SourcedObject> objects;
  for (const std::string& path : input_paths(parsed.values("filename"), io, /*stdin_too=*/true)) {
    if (!read_input_objects(path, io, &objects, &error)) {
      io.err << "Error: reading: " << error << "\n";
      return 1;
    }
  }
  if (objects.empty()) {
    io.err << "Error: no input data identified\n";
    return 1;
  }
  gator::ExpandRunReport report = gator::run_gator_expand(objects);
  if (!report.error.empty()) {
    io.err << "Error: " << report.error << "\n";
    return 1;
  }
  // As gator: documents joined by "---\n" (a JSON document has no final
  // newline), one more newline on stdout, the text as it is in a file.
  std::string text;
  for (size_t i = 0; i < report.resultants.size(); ++i) {
    if (i > 0) text += "---\n";
    text += format == "json" ? gator::to_go_json(report.resultants[i]) : gator::to_go_yaml(report.resultants[i]);
  }
  std::string outputfile = parsed.value("outputfile");
  if (outputfile.empty()) {
    io.out << text << "\n";
    io.out.flush();
    return 0;
  }
  std::ofstream file(outputfile, std::ios::binary | std::ios::trunc);
  if (!(file << text)) {
    io.err << "Error: writing " << outputfile << "\n";
    return 1;
  }
  io.out << "Writing output to file: " << outputfile << "\n";
  return 0;
}

}  // namespace tollgate::cli
