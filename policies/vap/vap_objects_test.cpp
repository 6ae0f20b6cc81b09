#include "policies/vap/vap_objects.h"

#include <catch2/catch.hpp>
#include <memory>

#include "policies/test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;

// Parses the first document of `text` with its source locations.
struct Parsed {
  std::vector<LoadError> errors;
  std::optional<ValidatingAdmissionPolicy> policy;
  std::optional<ValidatingAdmissionPolicyBinding> binding;
};

Parsed parse(std::string_view text) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  REQUIRE(value::parse_yaml(text, &docs, &error));
  ObjectOrigin origin("p.yaml", std::make_shared<const value::SourceMap>(std::move(docs.front().locations)));
  Parsed out;
  ParseContext ctx(origin, out.errors);
  if (is_validating_policy(docs.front().value)) out.policy = parse_validating_policy(docs.front().value, ctx);
  if (is_validating_policy_binding(docs.front().value)) {
    out.binding = parse_validating_policy_binding(docs.front().value, ctx);
  }
  return out;
}

TEST_CASE("A ValidatingAdmissionPolicy loads with the API server's defaults", "[vap]") {
  Parsed p = parse(R"(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
  validations: [{expression: "object.spec.replicas <= 5"}]
)");
  REQUIRE(p.errors.empty());
  REQUIRE(p.policy);
  CHECK(p.policy->failure_policy == "Fail");
  REQUIRE(p.policy->match_constraints);
  CHECK(p.policy->match_constraints->match_policy == "Equivalent");
  CHECK(p.policy->match_constraints->namespace_selector.empty);
  CHECK(p.policy->match_constraints->resource_rules.at(0).scope == "*");
}

TEST_CASE("A binding with both Deny and Warn is refused with the API server's message at its line", "[vap]") {
  Parsed p = parse(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec:
  policyName: demo
  validationActions: [Deny, Warn]
)");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() ==
        "p.yaml:6:3: ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io \"b\" is invalid: "
        "spec.validationActions: Invalid value: []string{...}: must not contain both Deny and Warn (repeating the "
        "same validation failure information in the API response and headers serves no purpose)");
}

TEST_CASE("A policy without matchConstraints or validations is refused field by field", "[vap]") {
  Parsed p = parse(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  failurePolicy: Sometimes
)");
  std::vector<std::string> texts;
  for (const LoadError& e : p.errors) texts.push_back(e.message);
  std::string prefix = "ValidatingAdmissionPolicy.admissionregistration.k8s.io \"p\" is invalid: ";
  CHECK(texts == std::vector<std::string>{
                     prefix + "spec.failurePolicy: Unsupported value: \"Sometimes\": supported values: \"Fail\", \"Ignore\"",
                     prefix + "spec.matchConstraints: Required value",
                     prefix + "spec.validations: Required value: validations or auditAnnotations must contain at least one item",
                     prefix + "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item"});
}

TEST_CASE("A paramRef needs exactly one of name and selector", "[vap]") {
  Parsed p = parse(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec:
  policyName: demo
  validationActions: [Deny]
  paramRef: {name: x, selector: {}, parameterNotFoundAction: Deny}
)");
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].message.ends_with("spec.paramRef.name: Forbidden: name and selector are mutually exclusive"));
  CHECK(p.errors[1].message.ends_with("spec.paramRef.selector: Forbidden: name and selector are mutually exclusive"));
}

}  // namespace
}  // namespace tollgate::policies::vap
