#include "policies/gator/verify.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "policies/gator/test_support.h"
#include "policies/gator/verify_report.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::deny_result;
using tollgate::policies::gator::testing::FakePolicySet;
using tollgate::policies::gator::testing::TempTree;

namespace {

const char* kTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8stest
spec:
  crd:
    spec:
      names:
        kind: K8sTest
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels:
              type: array
              items:
                type: string
  targets:
  - target: admission.k8s.gatekeeper.sh
)";

const char* kConstraint = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sTest
metadata:
  name: test-constraint
spec:
  parameters:
    labels: ["owner"]
)";

const char* kBadConstraint = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sTest
metadata:
  name: bad
spec:
  parameters:
    labels: "owner"
)";

// An object whose review yields one deny result per "|"-separated message in
// its `messages` annotation.
std::string object_with(const std::string& messages) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    messages: \"" + messages + "\"\n";
}

std::vector<Result> results_from_annotation(const ReviewInput& input) {
  std::vector<Result> out;
  std::string_view messages = input.request["object"]["metadata"]["annotations"]["messages"].string_or("");
  while (!messages.empty()) {
    size_t bar = messages.find('|');
    out.push_back(deny_result(std::string(messages.substr(0, bar))));
    messages = bar == std::string_view::npos ? std::string_view() : messages.substr(bar + 1);
  }
  return out;
}

struct CountingFactory {
  int* builds;
  EngineBuild operator()(const std::vector<Value>& objects, const std::vector<Value>&) const {
    ++*builds;
    EngineBuild b;
    b.policies = std::make_shared<FakePolicySet>(results_from_annotation);
    return b;
  }
};

EngineBuild unsupported_engine(const std::vector<Value>&, const std::vector<Value>&) {
  EngineBuild b;
  b.policies = std::make_shared<FakePolicySet>(results_from_annotation);
  b.unsupported.push_back("template k8stest: Rego engine not available");
  return b;
}

void write_fixture(const TempTree& tree) {
  tree.write("s/template.yaml", kTemplate);
  tree.write("s/constraint.yaml", kConstraint);
  tree.write("s/bad-constraint.yaml", kBadConstraint);
  tree.write("s/clean.yaml", object_with(""));
  tree.write("s/two.yaml", object_with("missing owner|missing team"));
  tree.write("s/suite.yaml", R"(kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
- name: labels
  template: template.yaml
  constraint: constraint.yaml
  cases:
  - name: clean-object
    object: clean.yaml
    assertions:
    - violations: no
  - name: two-violations
    object: two.yaml
    assertions:
    - violations: 2
    - message: owner
      violations: 1
  - name: wrong-expectation
    object: clean.yaml
    assertions:
    - violations: yes
  - name: skipped-case
    skip: true
    object: clean.yaml
    assertions:
    - violations: yes
- name: bad-params
  template: template.yaml
  constraint: bad-constraint.yaml
  invalid: true
- name: good-params-said-invalid
  template: template.yaml
  constraint: constraint.yaml
  invalid: true
)");
}

Suite read_one(const std::string& path) {
  std::vector<Suite> suites;
  std::string error;
  REQUIRE(read_suites(path, &suites, &error));
  REQUIRE(suites.size() == 1);
  return suites.front();
}

RunFilter filter(const std::string& text) {
  RunFilter f;
  std::string error;
  REQUIRE(RunFilter::parse(text, &f, &error));
  return f;
}

}  // namespace

TEST_CASE("verify runs cases, checks assertions and reports failures", "[gator][verify]") {
  TempTree tree;
  write_fixture(tree);
  int builds = 0;
  Verifier verifier(filter(""), CountingFactory{&builds});
  SuiteResult result = verifier.run(read_one(tree.path("s/suite.yaml")));

  CHECK(result.status == Status::Failed);
  REQUIRE(result.tests.size() == 3);
  const TestResult& labels = result.tests[0];
  CHECK(labels.status == Status::Failed);
  REQUIRE(labels.cases.size() == 4);
  CHECK(labels.cases[0].status == Status::Passed);
  CHECK(labels.cases[1].status == Status::Passed);
  CHECK(labels.cases[2].status == Status::Failed);
  CHECK(labels.cases[2].error ==
        "unexpected number of violations: got 0 violations but want at least 1: got messages []");
  CHECK(labels.cases[3].status == Status::Skipped);
  // One engine per test, shared by its cases (a PolicySet is immutable).
  CHECK(builds == 1);

  CHECK(result.tests[1].status == Status::Passed);  // invalid constraint, as declared
  CHECK(result.tests[2].status == Status::Failed);
  CHECK(result.tests[2].error.rfind("constraint should have failed schema validation", 0) == 0);

  VerifyTotals totals = count_results({result});
  CHECK(totals.cases.passed == 2);
  CHECK(totals.cases.failed == 1);
  CHECK(totals.cases.skipped == 1);
  CHECK(totals.suites.failed == 1);
}

TEST_CASE("verify output is gator's go-test text", "[gator][verify]") {
  TempTree tree;
  write_fixture(tree);
  int builds = 0;
  Verifier verifier(filter("labels//wrong"), CountingFactory{&builds});
  Suite suite = read_one(tree.path("s/suite.yaml"));
  suite.display_path = "s/suite.yaml";
  std::string text = format_verify_text({verifier.run(suite)}, false);
  // Durations vary; compare the shape line by line around them.
  CHECK(text.rfind("    --- FAIL: wrong-expectation\t(0.0", 0) == 0);
  CHECK(text.find("s)\n        unexpected number of violations: got 0 violations but want at least 1: got messages []\n"
                  "--- FAIL: labels\t(0.0") != std::string::npos);
  CHECK(text.find("\nFAIL\ts/suite.yaml\t0.0") != std::string::npos);
  CHECK(text.size() >= 5);
  CHECK(text.substr(text.size() - 5) == "FAIL\n");
  CHECK(text.find("clean-object") == std::string::npos);  // filtered out
}

TEST_CASE("the --run filter selects tests and cases", "[gator][verify]") {
  TempTree tree;
  write_fixture(tree);
  int builds = 0;
  Verifier verifier(filter("two-violations"), CountingFactory{&builds});
  SuiteResult result = verifier.run(read_one(tree.path("s/suite.yaml")));
  CHECK(result.status == Status::Passed);
  REQUIRE(result.tests.size() == 3);
  CHECK(result.tests[0].cases[1].status == Status::Passed);
  CHECK(result.tests[0].cases[0].status == Status::Skipped);
  CHECK(result.tests[0].cases[2].status == Status::Skipped);
  CHECK(result.tests[1].status == Status::Skipped);
  CHECK(builds == 1);
}

TEST_CASE("a template the engine cannot run skips its cases, never passes them", "[gator][verify]") {
  TempTree tree;
  write_fixture(tree);
  tree.write("u/template.yaml", kTemplate);
  tree.write("u/constraint.yaml", kConstraint);
  tree.write("u/clean.yaml", object_with(""));
  tree.write("u/suite.yaml", R"(kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
- name: rego-only
  template: template.yaml
  constraint: constraint.yaml
  cases:
  - name: would-pass
    object: clean.yaml
    assertions:
    - violations: no
)");
  Verifier verifier(filter(""), unsupported_engine);
  Suite suite = read_one(tree.path("u/suite.yaml"));
  suite.display_path = "u/suite.yaml";
  SuiteResult result = verifier.run(suite);
  CHECK(result.status == Status::Skipped);
  CHECK(result.skip_reason == "template k8stest: Rego engine not available");
  REQUIRE(result.tests.size() == 1);
  CHECK(result.tests[0].status == Status::Skipped);
  REQUIRE(result.tests[0].cases.size() == 1);
  CHECK(result.tests[0].cases[0].status == Status::Skipped);

  VerifyTotals totals = count_results({result});
  CHECK(totals.suites.skipped == 1);
  CHECK(totals.suites.passed == 0);
  CHECK(totals.cases.skipped == 1);
  CHECK(totals.cases.passed == 0);
  CHECK(format_verify_text({result}, false) ==
        "skip\tu/suite.yaml\t(template k8stest: Rego engine not available)\nPASS\n");
  CHECK(format_verify_text({result}, true) ==
        "=== SKIP  rego-only\n    template k8stest: Rego engine not available\n"
        "skip\tu/suite.yaml\t(template k8stest: Rego engine not available)\nPASS\n");
}

TEST_CASE("case setup errors fail the case with gator's text", "[gator][verify]") {
  TempTree tree;
  write_fixture(tree);
  tree.write("s/two-objects.yaml", object_with("") + "---\n" + object_with(""));
  tree.write("s/setup.yaml", R"(kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
- name: setup
  template: template.yaml
  constraint: constraint.yaml
  cases:
  - name: no-object
    assertions: [{violations: no}]
  - name: no-assertions
    object: clean.yaml
  - name: two-objects
    object: two-objects.yaml
    assertions: [{violations: no}]
  - name: missing-file
    object: nowhere.yaml
    assertions: [{violations: no}]
- name: no-template
  constraint: constraint.yaml
)");
  int builds = 0;
  SuiteResult result = Verifier(filter(""), CountingFactory{&builds}).run(read_one(tree.path("s/setup.yaml")));
  REQUIRE(result.tests.size() == 2);
  const auto& cases = result.tests[0].cases;
  REQUIRE(cases.size() == 4);
  CHECK(cases[0].error == "invalid Case: must define object");
  CHECK(cases[1].error == "invalid Case: assertions must be non-empty");
  CHECK(cases[2].error.rfind("object file must contain exactly one object: ", 0) == 0);
  CHECK(cases[3].status == Status::Failed);
  CHECK(result.tests[1].error == "invalid Suite: missing template");
}

TEST_CASE("the JSON summary counts suites, tests and cases", "[gator][verify]") {
  TempTree tree;
  write_fixture(tree);
  int builds = 0;
  Suite suite = read_one(tree.path("s/suite.yaml"));
  suite.display_path = "s/suite.yaml";
  SuiteResult result = Verifier(filter(""), CountingFactory{&builds}).run(suite);
  auto json = nlohmann::json::parse(format_verify_json({result}));
  CHECK(json["suites"] == nlohmann::json::parse(R"({"passed":0,"failed":1,"skipped":0})"));
  CHECK(json["cases"] == nlohmann::json::parse(R"({"passed":2,"failed":1,"skipped":1})"));
  CHECK(json["results"][0]["path"] == "s/suite.yaml");
  CHECK(json["results"][0]["tests"][0]["cases"][2]["status"] == "failed");
  CHECK(json["results"][0]["tests"][0]["cases"][3]["reason"] == "skip: true");
}
