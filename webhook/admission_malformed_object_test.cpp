// An AdmissionReview whose object the API server could never have decoded
// (metadata that is not an object, ...) is refused with 400 by /validate and
// /mutate, rather than reviewed as an object without labels or name.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "policies/policy_set.h"
#include "policies/test_support.h"
#include "webhook/admission_router.h"
#include "webhook/metrics.h"

using namespace tollgate::webhook;

namespace {

const std::string kPolicies = std::string(tollgate::policies::testing::kDenyAllTemplate) + R"(
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata:
  name: deny-labelled
spec:
  match:
    labelSelector:
      matchExpressions:
        - {key: team, operator: DoesNotExist}
---
apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata:
  name: team-label
spec:
  location: metadata.labels.team
  parameters:
    assign:
      value: platform
)";

HttpResponse post(AdmissionRouter& router, const std::string& path, const std::string& metadata) {
  HttpRequest request(http::verb::post, path, 11);
  request.set(http::field::content_type, "application/json");
  request.body() =
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",)"
      R"("kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"CREATE","namespace":"default",)"
      R"("object":{"apiVersion":"v1","kind":"ConfigMap","metadata":)" + metadata + "}}}";
  request.prepare_payload();
  return router.handle(request);
}

struct Routed {
  Routed() : router(metrics) {
    auto loaded = tollgate::policies::PolicySet::from_objects(tollgate::policies::testing::yaml_all(kPolicies), {});
    INFO(tollgate::policies::testing::joined_errors(loaded.errors));
    REQUIRE(loaded.policies);
    router.set_policies(std::move(loaded.policies));
  }
  Metrics metrics;
  AdmissionRouter router;
};

}  // namespace

TEST_CASE("an object whose metadata is not an object is refused with 400, not reviewed", "[admission][malformed]") {
  Routed routed;
  for (const char* path : {"/validate", "/mutate"}) {
    HttpResponse response = post(routed.router, path, R"("x")");
    INFO(path << ": " << response.body());
    CHECK(response.result() == http::status::bad_request);
    CHECK_THAT(response.body(), Catch::Contains("metadata must be an object, got string"));
  }
  HttpResponse labels = post(routed.router, "/validate", R"({"name":"a","labels":"team"})");
  CHECK(labels.result() == http::status::bad_request);
}

TEST_CASE("a well-formed object is still reviewed and mutated", "[admission][malformed]") {
  Routed routed;
  auto validated = nlohmann::json::parse(post(routed.router, "/validate", R"({"name":"a"})").body());
  CHECK(validated["response"]["allowed"] == false);
  auto mutated = nlohmann::json::parse(post(routed.router, "/mutate", R"({"name":"a"})").body());
  CHECK(mutated["response"].contains("patch"));
}
