// /validate with a policy that would never answer: its evaluation stops
// within the request's budget (the API server's ?timeout=, capped by
// --max-eval-time) and the request is refused with code 500, as Gatekeeper
// answers a failed evaluation: no violation an enforcement action could soften.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

#include "rules/value/eval_budget.h"
#include "webhook/admission_router.h"
#include "webhook/admission_test_support.h"
#include "webhook/metrics.h"

using namespace tollgate::webhook;
using tollgate::policies::PolicySet;
using tollgate::webhook::testing::kReview;
using tollgate::webhook::testing::post;

namespace {

// A deny constraint: were a failed evaluation a violation, the answer would be 403.
const std::string kSlowPolicy = std::string(TOLLGATE_SOURCE_DIR) + "/tests/fixtures/budget/slow_loop.yaml";

struct RestoreLimits {
  tollgate::value::EvalLimits saved = tollgate::value::default_eval_limits();
  ~RestoreLimits() { tollgate::value::default_eval_limits() = saved; }
};

// The message of an answer that refuses the review for a failed
// evaluation: not allowed, with code 500.
std::string failed_evaluation_message(const HttpResponse& response) {
  auto review = nlohmann::json::parse(response.body());
  INFO(response.body());
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 500);
  return review["response"]["status"]["message"];
}

}  // namespace

TEST_CASE("/validate refuses with 500 when an evaluation exceeds the request's timeout", "[admission_router][budget]") {
  RestoreLimits restore;
  auto loaded = PolicySet::load({kSlowPolicy});
  REQUIRE(loaded.errors.empty());
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(loaded.policies);

  auto start = std::chrono::steady_clock::now();
  // A tenth of the API server's timeout is kept for the answer's way back.
  HttpResponse response = router.handle(post("/validate?timeout=300ms"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 1.0);
  REQUIRE(response.result() == http::status::ok);
  std::string message = failed_evaluation_message(response);
  CHECK_THAT(message, Catch::Contains("eval_cancel_error: evaluation exceeded its time budget of 270ms"));
}

TEST_CASE("/validate caps the request's timeout by --max-eval-time", "[admission_router][budget]") {
  RestoreLimits restore;
  tollgate::value::default_eval_limits().time = std::chrono::milliseconds(150);
  auto loaded = PolicySet::load({kSlowPolicy});
  REQUIRE(loaded.errors.empty());
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(loaded.policies);
  HttpResponse response = router.handle(post("/validate?timeout=10s"));
  std::string message = failed_evaluation_message(response);
  CHECK_THAT(message, Catch::Contains("evaluation exceeded its time budget of 150ms"));
}
