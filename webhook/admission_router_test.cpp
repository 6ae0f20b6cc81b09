#include "webhook/admission_router.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <stdexcept>

#include "policies/mutation/json_patch_test_support.h"
#include "rules/value/base64.h"
#include "rules/value/json.h"
#include "webhook/admission_test_support.h"
#include "webhook/metrics.h"

using namespace tollgate::webhook;
using tollgate::policies::Decision;
using tollgate::policies::PolicySet;
using tollgate::policies::PolicyStats;
using tollgate::policies::ReviewInput;
using tollgate::policies::ReviewObserver;

using tollgate::policies::mutation::MutationRequest;
using tollgate::policies::mutation::MutationResult;
using tollgate::policies::mutation::MutationSystem;
using tollgate::policies::mutation::MutatorStats;
using tollgate::value::Value;
using tollgate::webhook::testing::kReview;
using tollgate::webhook::testing::post;

namespace {

// Mutates with a given function and remembers what it was asked.
class ScriptedMutationSystem final : public MutationSystem {
 public:
  using Mutate = std::function<MutationResult(const MutationRequest&)>;
  explicit ScriptedMutationSystem(Mutate mutate = nullptr) : mutate_(std::move(mutate)) {}
  MutationResult mutate(const MutationRequest& request) const override {
    ++calls;
    last_request = request;
    if (mutate_) return mutate_(request);
    MutationResult unchanged;
    unchanged.object = request.object;
    unchanged.iterations = 1;
    return unchanged;
  }
  MutatorStats stats() const override { return {}; }
  std::vector<std::string> conflicts() const override { return {}; }
  mutable MutationRequest last_request;
  mutable int calls = 0;

 private:
  Mutate mutate_;
};

// Answers every review with a fixed decision and remembers what it was asked.
class ScriptedPolicySet final : public PolicySet {
 public:
  explicit ScriptedPolicySet(Decision decision, bool throws = false) : decision_(std::move(decision)), throws_(throws) {}
  explicit ScriptedPolicySet(ScriptedMutationSystem::Mutate mutate) : mutation_(std::move(mutate)) {}
  Decision validate(const ReviewInput& input, ReviewObserver* observer) const override {
    last_input = input;
    if (throws_) throw std::runtime_error("evaluation blew up");
    if (observer) observer->constraint_evaluated("K8sRequiredLabels", "all-must-have-owner", "deny",
                                                 std::chrono::microseconds(3), decision_.allowed ? 0 : 1);
    return decision_;
  }
  PolicyStats stats() const override { return {}; }
  bool template_supported(std::string_view, std::string*) const override { return true; }
  std::vector<std::string> unsupported_templates() const override { return {}; }
  const MutationSystem& mutation() const override { return mutation_; }
  mutable ReviewInput last_input;
  ScriptedMutationSystem mutation_;

 private:
  Decision decision_;
  bool throws_ = false;
};

Decision denial() {
  Decision decision;
  decision.allowed = false;
  decision.code = 403;
  decision.reason = "Forbidden";
  decision.message = "[all-must-have-owner] you must provide labels: {\"owner\"}";
  return decision;
}

HttpRequest get(std::string target) { return HttpRequest(http::verb::get, target, 11); }

}  // namespace

TEST_CASE("unknown paths are 404 and wrong methods 405, before the body is read", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  auto missing = router.screen(get("/nothing-here"));
  REQUIRE(missing);
  CHECK(missing->result() == http::status::not_found);

  auto wrong_method = router.screen(get("/validate"));
  REQUIRE(wrong_method);
  CHECK(wrong_method->result() == http::status::method_not_allowed);
  CHECK(wrong_method->at(http::field::allow) == "POST");
  CHECK(router.screen(post("/healthz", ""))->result() == http::status::method_not_allowed);
}

TEST_CASE("admission endpoints want application/json, parameters allowed", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  auto refused = router.screen(post("/validate", kReview, "text/plain"));
  REQUIRE(refused);
  CHECK(refused->result() == http::status::unsupported_media_type);
  CHECK(router.screen(post("/v1/admit", kReview, ""))->result() == http::status::unsupported_media_type);
  CHECK_FALSE(router.screen(post("/validate", kReview, "application/json; charset=utf-8")));
  CHECK_FALSE(router.screen(post("/mutate", kReview, "Application/JSON")));
  CHECK(is_json_content_type(" application/json ;charset=UTF-8"));
  CHECK_FALSE(is_json_content_type("application/jsonp"));
}

TEST_CASE("/validate answers with the policy decision and counts it", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  auto policies = std::make_shared<ScriptedPolicySet>(denial());
  router.set_policies(policies);
  // kube-apiserver appends the webhook timeout to the path.
  HttpResponse response = router.handle(post("/validate?timeout=10s", kReview));
  CHECK(response.result() == http::status::ok);
  CHECK(response.at(http::field::content_type) == "application/json");
  auto review = nlohmann::json::parse(response.body());
  CHECK(review["response"]["uid"] == "abc-123");
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 403);
  CHECK(review["response"]["status"]["message"] == denial().message);
  // The request object went to the policies as is, without a namespace object.
  CHECK(policies->last_input.request["name"].string_or("") == "team-a");
  CHECK(policies->last_input.namespace_object.is_null());
  CHECK(policies->last_input.enforcement_point == "validation.gatekeeper.sh");

  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_count_total{admission_dryrun="false",admission_status="deny"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(tollgate_constraint_violations_total{constraint="all-must-have-owner",constraint_kind="K8sRequiredLabels",enforcement_action="deny"} 1)"));
}

TEST_CASE("/v1/admit is /validate, a failing evaluation is a 500 inside the AdmissionReview", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>(Decision{}, /*throws=*/true));
  HttpResponse response = router.handle(post("/v1/admit", kReview));
  CHECK(response.result() == http::status::ok);
  auto review = nlohmann::json::parse(response.body());
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 500);
  CHECK_THAT(review["response"]["status"]["message"].get<std::string>(), Catch::Contains("evaluation blew up"));
  CHECK_THAT(metrics.render(), Catch::Contains(R"(admission_status="error"} 1)"));
}

TEST_CASE("bad bodies are 400 with the reason and are not counted as decisions", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>(Decision{}));
  HttpResponse empty = router.handle(post("/validate", ""));
  CHECK(empty.result() == http::status::bad_request);
  CHECK_THAT(empty.body(), Catch::Contains("empty"));
  HttpResponse malformed = router.handle(post("/validate", "{not json"));
  CHECK(malformed.result() == http::status::bad_request);
  CHECK_THAT(malformed.body(), Catch::Contains("not valid JSON"));
  HttpResponse not_a_review = router.handle(post("/mutate", R"({"kind":"Pod"})"));
  CHECK(not_a_review.result() == http::status::bad_request);
  CHECK_THAT(metrics.render(), !Catch::Contains("gatekeeper_validation_request_count_total{"));
}

namespace {

// kubectl run web --image=nginx -n shop, as the API server sends it: the
// object carries no namespace, the request does.
std::string pod_review(std::string_view operation = "CREATE", bool dry_run = false,
                       std::string_view api_version = "admission.k8s.io/v1") {
  return std::string(R"({"apiVersion":")") + std::string(api_version) +
         R"(","kind":"AdmissionReview","request":{"uid":"pod-1",)"
         R"("kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"shop","name":"web","operation":")" +
         std::string(operation) + R"(","userInfo":{"username":"alice"},"dryRun":)" + (dry_run ? "true" : "false") +
         R"(,"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"run":"web"}},)"
         R"("spec":{"containers":[{"name":"web","image":"nginx"}]}}}})";
}

// Sets imagePullPolicy: Always on the first container and a team label, in
// two passes, as two mutators would.
MutationResult pull_always_and_team(const MutationRequest& request) {
  MutationResult result;
  const Value& container = request.object["spec"]["containers"].items().at(0);
  Value containers = Value::array({tollgate::value::with_entry(container, "imagePullPolicy", Value::string("Always"))});
  Value spec = tollgate::value::with_entry(request.object["spec"], "containers", containers);
  Value labels = tollgate::value::with_entry(request.object["metadata"]["labels"], "team", Value::string("shop"));
  Value metadata = tollgate::value::with_entry(request.object["metadata"], "labels", labels);
  result.object = tollgate::value::with_entry(tollgate::value::with_entry(request.object, "spec", spec), "metadata",
                                              metadata);
  result.mutated = true;
  result.applied = {"Assign/always-pull", "AssignMetadata/team-label"};
  result.iterations = 2;
  return result;
}

nlohmann::json mutate_response(AdmissionRouter& router, const std::string& body) {
  HttpResponse response = router.handle(post("/v1/mutate?timeout=1s", body));
  INFO(response.body());
  REQUIRE(response.result() == http::status::ok);
  CHECK(response.at(http::field::content_type) == "application/json");
  return nlohmann::json::parse(response.body());
}

// The object the API server would persist: the request object with the
// response's patch applied.
Value patched_object(const std::string& body, const nlohmann::json& response) {
  REQUIRE(response["response"]["patchType"] == "JSONPatch");
  std::string patch;
  REQUIRE(tollgate::value::base64_decode(response["response"]["patch"].get<std::string>(), &patch));
  Value object = tollgate::value::parse_json_or_throw(body)["request"]["object"];
  return tollgate::policies::mutation::testing::apply_json_patch(object, tollgate::value::parse_json_or_throw(patch));
}

}  // namespace

TEST_CASE("/mutate answers a mutated object with the JSONPatch that produces it", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  auto policies = std::make_shared<ScriptedPolicySet>(pull_always_and_team);
  router.set_policies(policies);
  std::string body = pod_review();
  auto review = mutate_response(router, body);
  CHECK(review["response"]["uid"] == "pod-1");
  CHECK(review["response"]["allowed"] == true);
  Value patched = patched_object(body, review);
  CHECK(tollgate::value::to_json(patched) ==
        R"({"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"run":"web","team":"shop"},"name":"web"},)"
        R"("spec":{"containers":[{"image":"nginx","imagePullPolicy":"Always","name":"web"}]}})");

  // The mutation system got the request (for its namespace and operation)
  // and the object as sent.
  const MutationRequest& seen = policies->mutation_.last_request;
  CHECK(seen.request["namespace"].string_or("") == "shop");
  CHECK(seen.request["operation"].string_or("") == "CREATE");
  CHECK(seen.request["userInfo"]["username"].string_or("") == "alice");
  CHECK(seen.object["metadata"].find("namespace") == nullptr);
  CHECK(seen.namespace_object.is_null());

  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="success"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="true",le="1"} 0)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="true",le="2"} 1)"));
}

TEST_CASE("/mutate admits an object no mutator changes without a patch", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>(denial()));
  auto review = mutate_response(router, kReview);
  CHECK(review["response"]["uid"] == "abc-123");
  CHECK(review["response"]["allowed"] == true);
  CHECK(review["response"]["status"]["code"] == 200);
  CHECK(review["response"]["status"]["message"] == "Resource was not mutated");
  CHECK_FALSE(review["response"].contains("patch"));
  CHECK_FALSE(review["response"].contains("patchType"));
  CHECK_THAT(metrics.render(), Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="success"} 1)"));
}

TEST_CASE("/mutate rejects the request with code 500 on a mutation error", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>([](const MutationRequest& request) {
    MutationResult result;
    result.object = request.object;
    result.failed = true;
    result.error = "mutation not converging for Pod shop/web";
    result.iterations = 3;
    return result;
  }));
  auto review = mutate_response(router, pod_review());
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 500);
  CHECK(review["response"]["status"]["message"] == "mutation not converging for Pod shop/web");
  CHECK_FALSE(review["response"].contains("patch"));
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="success"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_count{success="false"} 1)"));
}

TEST_CASE("/mutate turns an exception from the mutation system into a 500 answer", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>(
      [](const MutationRequest&) -> MutationResult { throw std::runtime_error("mutator blew up"); }));
  auto review = mutate_response(router, pod_review());
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 500);
  CHECK_THAT(review["response"]["status"]["message"].get<std::string>(), Catch::Contains("mutator blew up"));
}

TEST_CASE("/mutate leaves DELETE, CONNECT and Gatekeeper's own resources alone, counted as skip",
          "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  auto policies = std::make_shared<ScriptedPolicySet>(pull_always_and_team);
  router.set_policies(policies);
  for (const char* operation : {"DELETE", "CONNECT"}) {
    auto review = mutate_response(router, pod_review(operation));
    CHECK(review["response"]["allowed"] == true);
    CHECK(review["response"]["status"]["message"] == "Mutating only on create or update");
    CHECK_FALSE(review["response"].contains("patch"));
  }
  std::string assign = pod_review();
  assign.replace(assign.find(R"("group":"")"), 10, R"("group":"mutations.gatekeeper.sh")");
  auto review = mutate_response(router, assign);
  CHECK(review["response"]["status"]["message"] == "Not mutating gatekeeper resources");
  CHECK(policies->mutation_.calls == 0);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="skip"} 3)"));
  CHECK_THAT(text, !Catch::Contains("gatekeeper_mutation_system_iterations_count"));
}

TEST_CASE("/mutate mutates dry-run requests and v1beta1 reviews the same way", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>(pull_always_and_team));
  auto live = mutate_response(router, pod_review("CREATE", false));
  auto dry_run = mutate_response(router, pod_review("CREATE", true));
  auto v1beta1 = mutate_response(router, pod_review("UPDATE", false, "admission.k8s.io/v1beta1"));
  CHECK(dry_run["response"]["patch"] == live["response"]["patch"]);
  CHECK(v1beta1["apiVersion"] == "admission.k8s.io/v1beta1");
  CHECK(v1beta1["response"]["patch"] == live["response"]["patch"]);
}

TEST_CASE("/mutate matches a Namespace against itself", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  auto policies = std::make_shared<ScriptedPolicySet>(Decision{});
  router.set_policies(policies);
  mutate_response(router, kReview);
  const MutationRequest& seen = policies->mutation_.last_request;
  CHECK(seen.namespace_object["metadata"]["name"].string_or("") == "team-a");
  CHECK(seen.object["metadata"].find("namespace") == nullptr);
  CHECK(seen.source == "Original");
}

TEST_CASE("/validate and /mutate refuse with code 503 inside an AdmissionReview before policies are loaded",
          "[admission_router]") {
  // Not a bare HTTP 503, which failurePolicy: Ignore would turn into an admission.
  Metrics metrics;
  AdmissionRouter router(metrics);
  for (const char* path : {"/validate", "/mutate"}) {
    HttpResponse response = router.handle(post(path, pod_review()));
    INFO(path << ": " << response.body());
    REQUIRE(response.result() == http::status::ok);
    auto review = nlohmann::json::parse(response.body());
    CHECK(review["response"]["allowed"] == false);
    CHECK(review["response"]["status"]["code"] == 503);
  }
}

TEST_CASE("/readyz is ready once policies are installed and until shutdown", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  CHECK(router.handle(get("/healthz")).result() == http::status::ok);
  CHECK(router.handle(get("/readyz")).result() == http::status::service_unavailable);
  router.set_policies(std::make_shared<ScriptedPolicySet>(Decision{}));
  CHECK(router.handle(get("/readyz")).result() == http::status::ok);
  router.stop_being_ready();
  CHECK(router.handle(get("/readyz")).result() == http::status::service_unavailable);
}
