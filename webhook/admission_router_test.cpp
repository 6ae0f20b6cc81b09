#include "webhook/admission_router.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>

#include "webhook/metrics.h"

using namespace tollgate::webhook;
using tollgate::policies::Decision;
using tollgate::policies::PolicySet;
using tollgate::policies::PolicyStats;
using tollgate::policies::ReviewInput;
using tollgate::policies::ReviewObserver;

namespace {

// Answers every review with a fixed decision and remembers what it was asked.
class ScriptedPolicySet final : public PolicySet {
 public:
  explicit ScriptedPolicySet(Decision decision, bool throws = false) : decision_(std::move(decision)), throws_(throws) {}
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
  mutable ReviewInput last_input;

 private:
  Decision decision_;
  bool throws_;
};

Decision denial() {
  Decision decision;
  decision.allowed = false;
  decision.code = 403;
  decision.reason = "Forbidden";
  decision.message = "[all-must-have-owner] you must provide labels: {\"owner\"}";
  return decision;
}

const char* kReview =
    R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"abc-123",)"
    R"("kind":{"group":"","version":"v1","kind":"Namespace"},"operation":"CREATE","name":"team-a",)"
    R"("object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}}})";

HttpRequest post(std::string target, std::string body, std::string content_type = "application/json") {
  HttpRequest request(http::verb::post, target, 11);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
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

TEST_CASE("/mutate admits the object unchanged", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ScriptedPolicySet>(denial()));
  auto review = nlohmann::json::parse(router.handle(post("/v1/mutate", kReview)).body());
  CHECK(review["response"]["uid"] == "abc-123");
  CHECK(review["response"]["allowed"] == true);
  CHECK_FALSE(review["response"].contains("patch"));
  CHECK_THAT(metrics.render(), Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="success"} 1)"));
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
