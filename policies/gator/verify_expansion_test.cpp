// gator verify with a test's `expansion` ExpansionTemplate
// (gatekeeper-expansion.md §5.2, §10 case 32): the case object's resultants
// are reviewed too and their results, prefixed `[Implied by <template>]`,
// count for the assertions.
#include <catch2/catch.hpp>

#include "policies/gator/test_support.h"
#include "policies/gator/verify.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::TempTree;

namespace {

const char* kTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sforbiddencustomfield
spec:
  crd:
    spec:
      names:
        kind: K8sForbiddenCustomField
      validation:
        openAPIV3Schema:
          type: object
          properties:
            expectedCustomField:
              type: boolean
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8sforbiddencustomfield
      violation[{"msg": msg}] {
        input.review.object.spec.customField == input.parameters.expectedCustomField
        msg := sprintf("foo object has restricted custom field value of %v", [input.review.object.spec.customField])
      }
)";

// Foo objects in namespace default: the resultant has no namespace and no
// Namespace beside it in verify, so the criterion cannot disqualify it.
const char* kConstraint = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sForbiddenCustomField
metadata:
  name: forbid-custom-field
spec:
  match:
    namespaces: ["default"]
    kinds:
    - apiGroups: [""]
      kinds: ["Foo"]
  parameters:
    expectedCustomField: true
)";

const char* kExpansion = R"(apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata:
  name: expand-foo
spec:
  applyTo:
  - groups: ["apps"]
    kinds: ["FooTemplate"]
    versions: ["v1"]
  templateSource: "spec.template"
  generatedGVK:
    kind: "Foo"
    group: ""
    version: "v1"
)";

const char* kFooTemplate = R"(apiVersion: apps/v1
kind: FooTemplate
metadata:
  name: foo-template
spec:
  template:
    spec:
      customField: true
)";

const char* kSuite = R"(kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
- name: with-expansion
  template: template.yaml
  constraint: constraint.yaml
  expansion: expansion.yaml
  cases:
  - name: implied
    object: foo-template.yaml
    assertions:
    - violations: 1
      message: "^\\[Implied by expand-foo\\] foo object has restricted custom field value of true$"
- name: without-expansion
  template: template.yaml
  constraint: constraint.yaml
  cases:
  - name: nothing-implied
    object: foo-template.yaml
    assertions:
    - violations: no
- name: expansion-is-not-an-expansion-template
  template: template.yaml
  constraint: constraint.yaml
  expansion: constraint.yaml
  cases:
  - name: never-runs
    object: foo-template.yaml
    assertions:
    - violations: no
)";

SuiteResult run_suite(const TempTree& tree) {
  std::vector<Suite> suites;
  std::string error;
  REQUIRE(read_suites(tree.path("suite.yaml"), &suites, &error));
  REQUIRE(suites.size() == 1);
  RunFilter filter;
  REQUIRE(RunFilter::parse("", &filter, &error));
  return Verifier(filter).run(suites[0]);
}

}  // namespace

TEST_CASE("gator verify counts the results of what the case object implies", "[gator][verify][expansion]") {
  TempTree tree;
  tree.write("template.yaml", kTemplate);
  tree.write("constraint.yaml", kConstraint);
  tree.write("expansion.yaml", kExpansion);
  tree.write("foo-template.yaml", kFooTemplate);
  tree.write("suite.yaml", kSuite);
  SuiteResult result = run_suite(tree);
  REQUIRE(result.tests.size() == 3);
  for (size_t i = 0; i < 2; ++i) {
    const TestResult& t = result.tests[i];
    INFO(t.name << ": " << t.error << (t.cases.empty() ? "" : t.cases[0].error));
    CHECK(t.status == Status::Passed);
    REQUIRE(t.cases.size() == 1);
    CHECK(t.cases[0].status == Status::Passed);
  }
  const TestResult& wrong = result.tests[2];
  CHECK(wrong.status == Status::Failed);
  CHECK(wrong.error == "not an Expansion Template: " + tree.path("constraint.yaml"));
}
