#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/object_inputs.h"
#include "cli/review.h"
#include "policies/decision.h"
#include "policies/expansion/expanded_review.h"
#include "policies/expansion/expansion_system.h"
#include "policies/gator/yaml_writer.h"
#include "policies/model/loader.h"
#include "policies/vap/authorizer_rules.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"
#include "webhook/admission_codec.h"
#include "webhook/admission_router.h"

namespace tollgate::cli {
using value::Value;

namespace {

const std::vector<OptionSpec>& review_options() {
  static const std::vector<OptionSpec> specs = {
      {"filename", 'f', true, false, "FILE", "the AdmissionReview (or bare AdmissionRequest), JSON or YAML; \"-\" reads stdin"},
      {"policies", 0, true, true, "PATH", "file or directory of policy objects (templates, constraints, mutators, "
                                          "ValidatingAdmissionPolicies and bindings)"},
      {"inventory", 0, true, true, "PATH", "file or directory of what decisions read: Namespaces (selectors, "
                                           "namespaceObject), param objects, data.inventory"},
      {"mutate", 0, false, false, "", "answer as /mutate: the Gatekeeper mutators then the MutatingAdmissionPolicies, "
                                      "the patch as base64 JSONPatch"},
      {"output", 'o', true, false, "FORMAT", "json (default) or yaml"},
      {"vap-environment", 0, true, false, "VERSION", "Kubernetes CEL environment of ValidatingAdmissionPolicies: 1.32 (default) or current"},
      {"authorizer-rules", 0, true, false, "FILE", "allow rules answering the policies' authorizer checks "
                                                   "(users/groups, verbs, apiGroups, resources, ...); default: no opinion"},
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate review -f REQUEST --policies PATH... [--inventory PATH...] [--mutate] [-o json|yaml]\n\n"
         "Replays one admission request offline and prints the AdmissionReview response that\n"
         "`tollgate serve` would answer on /validate: the uid echoed, allowed, status code, reason\n"
         "and message, warnings and audit annotations. ValidatingAdmissionPolicies decide first,\n"
         "as the API server's admission plugin runs before the webhooks; then the Gatekeeper\n"
         "constraints. The request is an AdmissionReview (admission.k8s.io/v1 or v1beta1) or a\n"
         "bare AdmissionRequest, e.g. taken from an API server audit log.\n\n"
         "With --mutate, the answer is the one `serve` gives on /mutate instead: the Gatekeeper\n"
         "mutators, then the MutatingAdmissionPolicies on what they left; allowed with\n"
         "patchType JSONPatch and the patch (base64) when the object changed, or the refusal.\n\n"
         "Exits 0 when the request is allowed, 1 when it is denied, 2 on bad usage or inputs.\n\n"
         "Options:\n"
      << format_options_help(review_options());
}

bool read_document(const std::string& path, CommandIo& io, Value* out, std::string* error) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(io.in), std::istreambuf_iterator<char>());
  } else {
    std::vector<value::YamlDocument> docs;
    value::YamlError e;
    if (!value::load_yaml_file(path, &docs, &e)) {
      *error = path + ":" + std::to_string(e.location.line) + ":" + std::to_string(e.location.column) + ": " + e.message;
      return false;
    }
    if (docs.size() != 1) {
      *error = path + ": expected one document, found " + std::to_string(docs.size());
      return false;
    }
    *out = docs.front().value;
    return true;
  }
  std::vector<value::YamlDocument> docs;
  value::YamlError e;
  if (!value::parse_yaml(text, &docs, &e) || docs.size() != 1) {
    *error = "stdin: " + (e.message.empty() ? std::string("expected one document") : e.message);
    return false;
  }
  *out = docs.front().value;
  return true;
}

}  // namespace

bool admission_review_body(const Value& document, std::string* body, std::string* error) {
  if (!document.is_object()) {
    *error = "expected an AdmissionReview or an AdmissionRequest object";
    return false;
  }
  if (document["kind"].string_or("") == "AdmissionReview") {
    *body = value::to_json(document);
    return true;
  }
  if (document.find("operation") == nullptr || document.find("kind") == nullptr) {
    *error = "expected an AdmissionReview or an AdmissionRequest (with operation and kind)";
    return false;
  }
  value::ObjectBuilder review;
  review.add("apiVersion", Value::string("admission.k8s.io/v1"));
  review.add("kind", Value::string("AdmissionReview"));
  review.add("request", document);
  *body = value::to_json(review.build());
  return true;
}

std::string replay_admission_review(const policies::PolicySet& policies, const std::string& body, std::string* error) {
  webhook::AdmissionReviewRequest review;
  if (!webhook::decode_admission_review(body, &review, error)) return {};
  policies::ReviewInput input;
  input.request = review.request;
  // As /validate: the parent, then what its ExpansionTemplates imply.
  policies::expansion::ExpansionContext implied;
  if (!policies.expansion().empty()) {
    implied.generator = policies::expansion::generator_of_request(review.request);
    implied.username = std::string(review.request["userInfo"]["username"].string_or(""));
  }
  policies::Decision decision;
  policies::expansion::ExpandedReview expanded = policies::expansion::review_with_expansion(policies, input, implied);
  if (!expanded.expand_error.empty()) {
    decision = policies::internal_error("unable to expand object: " + expanded.expand_error);
  } else if (!expanded.review_error.empty()) {
    decision = policies::internal_error(expanded.review_error);
  } else {
    decision = std::move(expanded.decision);
  }
  return webhook::encode_validation_response(review, decision);
}

std::string replay_mutation_review(const policies::PolicySet& policies, const std::string& body, std::string* error) {
  webhook::AdmissionReviewRequest review;
  if (!webhook::decode_admission_review(body, &review, error)) return {};
  // Offline there is no cluster: the request's Namespace comes from the
  // policies and inventory, and nobody is exempt.
  return webhook::answer_mutation(policies, review, Value(), webhook::AdmissionOptions{}).body;
}

int run_review_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, review_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (!parsed.has("filename") || !parsed.positional.empty()) {
    io.err << "Error: review needs -f REQUEST (and no other arguments)\n";
    print_usage(io.err);
    return 2;
  }
  std::string format = parsed.value("output", "json");
  if (format != "json" && format != "yaml") {
    io.err << "Error: unknown output format \"" << format << "\" (json or yaml)\n";
    return 2;
  }
  std::vector<std::string> policy_paths = parsed.values("policies");
  if (policy_paths.empty()) {
    io.err << "Error: review needs --policies\n";
    return 2;
  }
  std::string error;
  Value document;
  if (!read_document(parsed.value("filename"), io, &document, &error)) {
    io.err << "Error: reading the request: " << error << "\n";
    return 2;
  }
  std::string body;
  if (!admission_review_body(document, &body, &error)) {
    io.err << "Error: " << error << "\n";
    return 2;
  }

  policies::LoadOptions load_options;
  load_options.vap_environment = parsed.value("vap-environment", "1.32");
  if (parsed.has("authorizer-rules")) {
    load_options.vap_authorizer = policies::vap::load_authorizer_rules(parsed.value("authorizer-rules"), &error);
    if (!load_options.vap_authorizer) {
      io.err << "Error: " << error << "\n";
      return 2;
    }
  }
  std::vector<policies::LoadedObject> inventory;
  std::vector<policies::LoadError> errors;
  policies::read_policy_files(parsed.values("inventory"), inventory, errors);
  for (const policies::LoadedObject& o : inventory) load_options.inventory.push_back(o.value);
  policies::LoadResult loaded;
  if (errors.empty()) loaded = policies::PolicySet::load(policy_paths, load_options);
  errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  for (const policies::LoadError& w : loaded.warnings) io.err << "warning: " << w.to_string() << "\n";
  if (!errors.empty() || !loaded.policies) {
    for (const policies::LoadError& e : errors) io.err << e.to_string() << "\n";
    io.err << "Error: " << errors.size() << " error(s) loading policies\n";
    return 2;
  }

  std::string response = parsed.has("mutate") ? replay_mutation_review(*loaded.policies, body, &error)
                                               : replay_admission_review(*loaded.policies, body, &error);
  if (response.empty()) {
    io.err << "Error: " << error << "\n";
    return 2;
  }
  Value answer = value::parse_json_or_throw(response);
  if (format == "yaml") {
    io.out << policies::gator::to_yaml(answer);
  } else {
    io.out << value::to_json_pretty(answer) << "\n";
  }
  io.out.flush();
  return answer["response"]["allowed"].is_bool() && answer["response"]["allowed"].as_bool() ? 0 : 1;
}

}  // namespace tollgate::cli
