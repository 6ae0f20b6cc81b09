// Lease leader election between replicas on one (fake) API server: one
// leads, a leader that goes quiet or is refused is replaced after the lease
// duration, a released Lease is taken at once, stale writes are refused with
// 409 and handled.
#include "webhook/kube/leader_election.h"

#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>
#include <thread>

#include "webhook/kube/kube_test_support.h"
#include "webhook/metrics.h"

using namespace tollgate::webhook::kube;
using namespace tollgate::webhook::kube::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kNamespace = "tollgate-system";
constexpr const char* kLease = "tollgate-audit";

// One fake API server holding Leases; it answers 500 to the tokens it is
// told to refuse (a replica cut off from the API server).
class LeaseServer {
 public:
  LeaseServer()
      : server_(test_certs(), [this](const ApiRequest& r) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            if (refused_.count(r.authorization)) {
              ApiReply reply;
              reply.status = 500;
              reply.body = status_json(500, "InternalError", "etcdserver: request timed out");
              return reply;
            }
          }
          if (FakeLeases::handles(r)) return leases.handle(r);
          ApiReply reply;
          reply.status = 404;
          reply.body = status_json(404, "NotFound", "the server could not find the requested resource");
          return reply;
        }) {}

  void refuse(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    refused_.insert("Bearer " + token);
  }
  std::string holder() const { return leases.holder(kNamespace, kLease); }
  nlohmann::json spec() const { return leases.get(kNamespace, kLease)["spec"]; }

  // Each replica its own connection and token (its own service account token in a real cluster).
  std::unique_ptr<LeaderElector> elector(const std::string& identity, LeaderElectionOptions options,
                                         prometheus::Registry* registry = nullptr) {
    options.identity = identity;
    options.lease_namespace = kNamespace;
    options.lease_name = kLease;
    auto connection = std::make_shared<ClusterConnection>(config_for(server_, "token-" + identity), quick_client());
    return std::make_unique<LeaderElector>(connection, std::move(options), registry);
  }

  FakeLeases leases;

 private:
  std::mutex mutex_;
  std::set<std::string> refused_;
  TestApiServer server_;
};

// Short durations with client-go's proportions: lease 1 s > renew 0.7 s > 1.2 x retry 0.2 s.
LeaderElectionOptions quick_election() {
  LeaderElectionOptions options;
  options.lease_duration = 1000ms;
  options.renew_deadline = 700ms;
  options.retry_period = 200ms;
  return options;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// Watches two electors on a thread of its own and remembers whether both ever led at once.
class TwoLeadersWatch {
 public:
  TwoLeadersWatch(const LeaderElector& a, const LeaderElector& b)
      : thread_([this, &a, &b] {
          while (!done_.load()) {
            if (a.is_leader() && b.is_leader()) both_.store(true);
            std::this_thread::sleep_for(2ms);
          }
        }) {}
  ~TwoLeadersWatch() { finish(); }
  bool both_led() {
    finish();
    return both_.load();
  }

 private:
  void finish() {
    done_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  std::atomic<bool> done_{false};
  std::atomic<bool> both_{false};
  std::thread thread_;
};

// a starts first and leads; b starts and has seen a's Lease.
void a_leads_b_follows(LeaderElector& a, LeaderElector& b) {
  a.start();
  REQUIRE(eventually([&] { return a.is_leader(); }, 3000ms));
  b.start();
  REQUIRE(eventually([&] { return b.leader() == a.identity(); }, 3000ms));
}

}  // namespace

TEST_CASE("Of two replicas electing on one Lease exactly one leads, and the Lease names it", "[kube][leader]") {
  LeaseServer server;
  auto a = server.elector("a", quick_election());
  auto b = server.elector("b", quick_election());
  TwoLeadersWatch watch(*a, *b);
  a->start();
  b->start();
  REQUIRE(eventually([&] { return a->is_leader() || b->is_leader(); }, 3000ms));
  LeaderElector& leader = a->is_leader() ? *a : *b;
  LeaderElector& follower = a->is_leader() ? *b : *a;
  CHECK(server.holder() == leader.identity());
  CHECK(eventually([&] { return follower.leader() == leader.identity(); }, 2000ms));
  // Created by the first candidate, held since: no transition.
  CHECK(server.spec()["leaseTransitions"] == 0);
  CHECK(server.spec()["leaseDurationSeconds"] == 1);
  // The leader renews (renewTime moves) and keeps it through several lease durations.
  std::string renewed = server.spec()["renewTime"];
  std::this_thread::sleep_for(2500ms);
  CHECK(leader.is_leader());
  CHECK_FALSE(follower.is_leader());
  CHECK(server.holder() == leader.identity());
  CHECK(server.spec()["renewTime"] != renewed);
  CHECK(server.spec()["acquireTime"] != server.spec()["renewTime"]);
  CHECK_FALSE(watch.both_led());
}

TEST_CASE("When the leader stops renewing, the other replica takes over after the lease duration, not before",
          "[kube][leader]") {
  LeaseServer server;
  LeaderElectionOptions crashes = quick_election();
  crashes.release_on_stop = false;  // a killed process releases nothing
  auto a = server.elector("a", crashes);
  auto b = server.elector("b", quick_election());
  a_leads_b_follows(*a, *b);
  a->stop();
  auto stopped = Clock::now();
  CHECK_FALSE(a->is_leader());
  CHECK(server.holder() == "a");
  // The Lease was renewed at most a retry period before the stop: still a's for a while.
  std::this_thread::sleep_for(400ms);
  CHECK_FALSE(b->is_leader());
  // Lease duration + two jittered retry periods (at most 2.2 x 0.2 s each) + slack for a busy machine.
  REQUIRE(eventually([&] { return b->is_leader(); }, 3000ms));
  CHECK(Clock::now() - stopped < 2500ms);
  CHECK(server.holder() == "b");
  CHECK(server.spec()["leaseTransitions"] == 1);
}

TEST_CASE("A leader the API server stops answering steps down within the renew deadline, before another takes over",
          "[kube][leader]") {
  LeaseServer server;
  // lease - (retry + renew deadline) = 0.6 s: how long after a steps down b may take over at the earliest.
  LeaderElectionOptions options = quick_election();
  options.lease_duration = 1500ms;
  auto a = server.elector("a", options);
  auto b = server.elector("b", options);
  a_leads_b_follows(*a, *b);
  TwoLeadersWatch watch(*a, *b);
  server.refuse("token-a");
  auto cut_off = Clock::now();
  // At most a retry period until the next renewal round, then the renew deadline.
  REQUIRE(eventually([&] { return !a->is_leader(); }, 3000ms));
  CHECK(Clock::now() - cut_off < 1500ms);
  REQUIRE(eventually([&] { return b->is_leader(); }, 3000ms));
  CHECK(server.holder() == "b");
  CHECK_FALSE(watch.both_led());
  // a keeps trying as a candidate and does not lead again while b renews.
  std::this_thread::sleep_for(500ms);
  CHECK_FALSE(a->is_leader());
}

TEST_CASE("A leader that stops releases the Lease, and the other replica takes it at once", "[kube][leader]") {
  LeaseServer server;
  // A long lease: taking over within it shows the release, not the expiry.
  LeaderElectionOptions slow = quick_election();
  slow.lease_duration = 5000ms;
  slow.renew_deadline = 3000ms;
  auto a = server.elector("a", slow);
  auto b = server.elector("b", slow);
  a_leads_b_follows(*a, *b);
  a->stop();
  auto stopped = Clock::now();
  CHECK_FALSE(a->is_leader());
  REQUIRE(eventually([&] { return b->is_leader(); }, 3000ms));
  CHECK(Clock::now() - stopped < 1500ms);
  CHECK(server.holder() == "b");
  CHECK(server.spec()["leaseTransitions"] == 1);
  // Released, then b's: b stops too, and the Lease is left free.
  b->stop();
  CHECK(server.holder().empty());
  CHECK(server.spec()["leaseTransitions"] == 1);
}

TEST_CASE("A renewal refused with 409 for a stale resourceVersion reads the Lease again", "[kube][leader]") {
  LeaseServer server;
  auto a = server.elector("a", quick_election());
  a->start();
  REQUIRE(eventually([&] { return a->is_leader(); }, 3000ms));
  SECTION("the Lease changed but is still ours: the leader renews from the fresh copy and keeps leading") {
    // Another client writes the Lease (same spec, new resourceVersion): a's copy is now stale.
    server.leases.set_spec(kNamespace, kLease, server.spec());
    REQUIRE(eventually([&] { return server.leases.conflicts() >= 1; }, 2000ms));
    std::string after_conflict = server.spec()["renewTime"];
    CHECK(eventually([&] { return server.spec()["renewTime"] != after_conflict; }, 2000ms));
    CHECK(a->is_leader());
    CHECK(server.holder() == "a");
  }
  SECTION("another holder was written meanwhile: the leader steps down at its next renewal, not at the deadline") {
    nlohmann::json spec = server.spec();
    spec["holderIdentity"] = "intruder";
    spec["leaseTransitions"] = 1;
    spec["leaseDurationSeconds"] = 30;
    server.leases.set_spec(kNamespace, kLease, spec);
    auto written = Clock::now();
    REQUIRE(eventually([&] { return !a->is_leader(); }, 2000ms));
    CHECK(Clock::now() - written < 600ms);
    CHECK(server.leases.conflicts() >= 1);
    CHECK(a->leader() == "intruder");
    CHECK(server.holder() == "intruder");
  }
}

TEST_CASE("leader_election_master_status follows leadership", "[kube][leader][metrics]") {
  LeaseServer server;
  tollgate::webhook::Metrics metrics;
  auto a = server.elector("a", quick_election(), &metrics.registry());
  const std::string series = "leader_election_master_status{name=\"tollgate-audit\"} ";
  CHECK_THAT(metrics.render(), Catch::Contains(series + "0"));
  a->start();
  REQUIRE(eventually([&] { return a->is_leader(); }, 3000ms));
  CHECK_THAT(metrics.render(), Catch::Contains(series + "1"));
  a->stop();
  CHECK_THAT(metrics.render(), Catch::Contains(series + "0"));
}

TEST_CASE("Leader election refuses durations that cannot work, as client-go does", "[kube][leader]") {
  LeaderElectionOptions options;
  CHECK(check_leader_election_options(options).empty());  // 15 s, 10 s, 2 s
  options.renew_deadline = 15000ms;
  CHECK_THAT(check_leader_election_options(options), Catch::Contains("greater than the renew deadline"));
  options = LeaderElectionOptions();
  options.retry_period = 9000ms;  // 1.2 x 9 s > 10 s
  CHECK_THAT(check_leader_election_options(options), Catch::Contains("1.2 times the retry period"));
  auto connection = std::make_shared<ClusterConnection>(ClusterConfig{}, quick_client());
  CHECK_THROWS_AS(LeaderElector(connection, options), std::invalid_argument);
}

TEST_CASE("A replica's identity is its pod name and a random suffix, new for each process", "[kube][leader]") {
  const char* saved = std::getenv("POD_NAME");
  std::string before = saved ? saved : "";
  setenv("POD_NAME", "tollgate-7d9f-abcde", 1);
  std::string first = default_leader_identity();
  std::string second = default_leader_identity();
  if (saved) {
    setenv("POD_NAME", before.c_str(), 1);
  } else {
    unsetenv("POD_NAME");
  }
  CHECK_THAT(first, Catch::StartsWith("tollgate-7d9f-abcde_"));
  CHECK(first.size() == std::string("tollgate-7d9f-abcde_").size() + 36);
  CHECK(first != second);
  ClusterConfig in_pod;
  in_pod.namespace_name = "tollgate-system";
  CHECK(default_lease_namespace(in_pod) == "tollgate-system");
  CHECK(default_lease_namespace(ClusterConfig{}) == "default");
}
