// A constraint with an enforcementAction outside deny|dryrun|warn|scoped
// (gatekeeper-expansion.md §9): gator reviews it and reports its results
// under that action without failing; Gatekeeper's webhook and audit do not
// enforce it.
#include <catch2/catch.hpp>

#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;

namespace {

const std::string kPolicies = std::string(testing::kDenyAllTemplate) + R"(
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: foo-action}
spec:
  enforcementAction: foo
)";

Decision review_at(const PolicySet& set, const char* point) {
  ReviewInput in;
  in.request = admission_request_for_object(yaml("{apiVersion: v1, kind: Pod, metadata: {name: web, namespace: prod}}"),
                                            "CREATE");
  in.enforcement_point = point;
  return set.validate(in);
}

}  // namespace

TEST_CASE("unrecognized enforcementAction: gator reports the violation under that action, without denying",
          "[enforcement]") {
  LoadResult r = PolicySet::from_objects(yaml_all(kPolicies));
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].to_string() ==
        "object[1]: unrecognized enforcementAction: \"foo\" is not within the supported list [deny dryrun warn "
        "scoped]: gator test and verify report its violations without failing; the webhook and audit do not "
        "enforce the constraint");

  Decision gator = review_at(*r.policies, kGatorPoint);
  REQUIRE(gator.results.size() == 1);
  CHECK(gator.results[0].enforcement_action == "foo");
  CHECK(gator.results[0].message == "denied web");
  CHECK(gator.allowed);
  CHECK(gator.warnings.empty());
}

TEST_CASE("unrecognized enforcementAction: the webhook and audit do not evaluate the constraint", "[enforcement]") {
  LoadResult r = PolicySet::from_objects(yaml_all(kPolicies));
  REQUIRE(r.policies);
  for (const char* point : {kValidationPoint, kAuditPoint}) {
    Decision d = review_at(*r.policies, point);
    INFO(point);
    CHECK(d.allowed);
    CHECK(d.code == 200);
    CHECK(d.results.empty());
  }
}
