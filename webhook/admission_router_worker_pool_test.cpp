#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "webhook/admission_router.h"
#include "webhook/admission_test_support.h"
#include "webhook/metrics.h"
#include "webhook/wait_test_support.h"
#include "webhook/worker_pool.h"

using namespace tollgate::webhook;
using namespace std::chrono_literals;
using tollgate::policies::Decision;
using tollgate::policies::PolicySet;
using tollgate::policies::PolicyStats;
using tollgate::policies::ReviewInput;
using tollgate::policies::ReviewObserver;
using tollgate::policies::mutation::MutationRequest;
using tollgate::policies::mutation::MutationResult;
using tollgate::policies::mutation::MutationSystem;
using tollgate::policies::mutation::MutatorStats;
using tollgate::webhook::testing::eventually;
using tollgate::webhook::testing::kReview;
using tollgate::webhook::testing::post;

namespace {

class NoMutators final : public MutationSystem {
 public:
  MutationResult mutate(const MutationRequest& request) const override {
    MutationResult unchanged;
    unchanged.object = request.object;
    return unchanged;
  }
  MutatorStats stats() const override { return {}; }
  std::vector<std::string> conflicts() const override { return {}; }
};

// Allows everything, each evaluation once the gate is open.
class GatedPolicySet final : public PolicySet {
 public:
  Decision validate(const ReviewInput&, ReviewObserver*) const override {
    ++evaluations;
    gate.wait();
    return Decision{};
  }
  PolicyStats stats() const override { return {}; }
  bool template_supported(std::string_view, std::string*) const override { return true; }
  std::vector<std::string> unsupported_templates() const override { return {}; }
  const MutationSystem& mutation() const override { return mutation_; }

  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  mutable std::atomic<int> evaluations{0};

 private:
  NoMutators mutation_;
};

// An answer given to answer_later's `done`, from whichever thread.
struct Answer {
  std::promise<HttpResponse> promise;
  std::future<HttpResponse> future = promise.get_future();
  HttpHandler::Done done() {
    return [this](HttpResponse response) { promise.set_value(std::move(response)); };
  }
  bool given() { return future.wait_for(0s) == std::future_status::ready; }
};

// A router behind a one-thread pool with room for one waiting request,
// reviewing with a GatedPolicySet. Members go in reverse: the pool first.
struct GatedRouter {
  Metrics metrics;
  AdmissionRouter router{metrics};
  std::shared_ptr<GatedPolicySet> policies = std::make_shared<GatedPolicySet>();
  WorkerPool pool{1, 1};
  GatedRouter() {
    router.set_policies(policies);
    router.set_worker_pool(&pool);
  }
  // A test that stopped early must not leave the pool's worker waiting.
  ~GatedRouter() {
    try {
      policies->open.set_value();
    } catch (const std::future_error&) {
    }
  }
};

}  // namespace

TEST_CASE("with a worker pool, admission requests are answered later and health at once", "[admission_router]") {
  Metrics metrics;
  AdmissionRouter router(metrics);
  CHECK_FALSE(router.answers_later(post("/validate")));  // no pool: on the calling thread
  WorkerPool pool(1, 1);
  router.set_worker_pool(&pool);
  CHECK(router.answers_later(post("/validate?timeout=10s")));
  CHECK(router.answers_later(post("/v1/mutate")));
  CHECK_FALSE(router.answers_later(HttpRequest(http::verb::get, "/healthz", 11)));
  CHECK_FALSE(router.answers_later(HttpRequest(http::verb::get, "/readyz", 11)));
  CHECK_FALSE(router.answers_later(post("/nowhere")));
}

// The API server turns an HTTP error into the webhook's failurePolicy, which
// may be Ignore: a busy server must refuse inside an AdmissionReview.
nlohmann::json refused_review(HttpResponse response) {
  INFO(response.body());
  REQUIRE(response.result() == http::status::ok);
  return nlohmann::json::parse(response.body());
}

TEST_CASE("with every evaluation thread busy and the queue full, /validate is denied at once with code 503",
          "[admission_router]") {
  GatedRouter gated;
  AdmissionRouter& router = gated.router;
  auto& policies = gated.policies;
  std::atomic<bool> not_cancelled{false};

  Answer running, waiting, refused;
  router.answer_later(post("/validate"), &not_cancelled, running.done());
  REQUIRE(eventually([&] { return policies->evaluations == 1; }));
  router.answer_later(post("/validate"), &not_cancelled, waiting.done());
  router.answer_later(post("/validate"), &not_cancelled, refused.done());
  REQUIRE(refused.given());  // before answer_later returned
  auto review = refused_review(refused.future.get());
  CHECK(review["response"]["uid"] == "abc-123");
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 503);
  CHECK(review["response"]["status"]["message"] ==
        "tollgate is overloaded: 1 requests waiting to be evaluated; try again");
  std::string metrics = gated.metrics.render();
  CHECK_THAT(metrics, Catch::Contains(R"(tollgate_eval_rejected_total{reason="queue_full"} 1)"));
  CHECK_THAT(metrics, Catch::Contains("tollgate_eval_queue_depth 1"));

  policies->open.set_value();
  CHECK(running.future.get().result() == http::status::ok);
  CHECK(waiting.future.get().result() == http::status::ok);
  CHECK(policies->evaluations == 2);
  CHECK_THAT(gated.metrics.render(), Catch::Contains("tollgate_eval_queue_depth 0"));
}

TEST_CASE("with the queue full, /mutate is refused with code 503 too, never left unmutated", "[admission_router]") {
  GatedRouter gated;
  std::atomic<bool> not_cancelled{false};
  Answer running, waiting, refused;
  gated.router.answer_later(post("/validate"), &not_cancelled, running.done());
  REQUIRE(eventually([&] { return gated.policies->evaluations == 1; }));
  gated.router.answer_later(post("/validate"), &not_cancelled, waiting.done());
  gated.router.answer_later(post("/mutate"), &not_cancelled, refused.done());
  auto review = refused_review(refused.future.get());
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 503);
  CHECK_FALSE(review["response"].contains("patch"));
  gated.policies->open.set_value();
  // The pool answers these after the gate opens: wait, or it would set the
  // promises of Answers already destroyed (they go before `gated`).
  CHECK(running.future.get().result() == http::status::ok);
  CHECK(waiting.future.get().result() == http::status::ok);
}

TEST_CASE("a request that waited in the queue past its deadline is not evaluated and gets the timeout answer",
          "[admission_router]") {
  GatedRouter gated;
  std::atomic<bool> not_cancelled{false};
  Answer running, late;
  gated.router.answer_later(post("/validate?timeout=10s"), &not_cancelled, running.done());
  REQUIRE(eventually([&] { return gated.policies->evaluations == 1; }));
  // A budget of 270 ms (a tenth kept for the way back), spent waiting.
  gated.router.answer_later(post("/validate?timeout=300ms"), &not_cancelled, late.done());
  std::this_thread::sleep_for(400ms);
  gated.policies->open.set_value();
  CHECK(running.future.get().result() == http::status::ok);
  auto review = refused_review(late.future.get());
  CHECK(review["response"]["allowed"] == false);
  CHECK(review["response"]["status"]["code"] == 500);
  std::string message = review["response"]["status"]["message"];
  CHECK_THAT(message, Catch::StartsWith("internal error evaluating policies: eval_cancel_error: evaluation exceeded "
                                        "its time budget of 270ms (the request waited "));
  CHECK_THAT(message, Catch::EndsWith(" for an evaluation thread)"));
  CHECK(gated.policies->evaluations == 1);
  std::string metrics = gated.metrics.render();
  CHECK_THAT(metrics, Catch::Contains(R"(tollgate_eval_rejected_total{reason="deadline"} 1)"));
  CHECK_THAT(metrics, Catch::Contains(R"(gatekeeper_validation_request_count_total{admission_dryrun="false",admission_status="error"} 1)"));
}

TEST_CASE("a request that waited in the queue but still has time left is evaluated", "[admission_router]") {
  GatedRouter gated;
  std::atomic<bool> not_cancelled{false};
  Answer running, waited;
  gated.router.answer_later(post("/validate?timeout=10s"), &not_cancelled, running.done());
  REQUIRE(eventually([&] { return gated.policies->evaluations == 1; }));
  gated.router.answer_later(post("/validate?timeout=10s"), &not_cancelled, waited.done());
  std::this_thread::sleep_for(100ms);
  gated.policies->open.set_value();
  auto review = refused_review(waited.future.get());
  CHECK(review["response"]["allowed"] == true);
  CHECK(gated.policies->evaluations == 2);
}

TEST_CASE("a request whose client went away while it waited is not evaluated", "[admission_router]") {
  GatedRouter gated;
  AdmissionRouter& router = gated.router;
  auto& policies = gated.policies;
  std::atomic<bool> running_cancelled{false}, waiting_cancelled{false};

  Answer running, waiting;
  router.answer_later(post("/validate"), &running_cancelled, running.done());
  REQUIRE(eventually([&] { return policies->evaluations == 1; }));
  router.answer_later(post("/validate"), &waiting_cancelled, waiting.done());
  waiting_cancelled = true;
  policies->open.set_value();
  CHECK(running.future.get().result() == http::status::ok);
  CHECK(waiting.future.get().result() == http::status::service_unavailable);
  CHECK(policies->evaluations == 1);
}
