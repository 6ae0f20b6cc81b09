#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/eval_budget_flags.h"
#include "cli/eval_rego.h"
#include "policies/gator/review_builder.h"
#include "policies/review_request.h"
#include "rules/cel/cel.h"
#include "rules/cel/typed_json.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace tollgate::cli {
namespace gator = policies::gator;
using value::Value;

namespace {

const std::vector<OptionSpec>& eval_options() {
  static const std::vector<OptionSpec> specs = {
      {"cel", 0, true, false, "EXPR", "the CEL expression to evaluate (instead of a Rego QUERY)"},
      {"input", 'i', true, false, "FILE", "CEL: the object, bound as `object`; Rego: the input document (YAML or JSON; \"-\" reads stdin)"},
      {"params", 0, true, false, "FILE", "CEL: constraint parameters, bound as `params` and `variables.params`"},
      {"typed", 0, false, false, "", "CEL: print {\"type\": T, \"value\": V}, {\"error\": E} or {\"compile_error\": E}\n"
                                     "on stdout (the form of ../shared/testdata/cel-differential)"},
      {"data", 'd', true, true, "PATH", "Rego: a policy (.rego), a data file (.json/.yaml, at data's root), a ConstraintTemplate\n"
                                        "(its Rego and libs) or a directory of those (data files at their folder's path)"},
      {"constraint", 0, true, false, "FILE", "Rego: build input as Gatekeeper does, {review, parameters}, from -i (an object\n"
                                             "or AdmissionReview) and this Constraint's spec.parameters"},
      {"explain", 0, false, false, "", "Rego: print a trace of every rule and expression entered, evaluated or failed"},
      max_eval_time_option(),
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate eval [-d PATH]... [-i INPUT] [--constraint FILE] [--explain] QUERY\n"
         "       tollgate eval --cel EXPR -i OBJECT [--params FILE] [--typed]\n\n"
         "Rego: evaluates QUERY (v1 syntax, e.g. 'data.k8srequiredlabels.violation') like `opa eval`\n"
         "and prints {\"result\": [{\"expressions\": [...], \"bindings\": {...}}]} as JSON (no result:\n"
         "{}); exits 1 on a compile or evaluation error. Modules are parsed as Rego v1, and as v0\n"
         "when that fails (Gatekeeper's rule).\n\n"
         "CEL: evaluates a CEL expression the way a K8sNativeValidation template sees it:\n"
         "object, oldObject (null), params, request (as gator synthesises it), namespaceObject\n"
         "(null), variables.params and variables.anyObject. An AdmissionReview input is\n"
         "unpacked: object, oldObject and request come from its request.\n"
         "Prints the result as JSON that keeps its CEL type: 1.0 stays a double, uints, bytes\n"
         "(base64), durations, timestamps and Kubernetes types print as text, an optional as\n"
         "{\"optional\": V|null}; --typed adds the type name. Exits 1 on a compile or\n"
         "evaluation error.\n\n"
         "Options:\n"
      << format_options_help(eval_options());
}

// variables.params and variables.anyObject, both known before evaluation.
class FixedVariables final : public cel::LazyVariables {
 public:
  explicit FixedVariables(std::vector<cel::EvalResult> values) : values_(std::move(values)) {}
  const cel::EvalResult& get(size_t index) override { return values_.at(index); }

 private:
  std::vector<cel::EvalResult> values_;
};

constexpr auto kReplaceBadUtf8 = nlohmann::json::error_handler_t::replace;

// The expression's line with a caret under the column, as cel-go shows errors.
std::string caret_excerpt(const std::string& expression, int line, int column) {
  std::istringstream lines(expression);
  std::string text;
  for (int i = 1; std::getline(lines, text); ++i) {
    if (i == line) return " | " + text + "\n | " + std::string(column > 1 ? column - 1 : 0, '.') + "^\n";
  }
  return {};
}

}  // namespace

int run_eval_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, eval_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (std::string budget_error; !apply_max_eval_time(parsed, &budget_error)) {
    io.err << "Error: " << budget_error << "\n";
    return 2;
  }
  std::string error;
  if (!parsed.has("cel")) return run_rego_eval(parsed, io);
  if (!parsed.has("input") || !parsed.positional.empty()) {
    io.err << "Error: eval needs --cel EXPR and -i OBJECT\n";
    print_usage(io.err);
    return 2;
  }

  Value input;
  if (!read_document(parsed.value("input"), io, &input, &error)) {
    io.err << "Error: reading input: " << error << "\n";
    return 1;
  }
  Value params;
  if (parsed.has("params") && !read_document(parsed.value("params"), io, &params, &error)) {
    io.err << "Error: reading params: " << error << "\n";
    return 1;
  }

  Value object = input;
  Value old_object;
  Value request;
  if (gator::is_admission_review(input)) {
    if (!gator::request_from_admission_review(input, &request, &error)) {
      io.err << "Error: " << error << "\n";
      return 1;
    }
    object = request["object"];
    old_object = request["oldObject"];
  } else {
    request = policies::admission_request_for_object(input);
  }
  // What K8sNativeValidation binds as variables.anyObject: oldObject on DELETE.
  Value any_object = object.is_null() ? old_object : object;

  const std::string expression = parsed.value("cel");
  cel::CompileOptions options;
  options.identifiers = {"object", "oldObject", "params", "request", "namespaceObject"};
  options.lazy_variables = {"params", "anyObject"};
  const bool typed = parsed.has("typed");
  cel::CompileResult compiled = cel::Environment::kubernetes()->compile(expression, options);
  if (!compiled.ok()) {
    const cel::CompileError& e = *compiled.error;
    io.err << "compile error: <cel>:" << e.line << ":" << e.column << ": " << e.message << "\n"
           << caret_excerpt(expression, e.line, e.column);
    if (typed) io.out << nlohmann::json{{"compile_error", e.message}}.dump(-1, ' ', false, kReplaceBadUtf8) << "\n";
    return 1;
  }

  cel::EvalResult params_value;
  params_value.value = params;
  cel::EvalResult any_object_value;
  any_object_value.value = any_object;
  FixedVariables variables({params_value, any_object_value});
  cel::Activation activation;
  activation.identifiers = {object, old_object, params, request, Value::null()};
  activation.variables = &variables;
  cel::EvalResult result = compiled.program->evaluate(activation);
  if (!result.ok()) {
    io.err << "evaluation error: " << *result.error << "\n";
    if (typed) io.out << nlohmann::json{{"error", *result.error}}.dump(-1, ' ', false, kReplaceBadUtf8) << "\n";
    return 1;
  }
  if (typed) io.out << cel::typed_json(result.value).dump(-1, ' ', false, kReplaceBadUtf8) << "\n";
  else io.out << cel::typed_json_value(result.value).dump(2, ' ', false, kReplaceBadUtf8) << "\n";
  return 0;
}

}  // namespace tollgate::cli
