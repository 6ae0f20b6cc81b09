// Whatever an evaluation throws, even something that is no std::exception,
// /validate and /mutate answer with an AdmissionReview that refuses: a bare
// HTTP 500 would let the API server apply the webhook's failurePolicy, and
// with Ignore the request would be admitted unreviewed.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <future>

#include "webhook/admission_router.h"
#include "webhook/admission_test_support.h"
#include "webhook/metrics.h"
#include "webhook/worker_pool.h"

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
using tollgate::webhook::testing::post;

namespace {

// Not derived from std::exception, as a budget error or a foreign library's
// exception may not be.
struct Strange {
  int code = 42;
};

class ThrowingMutators final : public MutationSystem {
 public:
  MutationResult mutate(const MutationRequest&) const override { throw Strange{}; }
  MutatorStats stats() const override { return {}; }
  std::vector<std::string> conflicts() const override { return {}; }
};

class ThrowingPolicySet final : public PolicySet {
 public:
  Decision validate(const ReviewInput&, ReviewObserver*) const override { throw Strange{}; }
  PolicyStats stats() const override { return {}; }
  bool template_supported(std::string_view, std::string*) const override { return true; }
  std::vector<std::string> unsupported_templates() const override { return {}; }
  const MutationSystem& mutation() const override { return mutation_; }

 private:
  ThrowingMutators mutation_;
};

nlohmann::json refusal(const HttpResponse& response) {
  INFO(response.body());
  REQUIRE(response.result() == http::status::ok);
  auto review = nlohmann::json::parse(response.body());
  CHECK(review["response"]["uid"] == "abc-123");
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 500);
  return review;
}

HttpResponse answered_later(AdmissionRouter& router, HttpRequest request) {
  std::atomic<bool> not_cancelled{false};
  std::promise<HttpResponse> answer;
  router.answer_later(std::move(request), &not_cancelled,
                      [&answer](HttpResponse response) { answer.set_value(std::move(response)); });
  return answer.get_future().get();
}

}  // namespace

TEST_CASE("an evaluation that throws something other than a std::exception denies the request",
          "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ThrowingPolicySet>());
  auto review = refusal(router.handle(post("/validate?timeout=10s")));
  CHECK(review["response"]["status"]["message"] == "internal error evaluating policies: unknown exception");

  WorkerPool pool(1, 1);
  router.set_worker_pool(&pool);
  refusal(answered_later(router, post("/validate?timeout=10s")));
  router.set_worker_pool(nullptr);
}

TEST_CASE("a mutation that throws something other than a std::exception refuses the request", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  router.set_policies(std::make_shared<ThrowingPolicySet>());
  auto review = refusal(router.handle(post("/mutate")));
  CHECK(review["response"]["status"]["message"] == "internal error mutating the object: unknown exception");
  CHECK_FALSE(review["response"].contains("patch"));

  WorkerPool pool(1, 1);
  router.set_worker_pool(&pool);
  refusal(answered_later(router, post("/mutate")));
  router.set_worker_pool(nullptr);
}
