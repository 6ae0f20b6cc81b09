// What Gatekeeper's webhooks do beyond the policies, with real policies:
// generators judged by what their ExpansionTemplates imply, Config
// exclusions for the webhook and mutation-webhook processes, Gatekeeper's
// own service account exempt, and --mutation-annotations
// (gatekeeper-expansion.md §7, gatekeeper-semantics.md §5.7, §5.9, §6.2).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "policies/expansion/test_fixtures.h"
#include "policies/policy_set.h"
#include "policies/test_support.h"
#include "rules/value/base64.h"
#include "webhook/admission_router.h"
#include "webhook/metrics.h"

using namespace tollgate::webhook;
using tollgate::policies::LoadResult;
using tollgate::policies::PolicySet;
using tollgate::value::Value;
using tollgate::policies::expansion::testing::kExpandDeployments;
using tollgate::policies::expansion::testing::kPodsMustHaveOwner;
using tollgate::policies::expansion::testing::load_with_required_labels;

namespace {

// With kPodsMustHaveOwner and kExpandDeployments.
const char* kConfigAndMutator = R"(apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata:
  name: config
  namespace: gatekeeper-system
spec:
  match:
  - excludedNamespaces: [kube-system]
    processes: [webhook]
  - excludedNamespaces: [kube-public]
    processes: [mutation-webhook]
---
apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata:
  name: team-label
  generation: 3
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
  location: metadata.labels.team
  parameters:
    assign:
      value: shop
)";

std::shared_ptr<const PolicySet> load() {
  LoadResult r = load_with_required_labels(std::string(kPodsMustHaveOwner) + "---\n" + kExpandDeployments + "---\n" + kConfigAndMutator);
  INFO(tollgate::policies::testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  return r.policies;
}

std::string review_of(const std::string& kind_json, const std::string& ns, const std::string& object_json,
                      const std::string& user = "alice") {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":)" +
         kind_json + R"(,"operation":"CREATE","namespace":")" + ns + R"(","userInfo":{"username":")" + user +
         R"("},"object":)" + object_json + "}}";
}

const std::string kDeploymentKind = R"({"group":"apps","version":"v1","kind":"Deployment"})";
const std::string kPodKind = R"({"group":"","version":"v1","kind":"Pod"})";
const std::string kDeployment =
    R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},)"
    R"("spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}})";
const std::string kPod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}})";

nlohmann::json send(AdmissionRouter& router, const std::string& path, const std::string& body) {
  HttpRequest request(http::verb::post, path, 11);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  HttpResponse response = router.handle(request);
  REQUIRE(response.result() == http::status::ok);
  return nlohmann::json::parse(response.body())["response"];
}

}  // namespace

TEST_CASE("/validate denies a Deployment for the Pod it implies", "[admission_router][expansion]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(load());
  nlohmann::json response = send(router, "/validate", review_of(kDeploymentKind, "shop", kDeployment));
  CHECK(response["allowed"] == false);
  CHECK(response["status"]["code"] == 403);
  CHECK(response["status"]["message"] ==
        "[all-must-have-owner] [Implied by expand-deployments] you must provide labels: {\"owner\"}");
}

TEST_CASE("/validate admits a namespace the Config excludes from the webhook", "[admission_router][config]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(load());
  CHECK(send(router, "/validate", review_of(kPodKind, "shop", kPod))["allowed"] == false);
  nlohmann::json excluded = send(router, "/validate", review_of(kPodKind, "kube-system", kPod));
  CHECK(excluded["allowed"] == true);
  // kube-public is excluded from mutation only.
  CHECK(send(router, "/validate", review_of(kPodKind, "kube-public", kPod))["allowed"] == false);
}

TEST_CASE("/mutate leaves a namespace the Config excludes from mutation-webhook alone", "[admission_router][config]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(load());
  CHECK(send(router, "/mutate", review_of(kPodKind, "shop", kPod)).contains("patch"));
  nlohmann::json excluded = send(router, "/mutate", review_of(kPodKind, "kube-public", kPod));
  CHECK(excluded["allowed"] == true);
  CHECK_FALSE(excluded.contains("patch"));
  CHECK(excluded["status"]["message"] == "Namespace is set to be ignored by Gatekeeper config");
}

TEST_CASE("Gatekeeper's own service account is neither validated nor mutated", "[admission_router][exempt]") {
  Metrics metrics;
  AdmissionOptions options;
  options.exempt_username = gatekeeper_service_account("gatekeeper-system");
  CHECK(options.exempt_username == "system:serviceaccount:gatekeeper-system:gatekeeper-admin");
  AdmissionRouter router(metrics, options);
  router.set_policies(load());
  std::string by_gatekeeper = review_of(kPodKind, "shop", kPod, options.exempt_username);
  nlohmann::json validated = send(router, "/validate", by_gatekeeper);
  CHECK(validated["allowed"] == true);
  CHECK(validated["status"]["message"] == "Gatekeeper does not self-manage");
  nlohmann::json mutated = send(router, "/mutate", by_gatekeeper);
  CHECK(mutated["allowed"] == true);
  CHECK_FALSE(mutated.contains("patch"));
  // Anyone else is reviewed.
  CHECK(send(router, "/validate", review_of(kPodKind, "shop", kPod, "system:serviceaccount:shop:default"))["allowed"] ==
        false);
}

TEST_CASE("serve --mutation-annotations names the mutators that applied and the mutation", "[admission_router][mutation]") {
  Metrics metrics;
  AdmissionOptions options;
  options.mutation_annotations = true;
  AdmissionRouter router(metrics, options);
  router.set_policies(load());
  nlohmann::json response = send(router, "/mutate", review_of(kPodKind, "shop", kPod));
  REQUIRE(response.contains("patch"));
  std::string patch_text;
  REQUIRE(tollgate::value::base64_decode(response["patch"].get<std::string>(), &patch_text));
  nlohmann::json patch = nlohmann::json::parse(patch_text);
  nlohmann::json annotations;
  for (const auto& op : patch) {
    if (op["path"] == "/metadata/annotations") annotations = op["value"];
  }
  INFO(patch.dump());
  REQUIRE(annotations.is_object());
  CHECK(annotations["gatekeeper.sh/mutations"] == "AssignMetadata//team-label:3");
  std::string id = annotations["gatekeeper.sh/mutation-id"];
  CHECK(id.size() == 36);
  CHECK(id[14] == '4');

  // Without the flag, no annotations.
  AdmissionRouter plain(metrics);
  plain.set_policies(load());
  std::string plain_patch;
  REQUIRE(tollgate::value::base64_decode(
      send(plain, "/mutate", review_of(kPodKind, "shop", kPod))["patch"].get<std::string>(), &plain_patch));
  CHECK(plain_patch.find("gatekeeper.sh/mutation") == std::string::npos);
}
