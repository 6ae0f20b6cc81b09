#include "policies/gator/verify.h"

#include <chrono>
#include <filesystem>

#include "policies/expansion/expanded_review.h"
#include "policies/gator/assertion.h"
#include "policies/gator/namespace_context.h"
#include "policies/gator/object_reader.h"
#include "policies/gator/parameter_schema.h"
#include "policies/gator/review_builder.h"

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

bool read_single_object(const std::string& path, Value* out, std::string* error) {
  std::vector<SourcedObject> objects;
  if (!read_objects_file(path, &objects, error)) return false;
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

  if (test.template_path.empty()) return fail("invalid Suite: missing template");
  Value constraint_template;
  std::string error;
  if (!read_single_object(join(suite_dir, test.template_path), &constraint_template, &error)) return fail(error);
  GroupVersionKind template_gvk = gvk_of(constraint_template);
  if (template_gvk.group != "templates.gatekeeper.sh" || template_gvk.kind != "ConstraintTemplate") {
    return fail("not a ConstraintTemplate: " + join(suite_dir, test.template_path));
  }
  if (test.constraint_path.empty()) return fail("invalid Suite: missing constraint");
  Value constraint;
  if (!read_single_object(join(suite_dir, test.constraint_path), &constraint, &error)) return fail(error);
  if (gvk_of(constraint).group != "constraints.gatekeeper.sh") {
    return fail("not a Constraint: " + join(suite_dir, test.constraint_path));
  }

  std::vector<Value> policies = {constraint_template, constraint};
  if (!test.expansion_path.empty()) {
    Value expansion_template;
    if (!read_single_object(join(suite_dir, test.expansion_path), &expansion_template, &error)) return fail(error);
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

  EngineBuild engine = factory_(policies);
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

  for (const Case& c : test.cases) {
    CaseResult case_result;
    if (c.skip || !filter_.matches_case(test.name, c.name)) {
      case_result.name = c.name;
      case_result.status = Status::Skipped;
      case_result.skip_reason = c.skip ? "skip: true" : "not selected by --run";
    } else {
      case_result = run_case(suite_dir, policies, c);
    }
    if (case_result.status == Status::Failed) result.status = Status::Failed;
    result.cases.push_back(std::move(case_result));
  }
  result.seconds = watch.seconds();
  return result;
}

CaseResult Verifier::run_case(const std::string& suite_dir, const std::vector<Value>& policies, const Case& c) const {
  Stopwatch watch;
  CaseResult result;
  result.name = c.name;
  auto finish = [&](std::string error) {
    if (!error.empty()) {
      result.status = Status::Failed;
      result.error = std::move(error);
    }
    result.seconds = watch.seconds();
    return result;
  };
  if (c.object.empty()) return finish("invalid Case: must define object");
  if (c.assertions.empty()) return finish("invalid Case: assertions must be non-empty");

  std::string error;
  Value object;
  if (!read_single_object(join(suite_dir, c.object), &object, &error)) return finish(error);
  std::vector<Value> inventory;
  for (const std::string& path : c.inventory) {
    std::vector<SourcedObject> objects;
    if (!read_objects_file(join(suite_dir, path), &objects, &error)) return finish(error);
    for (auto& o : objects) inventory.push_back(std::move(o.object));
  }

  BuiltReview review = build_gator_review(object, Value::null(), std::move(inventory));
  if (!review.ok()) return finish(review.error);

  // Each case gets an engine of its own, so no state leaks between cases.
  EngineBuild engine = factory_(policies);
  if (!engine.errors.empty() || !engine.policies) return finish("adding template: " + describe_errors(engine.errors));
  // An AdmissionReview is reviewed as a request, without expansion. The
  // resultants are placed as gator's expander places them but reviewed, like
  // the object, without a Namespace (gatekeeper-expansion.md §5.2).
  expansion::ExpansionContext implied;
  if (!is_admission_review(object)) implied.generator = object;
  implied.expansion_namespace = NamespaceContext({}).for_object(object);
  expansion::ExpandedReview expanded = expansion::review_with_expansion(*engine.policies, review.input, implied);
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

}  // namespace tollgate::policies::gator
