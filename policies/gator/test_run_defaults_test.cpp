// gator test with the real engine: a constraint is reviewed and printed as
// gator defaults it (gatekeeper-expansion.md §8, §9.2).
#include <catch2/catch.hpp>

#include "policies/gator/engine.h"
#include "policies/gator/test_run.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;

namespace {

// The schema is Gatekeeper's own defaulting fixture (gatekeeper-expansion.md S1): `placeholder` is
// its field without a default, which a constraint sets so that it has parameters at all.
const char* kTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabelsdefaults
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabelsDefaults
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels:
              type: array
              default: [{key: aRequiredLabel}]
              items: {type: object, properties: {key: {type: string}}}
            message: {type: string, default: aRequiredMessage}
            placeholder: {type: string}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8srequiredlabelsdefaults
      violation[{"msg": msg}] {
        provided := {label | input.review.object.metadata.labels[label]}
        required := {label | label := input.parameters.labels[_].key}
        missing := required - provided
        count(missing) > 0
        msg := sprintf("%v: missing labels %v", [input.parameters.message, missing])
      }
)";

TestRunReport run(const std::string& constraint_spec) {
  std::string text = std::string(kTemplate) + R"(---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabelsDefaults
metadata:
  name: ns-must-have-label
spec:
)" + constraint_spec + R"(
---
apiVersion: v1
kind: Namespace
metadata:
  name: my-ns
)";
  std::vector<SourcedObject> inputs;
  std::string error;
  REQUIRE(read_objects_text(text, "in.yaml", &inputs, &error));
  return run_gator_test(inputs, {}, build_engine, {});
}

}  // namespace

TEST_CASE("gator test: parameter defaults decide the violation and show in the printed constraint",
          "[gator][parameter_defaults]") {
  TestRunReport report = run("  match: {kinds: [{apiGroups: [''], kinds: [Namespace]}]}\n"
                             "  parameters: {placeholder: placeholder}");
  REQUIRE(report.error.empty());
  REQUIRE(report.violations.size() == 1);
  const ViolationReport& v = report.violations[0];
  CHECK(v.result.message == "aRequiredMessage: missing labels {\"aRequiredLabel\"}");
  CHECK(is_enforced_denial(v.result));
  CHECK(v.constraint["spec"]["enforcementAction"].string_or("") == "deny");
  CHECK(v.constraint["spec"]["parameters"]["message"].string_or("") == "aRequiredMessage");
  CHECK(v.constraint["spec"]["parameters"]["placeholder"].string_or("") == "placeholder");

  // Without `parameters` there is nothing to default: no required label, no violation.
  CHECK(run("  match: {kinds: [{apiGroups: [''], kinds: [Namespace]}]}").violations.empty());
}

TEST_CASE("gator test: an unrecognized enforcementAction reports the violation without failing the run",
          "[gator][enforcement]") {
  TestRunReport report = run("  enforcementAction: foo\n"
                             "  match: {kinds: [{apiGroups: [''], kinds: [Namespace]}]}\n"
                             "  parameters: {}");
  REQUIRE(report.error.empty());
  REQUIRE(report.violations.size() == 1);
  CHECK(report.violations[0].result.enforcement_action == "foo");
  CHECK_FALSE(is_enforced_denial(report.violations[0].result));
  REQUIRE(report.load_warnings.size() == 1);
  CHECK_THAT(report.load_warnings[0],
             Catch::StartsWith("in.yaml:" ) && Catch::Contains("unrecognized enforcementAction: \"foo\""));
}
