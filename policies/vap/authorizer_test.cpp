// The `authorizer` of ValidatingAdmissionPolicy expressions (§2.5): which
// questions reach the pluggable Authorizer, what its answers read as, where
// it is bound, and what a check costs.
#include <catch2/catch.hpp>

#include "policies/vap/vap_test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;
using value::Value;

using testing::NoNamespaces;

// Allows what its rule allows, records every question it was asked.
class RecordingAuthorizer final : public cel::Authorizer {
 public:
  cel::AuthorizationDecision authorize(const cel::AuthorizationAttributes& q) const override {
    std::string line = q.user->name + " " + q.verb + " ";
    line += q.resource_request ? q.api_group + "/" + q.api_version + "/" + q.resource + "/" + q.subresource + " " +
                                     q.namespace_name + "/" + q.name + " fs=" + q.field_selector +
                                     " ls=" + q.label_selector
                               : "path " + q.path;
    asked.push_back(line);
    cel::AuthorizationDecision d;
    if (q.user->name == "alice" && q.verb == "create") {
      d.kind = cel::AuthorizationDecision::Kind::Allow;
      d.reason = "alice may create";
    } else if (q.verb == "explode") {
      d.error = "webhook authorizer unreachable";
    } else {
      d.kind = cel::AuthorizationDecision::Kind::Deny;
      d.reason = "denied by rule";
    }
    return d;
  }
  mutable std::vector<std::string> asked;
};

std::shared_ptr<const ValidatingPolicyEngine> engine(std::string_view spec,
                                                     std::shared_ptr<const cel::Authorizer> authorizer) {
  std::string objects = std::string(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods, pods/status]}]}
)") + std::string(spec) + R"(
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p, validationActions: [Deny]}
)";
  ValidatingPolicyEngine::Options options;
  options.authorizer = std::move(authorizer);
  return testing::engine_from_yaml(objects, {}, options);
}

const char* kPodStatusUpdate = R"({operation: UPDATE, kind: {group: "", version: v1, kind: Pod},
  resource: {group: "", version: v1, resource: pods}, subResource: status, name: p1, namespace: team-a,
  userInfo: {username: alice, groups: [devs]},
  object: {apiVersion: v1, kind: Pod, metadata: {name: p1, namespace: team-a}},
  oldObject: {apiVersion: v1, kind: Pod, metadata: {name: p1, namespace: team-a}}})";

std::string denial(std::string_view message) {
  return "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: " + std::string(message);
}

TEST_CASE("Without an authorizer every check answers no opinion: not allowed, no reason, no error", "[vap]") {
  auto e = engine(R"y(  validations:
  - {expression: "authorizer.group('').resource('pods').check('create').allowed()", message: not allowed}
  - {expression: "authorizer.path('/healthz').check('get').reason() == '' && !authorizer.requestResource.check('get').errored()"}
  - {expression: "authorizer.requestResource.check('get').error() == ''"})y",
                  nullptr);
  VapOutcome out = e->evaluate(yaml(kPodStatusUpdate), NoNamespaces());
  CHECK_FALSE(out.allowed);
  CHECK(out.message == denial("not allowed"));
}

TEST_CASE("A resource check asks the authorizer for every version of what the builder named", "[vap]") {
  auto authorizer = std::make_shared<RecordingAuthorizer>();
  auto e = engine(R"y(  validations:
  - expression: >-
      authorizer.group('apps').resource('deployments').subresource('scale').namespace('team-a').name('web')
      .fieldSelector('metadata.name=web').labelSelector('app=web').check('create').allowed()
  - expression: "authorizer.requestResource.check('create').reason() == 'alice may create'"
  - expression: "!authorizer.path('/metrics').check('get').allowed()")y",
                  authorizer);
  VapOutcome out = e->evaluate(yaml(kPodStatusUpdate), NoNamespaces());
  CHECK(out.allowed);
  CHECK(authorizer->asked == std::vector<std::string>{
                                 "alice create apps/*/deployments/scale team-a/web fs=metadata.name=web ls=app=web",
                                 "alice create /*/pods/status team-a/p1 fs= ls=",
                                 "alice get path /metrics",
                             });
}

TEST_CASE("serviceAccount switches the principal to the account's user, and refuses bad names", "[vap]") {
  auto authorizer = std::make_shared<RecordingAuthorizer>();
  auto e = engine(R"y(  validations:
  - {expression: "!authorizer.serviceAccount('kube-system', 'builder').group('').resource('pods').check('create').allowed()"}
  - {expression: "authorizer.serviceAccount('Bad_NS', 'builder').path('/x').check('get').allowed()"})y",
                  authorizer);
  VapOutcome out = e->evaluate(yaml(kPodStatusUpdate), NoNamespaces());
  REQUIRE(authorizer->asked.size() == 1);
  CHECK(authorizer->asked[0].starts_with("system:serviceaccount:kube-system:builder create "));
  CHECK(out.message ==
        denial("expression 'authorizer.serviceAccount('Bad_NS', 'builder').path('/x').check('get').allowed()' "
               "resulted in error: Invalid service account namespace"));
}

TEST_CASE("An authorizer error reads through errored() and error()", "[vap]") {
  auto e = engine(R"y(  validations:
  - {expression: "authorizer.requestResource.check('explode').error() == 'webhook authorizer unreachable' && authorizer.requestResource.check('explode').errored()"})y",
                  std::make_shared<RecordingAuthorizer>());
  CHECK(e->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).allowed);
}

TEST_CASE("An empty path or resource is an evaluation error", "[vap]") {
  auto e = engine(R"y(  validations:
  - {expression: "authorizer.group('').resource(' ').check('get').allowed()"})y",
                  nullptr);
  CHECK(e->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).message ==
        denial("expression 'authorizer.group('').resource(' ').check('get').allowed()' resulted in error: "
               "resource must not be empty"));
}

TEST_CASE("The same question is asked once per request", "[vap]") {
  auto authorizer = std::make_shared<RecordingAuthorizer>();
  auto e = engine(R"y(  validations:
  - {expression: "authorizer.requestResource.check('create').allowed()"}
  - {expression: "authorizer.group('').resource('pods').subresource('status').namespace('team-a').name('p1').check('create').allowed()"})y",
                  authorizer);
  CHECK(e->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).allowed);
  CHECK(authorizer->asked.size() == 1);
  CHECK(e->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).allowed);
  CHECK(authorizer->asked.size() == 2);
}

TEST_CASE("A check costs 350,000: a third one in one expression exceeds the per-call limit", "[vap]") {
  auto e = engine(R"y(  validations:
  - {expression: "[1, 2, 3].all(i, !authorizer.path('/p' + string(i)).check('get').allowed())"})y",
                  nullptr);
  CHECK(e->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).message.ends_with(
      "resulted in error: operation cancelled: actual cost limit exceeded"));
  auto two = engine(R"y(  validations:
  - {expression: "[1, 2].all(i, !authorizer.path('/p' + string(i)).check('get').allowed())"})y",
                    nullptr);
  CHECK(two->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).allowed);
}

TEST_CASE("Audit annotations declare authorizer but have none bound", "[vap]") {
  auto e = engine(R"y(  validations: [{expression: "true"}]
  auditAnnotations:
  - {key: who, valueExpression: "authorizer.path('/x').check('get').reason()"})y",
                  nullptr);
  VapOutcome out = e->evaluate(yaml(kPodStatusUpdate), NoNamespaces());
  CHECK(out.message == denial("expression 'authorizer.path('/x').check('get').reason()' resulted in error: "
                              "no such attribute(s): authorizer"));
}

TEST_CASE("A message expression cannot name authorizer: the static message is used", "[vap]") {
  auto e = engine(R"y(  validations:
  - {expression: "false", message: static, messageExpression: "authorizer.path('/x').check('get').reason()"})y",
                  nullptr);
  CHECK(e->evaluate(yaml(kPodStatusUpdate), NoNamespaces()).message == denial("static"));
}

}  // namespace
}  // namespace tollgate::policies::vap
