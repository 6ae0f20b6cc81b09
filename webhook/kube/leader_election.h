// Leader election on a coordination.k8s.io/v1 Lease, with client-go's
// semantics (tools/leaderelection with a LeaseLock), so that one replica of
// `serve` audits while every replica serves admission:
//
// - a candidate creates the Lease when there is none, and takes it over when
//   its holder has not changed it for leaseDurationSeconds, timed by the
//   candidate's own clock since it last saw the record change (never by the
//   renewTime written by another machine's clock); a takeover increments
//   leaseTransitions;
// - the holder renews every retry period with a PUT carrying the Lease's
//   resourceVersion (optimistically, from the copy it wrote last); a 409
//   Conflict makes it read the Lease again and decide from there;
// - the holder stops leading when it sees another holder, or when it could
//   not renew for renewDeadline (each call is bounded by what is left of it,
//   so a hung API server cannot keep a stale leader leading);
// - stop() releases a held Lease (holderIdentity cleared, as client-go's
//   ReleaseOnCancel), so another replica takes over at its next retry
//   instead of waiting a whole lease duration.
//
// It runs on a thread of its own with its own ApiClient. is_leader() may be
// read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "webhook/kube/api_client.h"

namespace prometheus {
class Registry;
class Gauge;
}  // namespace prometheus

namespace tollgate::webhook::kube {

struct LeaderElectionOptions {
  std::string lease_namespace = "default";
  std::string lease_name = "tollgate-audit";
  // Unique per process; empty: default_leader_identity().
  std::string identity;
  // client-go's defaults (the core components' 15 s / 10 s / 2 s). The Lease
  // records the duration in whole seconds (at least 1).
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  // Give the Lease up on stop() (client-go's ReleaseOnCancel). Whatever the
  // lease guards must have stopped before stop() is called.
  bool release_on_stop = true;
  // Optional; called on the elector's thread (on_stopped_leading also from
  // stop()); keep them short.
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
};

// "" when the durations are usable, else why not (client-go's checks:
// leaseDuration > renewDeadline > 1.2 x retryPeriod > 0).
std::string check_leader_election_options(const LeaderElectionOptions& options);

// $POD_NAME (else the host name) + "_" + a random UUID: a restarted process
// never believes it still holds the Lease its previous incarnation held.
std::string default_leader_identity();

// Where the Lease lives by default: the cluster config's namespace (in a pod,
// the service account's namespace file), else "default".
std::string default_lease_namespace(const ClusterConfig& config);

class LeaderElector {
 public:
  using Clock = std::chrono::steady_clock;

  // Throws std::invalid_argument when check_leader_election_options refuses
  // the options. With a registry, exports client-go's gauge
  // leader_election_master_status{name=<lease name>} (1 leading, 0 not).
  LeaderElector(std::shared_ptr<ClusterConnection> cluster, LeaderElectionOptions options,
                prometheus::Registry* registry = nullptr);
  ~LeaderElector();  // stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  void start();
  // Ends the thread (a call in progress is cancelled), stops leading, and
  // releases the Lease when it holds it and release_on_stop is set.
  // Idempotent.
  void stop();

  // Whether this process leads now: it acquired or renewed the Lease, has
  // not seen another holder since, and its last renewal is recent enough
  // (a retry period and the renew deadline; checked here too, so a call
  // stuck in connect cannot stretch it).
  bool is_leader() const {
    return leading_.load() && Clock::now().time_since_epoch().count() < lead_until_.load();
  }
  // The holder this elector saw last ("" when none yet, or released).
  std::string leader() const;
  const std::string& identity() const { return options_.identity; }
  // "namespace/name" of the Lease.
  std::string describe() const { return options_.lease_namespace + "/" + options_.lease_name; }

 private:
  // The fields of a Lease's spec that the election reads and writes.
  struct Record {
    std::string holder;
    int64_t duration_seconds = 0;
    std::string acquire_time;
    std::string renew_time;
    int64_t transitions = 0;
    bool operator==(const Record&) const = default;
  };
  void run();
  // Acquires (or renews) and says whether this elector holds the Lease now.
  // Every request is bounded by `deadline`.
  bool try_acquire_or_renew(Clock::time_point deadline);
  // PUT of the cached Lease with `record` as its spec; true on 200.
  bool update(ApiClient& client, const Record& record, Clock::time_point deadline, bool quiet);
  void release();
  bool holding() const { return observed_.holder == options_.identity; }
  void set_observed(const Record& record);
  void report_new_leader();
  void set_leading(bool leading, const std::string& why);
  // A successful acquire or renew: leading for another retry period + renew deadline.
  void renewed_now();
  // Waits up to `d` (less when stopping); false when stopping.
  bool wait(std::chrono::milliseconds d);
  bool bound_call(ApiClient& client, Clock::time_point deadline);
  void note_error(const std::string& error);
  std::string lease_path(bool with_name) const;
  nlohmann::json spec_of(const Record& record) const;
  static Record record_of(const nlohmann::json& lease);

  std::shared_ptr<ClusterConnection> cluster_;
  LeaderElectionOptions options_;
  ApiClient client_;
  prometheus::Gauge* master_status_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> leading_{false};
  std::atomic<Clock::rep> lead_until_{0};  // steady clock: last renewal + retry period + renew deadline
  bool stopped_ = false;
  mutable std::mutex mutex_;  // guards leader_, stopping waits
  std::condition_variable wake_;
  std::string leader_;
  // The elector thread's own state (and stop()'s, after the join).
  nlohmann::json lease_;  // the Lease as last read or written (its resourceVersion)
  Record observed_;
  Clock::time_point observed_time_{};
  std::string reported_leader_;
  std::string last_error_;
};

}  // namespace tollgate::webhook::kube
