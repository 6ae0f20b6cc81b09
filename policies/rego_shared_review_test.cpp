// Constraints of one Rego template share what reads the review alone
// (rules/rego/eval/shared_memo.h); each still answers with its own parameters.
#include <catch2/catch.hpp>

#include <algorithm>

#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::testing;
using tollgate::value::Value;

TEST_CASE("constraints of one Rego template each report their own missing labels on one review", "[policies]") {
  std::vector<Value> objects = yaml_all(R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srequiredlabels}
spec:
  crd: {spec: {names: {kind: K8sRequiredLabels}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        violation[{"msg": msg}] {
          provided := {label | input.review.object.metadata.labels[label]}
          required := {label | label := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("%v missing %v", [input.review.object.metadata.name, missing])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: needs-owner}
spec: {parameters: {labels: [owner]}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: needs-team}
spec: {parameters: {labels: [team, owner]}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: needs-app}
spec: {parameters: {labels: [app]}}
)");
  LoadOptions options;
  options.engine = EnginePreference::Rego;
  LoadResult loaded = PolicySet::from_objects(objects, options);
  REQUIRE(loaded.errors.empty());
  auto review = [&](const char* pod) {
    ReviewInput input;
    input.request = admission_request_for_object(yaml(pod), "CREATE");
    std::vector<std::string> lines;
    for (const Result& r : loaded.policies->validate(input).results) lines.push_back(r.constraint_name + ": " + r.message);
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  CHECK(review("{apiVersion: v1, kind: Pod, metadata: {name: p, labels: {owner: me}}}") ==
        std::vector<std::string>{"needs-app: p missing {\"app\"}", "needs-team: p missing {\"team\"}"});
  CHECK(review("{apiVersion: v1, kind: Pod, metadata: {name: q, labels: {app: a, team: t}}}") ==
        std::vector<std::string>{"needs-owner: q missing {\"owner\"}", "needs-team: q missing {\"owner\"}"});
}
