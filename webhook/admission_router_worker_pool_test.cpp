#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>

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

TEST_CASE("with every evaluation thread busy and the queue full, /validate is answered 503 at once",
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
  HttpResponse busy = refused.future.get();
  CHECK(busy.result() == http::status::service_unavailable);
  CHECK(busy[http::field::retry_after] == "1");

  policies->open.set_value();
  CHECK(running.future.get().result() == http::status::ok);
  CHECK(waiting.future.get().result() == http::status::ok);
  CHECK(policies->evaluations == 2);
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
