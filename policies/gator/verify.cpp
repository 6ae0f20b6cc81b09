#include "policies/gator/verify.h"

#include <chrono>
#include <filesystem>

#include "policies/expansion/expanded_review.h"
#include "policies/gator/assertion.h"
#include "policies/gator/namespace_context.h"
#include "policies/gator/object_reader.h"
#include "policies/gator/parameter_schema.h"
#include "policies/gator/review_builder.h"
#include "policies/gator/test_run.h"
#include "policies/mutation_review.h"
#include "policies/vap/vap_report.h"

namespace tollgate::policies::gator {
namespace fs = std::filesystem;
namespace {

class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string join(const std::string& dir, const std::string& relative) {
  return (fs::path(dir) / relative).lexically_normal().string();
}

// The one object of `objects` read from `path`; gator's error when there is not exactly one.
bool single_object(const std::vector<SourcedObject>& objects, const std::string& path, Value* out, std::string* error) {
  if (objects.empty()) {
    *error = "missing objects: path \"" + path + "\" defines no YAML objects";
    return false;
  }
  if (objects.size() != 1) {
    *error = "object file must contain exactly one object: \"" + path + "\" defines " +
             std::to_string(objects.size()) + " objects";
    return false;
  }
  *out = objects.front().object;
  return true;
}

bool read_single_object(const std::string& path, Value* out, std::string* error, const ParsedYamlFiles* parsed) {
  std::vector<SourcedObject> objects;
  return read_objects_file(path, &objects, error, parsed) && single_object(objects, path, out, error);
}

// Every object of `path`, at least one.
bool read_all_objects(const std::string& path, std::vector<Value>* out, std::string* error,
                      const ParsedYamlFiles* parsed) {
  std::vector<SourcedObject> objects;
  if (!read_objects_file(path, &objects, error, parsed)) return false;
  if (objects.empty()) {
    *error = "missing objects: path \"" + path + "\" defines no YAML objects";
    return false;
  }
  for (SourcedObject& o : objects) out->push_back(std::move(o.object));
  return true;
}

bool holds_admission_policy(const std::vector<SourcedObject>& objects) {
  for (const SourcedObject& o : objects) {
    if (is_admission_policy_object(o.object)) return true;
  }
  return false;
}

// A case's result in the making: its time, and its first error makes it fail.
class CaseRun {
 public:
  explicit CaseRun(const std::string& name) { result_.name = name; }
  CaseResult finish(std::string error) {
    if (!error.empty()) {
      result_.status = Status::Failed;
      result_.error = std::move(error);
    }
    result_.seconds = watch_.seconds();
    return result_;
  }

 private:
  Stopwatch watch_;
  CaseResult result_;
};

// A case's object and inventory; gator's error when it has none or they do not read.
std::string read_case(const std::string& suite_dir, const Case& c, Value* object, std::vector<Value>* inventory,
                      const ParsedYamlFiles* parsed) {
  if (c.object.empty()) return "invalid Case: must define object";
  if (c.assertions.empty()) return "invalid Case: assertions must be non-empty";
  std::string error;
  if (!read_single_object(join(suite_dir, c.object), object, &error, parsed)) return error;
  for (const std::string& path : c.inventory) {
    std::vector<SourcedObject> objects;
    if (!read_objects_file(join(suite_dir, path), &objects, &error, parsed)) return error;
    for (auto& o : objects) inventory->push_back(std::move(o.object));
  }
  return {};
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) {
    if (!out.empty()) out += "; ";
    out += e;
  }
  return out;
}

}  // namespace

const char* status_name(Status status) {
  switch (status) {
    case Status::Passed: return "passed";
    case Status::Failed: return "failed";
    case Status::Skipped: return "skipped";
  }
  return "passed";
}

SuiteResult Verifier::run(const Suite& suite) const {
  Stopwatch watch;
  SuiteResult result;
  result.path = suite.display_path;
  if (suite.skip) {
    result.status = Status::Skipped;
    result.skip_reason = "suite has skip: true";
    return result;
  }
  std::string suite_dir = fs::path(suite.file_path).parent_path().string();
  bool ran = false;
  std::string unsupported_reason;
  for (const Test& test : suite.tests) {
    TestResult t = run_test(suite_dir, test);
    if (t.status == Status::Failed) result.status = Status::Failed;
    if (t.unsupported && unsupported_reason.empty()) unsupported_reason = t.skip_reason;
    if (t.status != Status::Skipped) ran = true;
    result.tests.push_back(std::move(t));
  }
  if (result.status != Status::Failed && !ran && !unsupported_reason.empty()) {
    result.status = Status::Skipped;
    result.skip_reason = unsupported_reason;
  }
  result.seconds = watch.seconds();
  return result;
}

TestResult Verifier::run_test(const std::string& suite_dir, const Test& test) const {
  Stopwatch watch;
  TestResult result;
  result.name = test.name;
  if (test.skip || !filter_.matches_test(test)) {
    result.status = Status::Skipped;
    result.skip_reason = test.skip ? "skip: true" : "not selected by --run";
    return result;
  }
  auto fail = [&](std::string error) {
    result.status = Status::Failed;
    result.error = std::move(error);
    result.seconds = watch.seconds();
    return result;
  };

  // The admission-policy form: `policy`, or a template file holding an admission policy.
  auto admission_policy_test = [&] {
    TestResult admission = run_admission_policy_test(suite_dir, test);
    admission.seconds = watch.seconds();
    return admission;
  };
  if (!test.policy_path.empty()) return admission_policy_test();
  if (test.template_path.empty()) return fail("invalid Suite: missing template");
  std::string template_file = join(suite_dir, test.template_path);
  std::vector<SourcedObject> template_objects;
  std::string error;
  if (!read_objects_file(template_file, &template_objects, &error, parsed_)) return fail(error);
  if (holds_admission_policy(template_objects)) return admission_policy_test();
  Value constraint_template;
  if (!single_object(template_objects, template_file, &constraint_template, &error)) return fail(error);
  GroupVersionKind template_gvk = gvk_of(constraint_template);
  if (template_gvk.group != "templates.gatekeeper.sh" || template_gvk.kind != "ConstraintTemplate") {
    return fail("not a ConstraintTemplate: " + join(suite_dir, test.template_path));
  }
  if (test.constraint_path.empty()) return fail("invalid Suite: missing constraint");
  Value constraint;
  if (!read_single_object(join(suite_dir, test.constraint_path), &constraint, &error, parsed_)) return fail(error);
  if (gvk_of(constraint).group != "constraints.gatekeeper.sh") {
    return fail("not a Constraint: " + join(suite_dir, test.constraint_path));
  }

  std::vector<Value> policies = {constraint_template, constraint};
  if (!test.expansion_path.empty()) {
    Value expansion_template;
    if (!read_single_object(join(suite_dir, test.expansion_path), &expansion_template, &error, parsed_)) {
      return fail(error);
    }
    GroupVersionKind gvk = gvk_of(expansion_template);
    if (gvk.group != "expansion.gatekeeper.sh" || gvk.kind != "ExpansionTemplate") {
      return fail("not an Expansion Template: " + join(suite_dir, test.expansion_path));
    }
    policies.push_back(std::move(expansion_template));
  }

  std::vector<std::string> schema_errors = validate_constraint_parameters(constraint_template, constraint);
  if (test.invalid) {
    // The schema is checked without the engine, so this holds for any template language.
    if (schema_errors.empty()) {
      return fail("constraint should have failed schema validation: got error <nil> but want schema validation error");
    }
    result.seconds = watch.seconds();
    return result;
  }
  if (!schema_errors.empty()) return fail("adding constraint: " + joined(schema_errors));

  EngineBuild engine = factory_(policies, {});
  if (!engine.unsupported.empty()) {
    result.status = Status::Skipped;
    result.unsupported = true;
    result.skip_reason = engine.unsupported.front();
    for (const Case& c : test.cases) {
      result.cases.push_back(CaseResult{c.name, Status::Skipped, "", result.skip_reason, 0});
    }
    result.seconds = watch.seconds();
    return result;
  }
  if (!engine.errors.empty()) return fail("adding template: " + describe_errors(engine.errors));

  if (!engine.policies) return fail("adding template: the policy engine returned no policies");
  // A PolicySet is immutable once built: the cases share it, and no state
  // leaks from one to the next.
  run_cases(test, result, [&](const Case& c) { return run_case(suite_dir, *engine.policies, c); });
  result.seconds = watch.seconds();
  return result;
}

void Verifier::run_cases(const Test& test, TestResult& result,
                         const std::function<CaseResult(const Case&)>& run_one) const {
  for (const Case& c : test.cases) {
    CaseResult case_result;
    if (c.skip || !filter_.matches_case(test.name, c.name)) {
      case_result.name = c.name;
      case_result.status = Status::Skipped;
      case_result.skip_reason = c.skip ? "skip: true" : "not selected by --run";
    } else {
      case_result = run_one(c);
    }
    if (case_result.status == Status::Failed) result.status = Status::Failed;
    result.cases.push_back(std::move(case_result));
  }
}

CaseResult Verifier::run_case(const std::string& suite_dir, const PolicySet& policies, const Case& c) const {
  CaseRun run(c.name);
  auto finish = [&run](std::string error) { return run.finish(std::move(error)); };
  Value object;
  std::vector<Value> inventory;
  if (std::string error = read_case(suite_dir, c, &object, &inventory, parsed_); !error.empty()) return finish(error);

  BuiltReview review = build_gator_review(object, Value::null(), std::move(inventory));
  if (!review.ok()) return finish(review.error);

  // An AdmissionReview is reviewed as a request, without expansion. The
  // resultants are placed as gator's expander places them but reviewed, like
  // the object, without a Namespace (gatekeeper-expansion.md §5.2).
  expansion::ExpansionContext implied;
  if (!is_admission_review(object)) implied.generator = object;
  implied.expansion_namespace = NamespaceContext({}).for_object(object);
  expansion::ExpandedReview expanded = expansion::review_with_expansion(policies, review.input, implied);
  if (!expanded.expand_error.empty()) {
    std::string name(object["metadata"]["name"].string_or(""));
    return finish("expanding resource " + name + ": error expanding resource " + name + ": " + expanded.expand_error);
  }
  if (!expanded.review_error.empty()) return finish(expanded.review_error);
  const Decision& decision = expanded.decision;
  if (decision.code == 500 && decision.results.empty()) return finish("reviewing object: " + decision.message);
  if (!decision.engine_disagreements.empty()) {
    std::string lines;
    for (const std::string& d : decision.engine_disagreements) lines += "\n  " + d;
    return finish("Rego and CEL disagree:" + lines);
  }

  for (const Assertion& assertion : c.assertions) {
    std::string failure = check_assertion(assertion, decision.results);
    if (!failure.empty()) return finish(failure);
  }
  return finish({});
}

TestResult Verifier::run_admission_policy_test(const std::string& suite_dir, const Test& test) const {
  TestResult result;
  result.name = test.name;
  auto fail = [&](std::string error) {
    result.status = Status::Failed;
    result.error = std::move(error);
    return result;
  };
  // `policy`, `template` and `constraint` may each name a file of policies,
  // bindings and params.
  std::vector<Value> objects;
  std::string error;
  for (const std::string* path : {&test.policy_path, &test.template_path, &test.constraint_path}) {
    if (!path->empty() && !read_all_objects(join(suite_dir, *path), &objects, &error, parsed_)) return fail(error);
  }
  AdmissionPolicyTest loaded;
  bool any_admission_policy = false;
  for (Value& o : objects) {
    GroupVersionKind gvk = gvk_of(o);
    any_admission_policy = any_admission_policy || (is_admission_policy_object(o) && gvk.kind.find("Binding") == std::string::npos);
    (is_policy_object(o) ? loaded.policies : loaded.params).push_back(std::move(o));
  }
  if (!any_admission_policy) {
    return fail("invalid Suite: no ValidatingAdmissionPolicy or MutatingAdmissionPolicy in " +
                join(suite_dir, test.policy_path.empty() ? test.template_path : test.policy_path));
  }

  loaded.engine = factory_(loaded.policies, loaded.params);
  if (test.invalid) {
    if (loaded.engine.errors.empty()) return fail("policy should have failed validation: got no error");
    return result;
  }
  if (!loaded.engine.errors.empty() || !loaded.engine.policies) {
    return fail("adding policy: " + describe_errors(loaded.engine.errors));
  }
  run_cases(test, result, [&](const Case& c) { return run_admission_policy_case(suite_dir, loaded, c); });
  return result;
}

CaseResult Verifier::run_admission_policy_case(const std::string& suite_dir, const AdmissionPolicyTest& test,
                                               const Case& c) const {
  CaseRun run(c.name);
  auto finish = [&run](std::string error) { return run.finish(std::move(error)); };
  Value object;
  std::vector<Value> inventory;
  if (std::string error = read_case(suite_dir, c, &object, &inventory, parsed_); !error.empty()) return finish(error);
  BuiltReview review = build_gator_review(object, Value::null(), inventory);
  if (!review.ok()) return finish(review.error);

  // The case's inventory holds params too: a case with one gets an engine of its own.
  EngineBuild own;
  const PolicySet* policies = test.engine.policies.get();
  if (!inventory.empty()) {
    std::vector<Value> params = test.params;
    params.insert(params.end(), inventory.begin(), inventory.end());
    own = factory_(test.policies, params);
    if (!own.errors.empty() || !own.policies) return finish("adding policy: " + describe_errors(own.errors));
    policies = own.policies.get();
  }

  // The object is created (an AdmissionReview: its own request), mutated,
  // then validated: Gatekeeper constraints among the policies see it as
  // gator does, the ValidatingAdmissionPolicies as the API server would.
  bool admission_review = is_admission_review(object);
  Value create = admission_review ? as_create_when_unspecified(review.input.request)
                                  : create_request_for_manifest(object, "");
  NamespaceContext namespaces(inventory);
  std::string_view create_namespace = create["namespace"].string_or("");
  Value namespace_object = create_namespace.empty() ? Value::null() : namespaces.named(create_namespace);
  MutationReview mutation = mutate_admission_request(*policies, create, namespace_object);
  if (mutation.outcome == MutationOutcome::Failed) return finish("mutating object: " + mutation.message);
  if (mutation.outcome == MutationOutcome::Mutated) {
    create = value::with_entry(create, "object", mutation.result.object);
    review.input.request = value::with_entry(review.input.request, "object", mutation.result.object);
  }
  Decision decision = policies->validate(review.input);
  if (decision.code == 500 && decision.results.empty()) return finish("reviewing object: " + decision.message);
  ReviewInput admission;
  admission.request = vap::offline_admission_request(create);
  admission.namespace_object = namespace_object;
  admission.inventory = std::move(inventory);
  std::vector<Result> results = std::move(decision.results);
  for (Result& r : policies->admission_policy_results(admission)) results.push_back(std::move(r));

  for (const Assertion& assertion : c.assertions) {
    std::string failure = check_assertion(assertion, results);
    if (!failure.empty()) return finish(failure);
  }
  return finish({});
}

}  // namespace tollgate::policies::gator
