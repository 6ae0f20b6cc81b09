// tollgate export vap: the ValidatingAdmissionPolicy and bindings Gatekeeper
// 3.19.3 generates from K8sNativeValidation templates and their constraints
// (policies/vap/export.h), printed as a YAML stream or a JSON List.
#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "policies/gator/yaml_writer.h"
#include "policies/model/loader.h"
#include "policies/vap/export.h"
#include "rules/value/json.h"

namespace tollgate::cli {
using value::Value;

namespace {

const std::vector<OptionSpec>& export_options() {
  static const std::vector<OptionSpec> specs = {
      {"filename", 'f', true, true, "PATH", "ConstraintTemplate file or directory (each template with "
                                            "K8sNativeValidation code is exported)"},
      {"constraints", 0, true, true, "PATH", "file or directory of constraints: one binding per constraint of an "
                                             "exported template's kind (others are ignored)"},
      {"output", 'o', true, false, "FORMAT", "yaml (default: a YAML stream) or json (a v1 List)"},
      {"api-version", 0, true, false, "VERSION", "v1 (default, what Gatekeeper writes when the cluster serves it) or "
                                                 "v1beta1"},
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate export vap -f TEMPLATE... [--constraints PATH...] [-o yaml|json]\n\n"
         "Prints the ValidatingAdmissionPolicy Gatekeeper 3.19 generates for each ConstraintTemplate\n"
         "with K8sNativeValidation (CEL) code, then one ValidatingAdmissionPolicyBinding per\n"
         "constraint of its kind: policy gatekeeper-<template>, paramKind the constraint kind\n"
         "(constraints.gatekeeper.sh/v1beta1), the constraint's match as matchConditions and\n"
         "selectors, binding gatekeeper-<constraint> with the constraint as its param and its\n"
         "enforcementAction (deny, warn; scoped at vap.k8s.io) as validationActions. Apply them\n"
         "with kubectl, or replay requests against them with `tollgate review` (the constraints\n"
         "go to --inventory as the params).\n\n"
         "Exits 0 when everything exported, 1 when a template or constraint could not be (the\n"
         "error names it and why; the rest is printed), 2 on bad usage or unreadable inputs.\n\n"
         "Options:\n"
      << format_options_help(export_options());
}

void print_export_help(std::ostream& out) {
  out << "Usage: tollgate export vap [options]\n\n"
         "Kinds:\n"
         "  vap   the ValidatingAdmissionPolicy and bindings Gatekeeper generates from CEL templates\n\n"
         "Run 'tollgate export vap --help' for its options.\n";
}

bool is_template(const Value& o) {
  return o["kind"].string_or("") == "ConstraintTemplate" &&
         policies::api_group_of(o["apiVersion"].string_or("")) == "templates.gatekeeper.sh";
}

int run_export_vap(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, export_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (!parsed.has("filename") || !parsed.positional.empty()) {
    io.err << "Error: export vap needs -f TEMPLATE (and no other arguments)\n";
    print_usage(io.err);
    return 2;
  }
  std::string format = parsed.value("output", "yaml");
  if (format != "json" && format != "yaml") {
    io.err << "Error: unknown output format \"" << format << "\" (yaml or json)\n";
    return 2;
  }
  policies::vap::ExportOptions options;
  std::string version = parsed.value("api-version", "v1");
  if (version != "v1" && version != "v1beta1") {
    io.err << "Error: unknown --api-version \"" << version << "\" (v1 or v1beta1)\n";
    return 2;
  }
  options.api_version = "admissionregistration.k8s.io/" + version;

  std::vector<policies::LoadedObject> templates, constraints;
  std::vector<policies::LoadError> errors;
  policies::read_policy_files(parsed.values("filename"), templates, errors);
  policies::read_policy_files(parsed.values("constraints"), constraints, errors);
  if (!errors.empty()) {
    for (const policies::LoadError& e : errors) io.err << e.to_string() << "\n";
    io.err << "Error: " << errors.size() << " error(s) reading the inputs\n";
    return 2;
  }

  std::vector<Value> out;
  int failures = 0;
  size_t template_count = 0;
  std::vector<bool> bound(constraints.size(), false);
  for (const policies::LoadedObject& t : templates) {
    if (!is_template(t.value)) continue;
    ++template_count;
    policies::vap::ExportedPolicy policy = policies::vap::export_policy(t.value, options);
    std::string_view kind = t.value["spec"]["crd"]["spec"]["names"]["kind"].string_or("");
    for (size_t i = 0; i < constraints.size(); ++i) {
      bound[i] = bound[i] || policies::vap::is_constraint_of_kind(constraints[i].value, kind);
    }
    if (!policy.ok()) {
      io.err << "Error: " << t.origin.error_at("", policy.error).to_string() << "\n";
      ++failures;
      continue;
    }
    if (policy.generate_vap == false) {
      io.err << "warning: template " << t.value["metadata"]["name"].string_or("")
             << " sets generateVAP: false: Gatekeeper would not create this policy in a cluster\n";
    }
    out.push_back(policy.policy);
    for (size_t i = 0; i < constraints.size(); ++i) {
      const policies::LoadedObject& c = constraints[i];
      if (!policies::vap::is_constraint_of_kind(c.value, policy.constraint_kind)) continue;
      policies::vap::ExportedBinding binding = policies::vap::export_binding(c.value, options);
      if (!binding.ok()) {
        io.err << "Error: " << c.origin.error_at("", binding.error).to_string() << "\n";
        ++failures;
      } else if (!binding.skipped.empty()) {
        io.err << "warning: " << binding.skipped << "\n";
      } else {
        out.push_back(binding.binding);
      }
    }
  }
  // Constraints no template given defines (a typo'd kind, another
  // template's): said once, so that a missing binding is not a surprise.
  std::string others;
  size_t other_count = 0;
  for (size_t i = 0; i < constraints.size(); ++i) {
    const Value& c = constraints[i].value;
    if (bound[i] || policies::api_group_of(c["apiVersion"].string_or("")) != "constraints.gatekeeper.sh") continue;
    if (other_count++ < 5) {
      others += (others.empty() ? "" : ", ") + std::string(c["kind"].string_or("")) + "/" +
                std::string(c["metadata"]["name"].string_or(""));
    }
  }
  if (other_count != 0) {
    io.err << "warning: " << other_count << " constraint(s) of kinds no template given defines: " << others
           << (other_count > 5 ? ", ..." : "") << "\n";
  }
  if (template_count == 0) {
    io.err << "Error: no ConstraintTemplate in " << parsed.values("filename").front()
           << (parsed.values("filename").size() > 1 ? " ..." : "") << "\n";
    return 2;
  }

  if (format == "json") {
    value::ObjectBuilder list;
    list.add("apiVersion", Value::string("v1"));
    list.add("kind", Value::string("List"));
    list.add("items", Value::array(out));
    io.out << value::to_json_pretty(list.build()) << "\n";
  } else {
    for (size_t i = 0; i < out.size(); ++i) {
      if (i != 0) io.out << "---\n";
      io.out << policies::gator::to_yaml(out[i]);
    }
  }
  io.out.flush();
  return failures == 0 ? 0 : 1;
}

}  // namespace

int run_export_command(const std::vector<std::string>& args, CommandIo& io) {
  if (args.empty()) {
    print_export_help(io.err);
    return 2;
  }
  if (args.front() == "--help" || args.front() == "-h") {
    print_export_help(io.out);
    return 0;
  }
  if (args.front() == "vap") return run_export_vap(std::vector<std::string>(args.begin() + 1, args.end()), io);
  io.err << "Error: unknown export kind \"" << args.front() << "\" (vap)\n\n";
  print_export_help(io.err);
  return 2;
}

}  // namespace tollgate::cli
