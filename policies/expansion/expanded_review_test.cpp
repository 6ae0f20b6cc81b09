// A generator's review includes what it implies (gatekeeper-expansion.md
// §4): each resultant is reviewed on its own, its results join the
// parent's with "[Implied by <template>] " before the message and the
// template's enforcement action when it sets one.
#include "policies/expansion/expanded_review.h"

#include <catch2/catch.hpp>

#include "policies/expansion/test_fixtures.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::expansion;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;
using namespace tollgate::policies::expansion::testing;

namespace {

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers: [{name: nginx, image: nginx}]
)";

std::shared_ptr<const PolicySet> load(const std::string& template_extra = "") {
  LoadResult r = load_with_required_labels(std::string(kPodsMustHaveOwner) + "---\n" + kExpandDeployments + template_extra);
  INFO(tollgate::policies::testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  return r.policies;
}

ExpandedReview review(const PolicySet& set, const Value& object) {
  ReviewInput input;
  input.request = admission_request_for_object(object, "CREATE");
  ExpansionContext context;
  context.generator = object;
  ExpandedReview out = review_with_expansion(set, input, context);
  INFO(out.expand_error << out.review_error);
  REQUIRE(out.ok());
  return out;
}

}  // namespace

TEST_CASE("a Deployment is denied for the Pod it would create", "[expansion]") {
  auto set = load();
  ExpandedReview r = review(*set, yaml(kDeployment));
  REQUIRE(r.decision.results.size() == 1);
  const Result& result = r.decision.results[0];
  CHECK(result.message == "[Implied by expand-deployments] you must provide labels: {\"owner\"}");
  CHECK(result.constraint_name == "all-must-have-owner");
  CHECK(result.enforcement_action == "deny");
  CHECK_FALSE(r.decision.allowed);
  CHECK(r.decision.code == 403);
  CHECK(r.decision.message == "[all-must-have-owner] [Implied by expand-deployments] you must provide labels: {\"owner\"}");
}

TEST_CASE("a Deployment whose Pods comply is allowed", "[expansion]") {
  auto set = load();
  std::string compliant = kDeployment;
  compliant.replace(compliant.find("{app: nginx}"), 12, "{app: nginx, owner: me.agilebank.demo}");
  ExpandedReview r = review(*set, yaml(compliant));
  CHECK(r.decision.results.empty());
  CHECK(r.decision.allowed);
}

TEST_CASE("the template's enforcementAction overrides the constraint's for implied results", "[expansion]") {
  auto set = load("  enforcementAction: warn\n");
  ExpandedReview r = review(*set, yaml(kDeployment));
  REQUIRE(r.decision.results.size() == 1);
  CHECK(r.decision.results[0].enforcement_action == "warn");
  CHECK(r.decision.allowed);
  CHECK(r.decision.code == 299);
  REQUIRE(r.decision.warnings.size() == 1);
  CHECK(r.decision.warnings[0].rfind("[all-must-have-owner] [Implied by expand-deployments] ", 0) == 0);
}

TEST_CASE("a constraint for Generated objects only sees resultants", "[expansion]") {
  std::string policies = kPodsMustHaveOwner;
  policies.replace(policies.find("  match:\n"), 9, "  match:\n    source: Generated\n");
  LoadResult loaded = load_with_required_labels(policies + "---\n" + kExpandDeployments);
  REQUIRE(loaded.policies);
  // A bare Pod is an Original object: admitted.
  Value pod = yaml("{apiVersion: v1, kind: Pod, metadata: {name: bare, namespace: shop}, spec: {containers: []}}");
  CHECK(review(*loaded.policies, pod).decision.results.empty());
  // The Deployment's Pod is Generated: denied.
  CHECK(review(*loaded.policies, yaml(kDeployment)).decision.results.size() == 1);
}

TEST_CASE("the webhook expands the request object with the request's namespace and kind", "[expansion]") {
  Value request = yaml(R"(
uid: "1"
kind: {group: apps, version: v1, kind: Deployment}
namespace: shop
operation: CREATE
object:
  metadata: {name: web}
  spec: {template: {spec: {containers: []}}}
)");
  Value generator = generator_of_request(request);
  CHECK(generator["apiVersion"] == Value::string("apps/v1"));
  CHECK(generator["kind"] == Value::string("Deployment"));
  CHECK(generator["metadata"]["namespace"] == Value::string("shop"));
  // DELETE expands the old object; no object, nothing.
  Value deleted = tollgate::value::with_entry(request, "operation", Value::string("DELETE"));
  CHECK(generator_of_request(deleted).is_null());
}
