#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/object_inputs.h"
#include "policies/gator/namespace_context.h"
#include "policies/gator/object_reader.h"
#include "policies/gator/yaml_writer.h"
#include "policies/mutation_review.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "rules/value/json.h"

namespace tollgate::cli {
namespace gator = policies::gator;
using value::Value;

namespace {

const std::vector<OptionSpec>& mutate_options() {
  static const std::vector<OptionSpec> specs = {
      {"filename", 'f', true, true, "PATH", "a file or directory of objects to mutate; \"-\" reads stdin"},
      {"policies", 0, true, true, "PATH", "file or directory of mutators (other policy objects are loaded, not used)"},
      {"output", 'o', true, false, "FORMAT", "yaml (default), json, or patch"},
      {"namespace", 'n', true, false, "NAMESPACE", "namespace of objects that name none (default \"default\", as kubectl)"},
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate mutate [-f PATH]... --policies PATH... [-o yaml|json|patch]\n\n"
         "Applies the mutators (Assign, AssignMetadata, ModifySet, AssignImage) among the\n"
         "--policies to every object of the inputs (stdin when no -f is given and stdin is not\n"
         "a terminal), as the /mutate webhook would when the object is created: each object is\n"
         "mutated as a CREATE request (so mutators whose applyTo lists only UPDATE do not\n"
         "apply), without a user. As with kubectl apply -n, a namespaced object without\n"
         "metadata.namespace is created in the -n namespace (default \"default\"); the output\n"
         "keeps the object's own metadata, as the webhook's patch does. A Namespace among the\n"
         "inputs or the policies is what namespaceSelectors see (\"default\" without labels\n"
         "when none is given). Gatekeeper's own objects are never mutated.\n\n"
         "Output: yaml prints every object, mutated or not, as YAML documents separated by\n"
         "---; json prints the object, or a v1 List of them when there are several; patch\n"
         "prints, one line per object, the RFC 6902 JSON patch the webhook would answer\n"
         "([] when nothing changed).\n\n"
         "Exits 0 when every object was mutated (or left alone), 1 when a mutation fails (the\n"
         "error on stderr; the other objects are still printed), 2 on bad usage or inputs or\n"
         "policies that do not load.\n\n"
         "Options:\n"
      << format_options_help(mutate_options());
}

enum class Output { Yaml, Json, Patch };

// "file: Kind namespace/name" for messages.
std::string describe(const gator::SourcedObject& s) {
  const Value& metadata = s.object["metadata"];
  std::string ns(metadata["namespace"].string_or(""));
  return s.file + ": " + std::string(s.object["kind"].string_or("")) + " " + (ns.empty() ? "" : ns + "/") +
         std::string(metadata["name"].string_or(""));
}

std::string format_objects(const std::vector<Value>& objects, Output output) {
  std::string out;
  if (output == Output::Yaml) {
    for (size_t i = 0; i < objects.size(); ++i) {
      if (i > 0) out += "---\n";
      out += gator::to_yaml(objects[i]);
    }
    return out;
  }
  if (objects.size() == 1) return value::to_json_pretty(objects.front()) + "\n";
  value::ObjectBuilder list;
  list.add("apiVersion", Value::string("v1"));
  list.add("kind", Value::string("List"));
  list.add("items", Value::array(objects));
  list.add("metadata", Value::empty_object());
  return value::to_json_pretty(list.build()) + "\n";
}

}  // namespace

int run_mutate_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, mutate_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (!parsed.positional.empty()) {
    io.err << "Error: unexpected argument \"" << parsed.positional.front() << "\" (inputs are given with -f)\n";
    return 2;
  }
  std::string format = parsed.value("output", "yaml");
  Output output;
  if (format == "yaml") output = Output::Yaml;
  else if (format == "json") output = Output::Json;
  else if (format == "patch") output = Output::Patch;
  else {
    io.err << "Error: unknown output format \"" << format << "\" (yaml, json or patch)\n";
    return 2;
  }
  std::vector<std::string> policy_paths = parsed.values("policies");
  if (policy_paths.empty()) {
    io.err << "Error: mutate needs --policies\n";
    print_usage(io.err);
    return 2;
  }

  std::string error;
  std::vector<gator::SourcedObject> objects;
  for (const std::string& path : input_paths(parsed.values("filename"), io)) {
    if (!read_input_objects(path, io, &objects, &error)) {
      io.err << "Error: reading: " << error << "\n";
      return 2;
    }
  }
  if (objects.empty()) {
    io.err << "Error: no input data identified\n";
    return 2;
  }
  policies::LoadOptions load_options;
  // Templates are loaded for their own errors only; the engine never reviews.
  load_options.allow_unsupported_templates = true;
  policies::LoadResult loaded = policies::PolicySet::load(policy_paths, load_options);
  if (!loaded.errors.empty() || !loaded.policies) {
    for (const policies::LoadError& e : loaded.errors) io.err << e.to_string() << "\n";
    io.err << "Error: " << loaded.errors.size() << " error(s) loading policies\n";
    return 2;
  }

  std::string default_namespace = parsed.value("namespace", "default");
  // namespaceSelectors see the Namespaces of the policies, then those of the
  // inputs (which win), then a label-less "default".
  std::vector<Value> namespace_objects;
  for (const std::string& path : policy_paths) {
    std::vector<gator::SourcedObject> policy_objects;
    if (!read_input_objects(path, io, &policy_objects, &error)) continue;  // reported by the load above
    for (gator::SourcedObject& p : policy_objects) {
      if (gator::is_core_namespace(p.object)) namespace_objects.push_back(std::move(p.object));
    }
  }
  for (const gator::SourcedObject& s : objects) namespace_objects.push_back(s.object);
  gator::NamespaceContext namespaces(namespace_objects);

  int exit_code = 0;
  std::vector<Value> results;
  for (const gator::SourcedObject& s : objects) {
    Value request = policies::create_request_for_manifest(s.object, default_namespace);
    std::string_view request_namespace = request["namespace"].string_or("");
    policies::MutationReview mutation = policies::mutate_admission_request(
        *loaded.policies, request, request_namespace.empty() ? Value::null() : namespaces.named(request_namespace));
    if (mutation.outcome == policies::MutationOutcome::Failed) {
      io.err << "Error: mutating " << describe(s) << ": " << mutation.message << "\n";
      exit_code = 1;
      continue;
    }
    if (output == Output::Patch) {
      io.out << value::to_json(policies::mutation::json_patch(s.object, mutation.result.object)) << "\n";
    } else {
      results.push_back(mutation.result.object);
    }
  }
  if (output != Output::Patch && !results.empty()) io.out << format_objects(results, output);
  io.out.flush();
  return exit_code;
}

}  // namespace tollgate::cli
