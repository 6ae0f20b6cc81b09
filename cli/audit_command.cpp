#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>

#include "cli/args.h"
#include "cli/audit_progress.h"
#include "cli/commands.h"
#include "cli/eval_budget_flags.h"
#include "cli/object_inputs.h"
#include "policies/audit/audit_report.h"
#include "policies/audit/audit_run.h"
#include "policies/audit/audit_stream.h"
#include "policies/audit/dump_stream.h"

namespace tollgate::cli {
namespace audit = policies::audit;

namespace {

const std::vector<OptionSpec>& audit_options() {
  static const std::vector<OptionSpec> specs = {
      {"filename", 'f', true, true, "PATH",
       "a cluster dump: a file (kubectl get ... -o json Lists, YAML or JSON manifests) or a directory; \"-\" reads stdin"},
      {"policies", 0, true, true, "PATH", "templates, constraints, mutators, ExpansionTemplates, the Config, "
                                          "ValidatingAdmissionPolicies, their bindings and params to audit with"},
      {"output", 'o', true, false, "FORMAT", "text (default), json, yaml, junit, html or sarif"},
      {"output-file", 0, true, false, "FILE", "write the report to FILE instead of stdout"},
      {"constraint-violations-limit", 0, true, false, "N",
       "violations kept per constraint, as Gatekeeper's status (default 20; 0 = none; totals count all)"},
      {"fail-on", 0, true, false, "ACTION",
       "exit 1 when a constraint with this action or a stronger one has violations: deny (default), warn, dryrun or never"},
      {"group-by-label", 0, true, false, "LABEL",
       "the label (of the object, else of its Namespace) the HTML report groups violations by (default team)"},
      {"engine", 0, true, false, "ENGINE", "auto (as Gatekeeper), rego, cel, or all (both; a disagreement fails)"},
      {"progress", 0, false, false, "", "show objects done, objects/s and the time left on stderr (default: when it is a terminal)"},
      {"no-progress", 0, false, false, "", "no progress line, even on a terminal"},
      {"vap-environment", 0, true, false, "VERSION", "Kubernetes CEL environment of admission policies: 1.32 (default) or current"},
      max_eval_time_option(),
      max_policy_file_bytes_option(),
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate audit [-f PATH]... --policies PATH... [options]\n\n"
         "Audits a cluster dump as Gatekeeper's audit does: every object (the -f paths and\n"
         "positional paths, then stdin unless it is a terminal) is reviewed at\n"
         "audit.gatekeeper.sh by every constraint that matches it, as it is (no mutation),\n"
         "with its Namespace from the dump and the dump as data.inventory (only the Config's\n"
         "syncOnly kinds when a Config is among the policies). Lists (kubectl get -A -o json)\n"
         "are read item by item, and with a Config among the policies only its syncOnly\n"
         "kinds and the Namespaces are held while the objects are audited one at a time.\n"
         "Per constraint it reports totalViolations and the first N violations in the shape of\n"
         "the constraint's status, so it compares with kubectl get <constraint> -o yaml.\n"
         "ValidatingAdmissionPolicies (which Gatekeeper's audit does not run) judge each object\n"
         "as if it were created now; each failure counts for its binding, reported like a\n"
         "constraint (ValidatingAdmissionPolicyBinding/<name>) with the action of its\n"
         "validationActions: deny, warn or audit (audit reaches --fail-on dryrun).\n"
         "Exits 1 when a constraint reaching --fail-on has violations, 2 on a usage error.\n\n"
         "Options:\n"
      << format_options_help(audit_options());
}

bool parse_count(const std::string& text, size_t* out) {
  if (text.empty() || text.size() > 9) return false;
  size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

int run_audit_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, audit_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (std::string budget_error; !apply_max_eval_time(parsed, &budget_error) ||
                                 !apply_max_policy_file_bytes(parsed, &budget_error)) {
    io.err << "Error: " << budget_error << "\n";
    return 2;
  }
  std::optional<audit::AuditOutputFormat> format = audit::parse_audit_output_format(parsed.value("output"));
  if (!format) {
    io.err << "Error: unknown output format \"" << parsed.value("output") << "\" (text, json, yaml, junit, html or sarif)\n";
    return 2;
  }
  audit::AuditOptions options;
  if (!parse_count(parsed.value("constraint-violations-limit", "20"), &options.violations_limit)) {
    io.err << "Error: --constraint-violations-limit wants a whole number, not \""
           << parsed.value("constraint-violations-limit") << "\"\n";
    return 2;
  }
  std::string fail_on = parsed.value("fail-on", "deny");
  if (fail_on != "deny" && fail_on != "warn" && fail_on != "dryrun" && fail_on != "never") {
    io.err << "Error: --fail-on wants deny, warn, dryrun or never, not \"" << fail_on << "\"\n";
    return 2;
  }
  options.group_by_label = parsed.value("group-by-label", "team");
  std::optional<policies::EnginePreference> engine = policies::parse_engine_preference(parsed.value("engine", "auto"));
  if (!engine) {
    io.err << "Error: unknown engine \"" << parsed.value("engine") << "\" (auto, rego, cel or all)\n";
    return 2;
  }

  std::vector<std::string> filenames = parsed.values("filename");
  filenames.insert(filenames.end(), parsed.positional.begin(), parsed.positional.end());
  std::string error;
  std::vector<policies::gator::SourcedObject> policy_objects;
  for (const std::string& path : parsed.values("policies")) {
    if (!read_input_objects(path, io, &policy_objects, &error)) {
      io.err << "Error: reading: " << error << "\n";
      return 1;
    }
  }
  policy_objects = audit::unwrap_lists(std::move(policy_objects));

  // A JSON List file is read item by item (twice when that holds less);
  // anything else (YAML, folders, stdin) is read once and kept.
  struct Input {
    std::string path;
    bool stream = false;
    bool loaded = false;
    std::vector<policies::gator::SourcedObject> objects;
  };
  std::vector<Input> inputs;
  for (const std::string& path : input_paths(filenames, io, /*stdin_too=*/true)) {
    std::error_code ec;
    bool file = path != "-" && std::filesystem::is_regular_file(path, ec);
    inputs.push_back(Input{path, file, false, {}});
  }
  // A dump is mostly kubectl's JSON, often past the YAML reader's size limit.
  ObjectReaders dump_readers{audit::read_dump_text, audit::read_dump_file};
  audit::ObjectSource source = [&](const std::function<void(policies::gator::SourcedObject&&)>& each,
                                   std::string* source_error) {
    for (Input& input : inputs) {
      if (input.stream) {
        audit::DumpStream streamed = audit::stream_json_list(
            input.path,
            [&](policies::gator::SourcedObject&& object, size_t) {
              each(std::move(object));
              return true;
            },
            source_error);
        if (streamed == audit::DumpStream::Failed) return false;
        if (streamed == audit::DumpStream::Streamed) continue;
        input.stream = false;  // not a List: read whole
      }
      if (!input.loaded) {
        if (!read_input_objects(input.path, io, &input.objects, source_error, dump_readers)) return false;
        input.objects = audit::unwrap_lists(std::move(input.objects));
        input.loaded = true;
      }
      for (const policies::gator::SourcedObject& object : input.objects) each(policies::gator::SourcedObject(object));
    }
    return true;
  };

  audit::StreamAuditOptions stream_options;
  stream_options.audit = options;
  std::optional<AuditProgress> progress;
  if (audit_progress_wanted(parsed.has("progress"), parsed.has("no-progress"), io.err)) {
    progress.emplace(io.err);
    stream_options.progress = [&](size_t done, size_t total) {
      progress->set_total(total);
      progress->update(done);
    };
  }
  policies::gator::EngineFactory factory =
      policies::gator::engine_factory(*engine, parsed.value("vap-environment", "1.32"));
  audit::AuditReport report = audit::audit_source(source, policy_objects, factory, stream_options);
  if (progress && report.error.empty()) progress->finish(report.objects_audited);
  if (report.error.empty() && report.objects_audited == 0) {
    io.err << "Error: no objects to audit\n";
    return 1;
  }
  if (!report.error.empty()) {
    io.err << "Error: " << (report.error.rfind("reading policies", 0) == 0 ? "" : "reading: ") << report.error << "\n";
    return 1;
  }
  for (const std::string& warning : report.warnings) io.err << "Warning: " << warning << "\n";
  for (const std::string& warning : report.load_warnings) io.err << "Warning: " << warning << "\n";

  audit::AuditOutputOptions output;
  output.format = *format;
  output.fail_on = fail_on;
  std::string text = audit::format_audit_report(report, output);
  if (parsed.has("output-file")) {
    std::ofstream file(parsed.value("output-file"), std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) {
      io.err << "Error: writing " << parsed.value("output-file") << "\n";
      return 1;
    }
  } else {
    io.out << text;
    io.out.flush();
  }

  for (const std::string& d : report.engine_disagreements) io.err << "Error: Rego and CEL disagree: " << d << "\n";
  if (!report.engine_disagreements.empty()) return 1;
  for (const audit::ConstraintAudit& c : report.constraints) {
    if (audit::reaches(c, fail_on)) return 1;
  }
  return 0;
}

}  // namespace tollgate::cli
