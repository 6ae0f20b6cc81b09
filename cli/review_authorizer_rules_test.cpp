// `tollgate review --authorizer-rules`: the policies' authorizer checks
// answered from allow rules instead of "no opinion".
#include <catch2/catch.hpp>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"

namespace tollgate::cli {
namespace {

using policies::gator::testing::TempTree;
using testing::run;

constexpr const char* kAuthorizedPolicy = R"y(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods]}]}
  validations:
  - expression: "authorizer.group('').resource('pods').namespace(request.namespace).check('create').allowed()"
    message: not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p, validationActions: [Deny]}
)y";

constexpr const char* kPodRequest = R"({"uid": "u1", "operation": "CREATE",
  "kind": {"group": "", "version": "v1", "kind": "Pod"}, "resource": {"group": "", "version": "v1", "resource": "pods"},
  "name": "p1", "namespace": "default", "userInfo": {"username": "alice", "groups": ["devs"]},
  "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "namespace": "default"}}})";

TEST_CASE("review answers authorizer checks from --authorizer-rules, and no opinion without them", "[vap]") {
  TempTree tree;
  tree.write("policies/p.yaml", kAuthorizedPolicy);
  tree.write("request.json", kPodRequest);
  tree.write("rules.yaml", "- {groups: [devs], verbs: [create], apiGroups: [''], resources: [pods], namespaces: [default]}\n");
  auto without = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies")});
  CHECK(without.code == 1);
  CHECK(without.out.find("denied request: not allowed") != std::string::npos);
  auto with = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"),
                   "--authorizer-rules", tree.path("rules.yaml")});
  INFO(with.err);
  CHECK(with.code == 0);
}

TEST_CASE("review refuses malformed authorizer rules", "[vap]") {
  TempTree tree;
  tree.write("policies/p.yaml", kAuthorizedPolicy);
  tree.write("request.json", kPodRequest);
  tree.write("rules.yaml", "- {verbs: create}\n");
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"), "--authorizer-rules",
                tree.path("rules.yaml")});
  CHECK(r.code == 2);
  CHECK(r.err.find("authorizer rule 0: verbs must be a list of strings") != std::string::npos);
}

}  // namespace
}  // namespace tollgate::cli
