#include "webhook/kube/leader_election.h"

#include <unistd.h>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <stdexcept>

#include "webhook/log.h"

namespace tollgate::webhook::kube {
namespace {

using namespace std::chrono_literals;

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

// metav1.MicroTime: RFC 3339 in UTC with six fractional digits.
std::string micro_time_now() {
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06dZ", static_cast<int>(micros % 1000000));
  return std::string(date) + fraction;
}

int64_t whole_seconds(std::chrono::milliseconds d) {
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

std::string check_leader_election_options(const LeaderElectionOptions& options) {
  if (options.lease_name.empty()) return "the Lease needs a name";
  if (options.lease_namespace.empty()) return "the Lease needs a namespace";
  if (options.retry_period <= 0ms) return "the retry period must be greater than zero";
  if (options.renew_deadline <= 0ms) return "the renew deadline must be greater than zero";
  if (options.lease_duration <= options.renew_deadline) {
    return "the lease duration must be greater than the renew deadline";
  }
  // client-go: renewDeadline > JitterFactor (1.2) x retryPeriod.
  if (options.renew_deadline * 5 <= options.retry_period * 6) {
    return "the renew deadline must be greater than 1.2 times the retry period";
  }
  return "";
}

std::string default_leader_identity() {
  std::string name;
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') {
    name = pod;
  } else {
    char host[256] = {};
    name = gethostname(host, sizeof host - 1) == 0 && host[0] != '\0' ? host : "tollgate";
  }
  // A version-4 UUID, as client-go's callers append (uuid.NewUUID()).
  std::uniform_int_distribution<int> nibble(0, 15);
  static const char* hex = "0123456789abcdef";
  std::string uuid;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) uuid += '-';
    int v = nibble(random_engine());
    if (i == 12) v = 4;
    if (i == 16) v = 8 | (v & 3);
    uuid += hex[v];
  }
  return name + "_" + uuid;
}

std::string default_lease_namespace(const ClusterConfig& config) {
  return config.namespace_name.empty() ? "default" : config.namespace_name;
}

LeaderElector::LeaderElector(std::shared_ptr<ClusterConnection> cluster, LeaderElectionOptions options,
                             prometheus::Registry* registry)
    : cluster_(cluster), options_(std::move(options)), client_(std::move(cluster)) {
  if (std::string why = check_leader_election_options(options_); !why.empty()) throw std::invalid_argument(why);
  if (options_.identity.empty()) options_.identity = default_leader_identity();
  if (registry != nullptr) {
    master_status_ = &prometheus::BuildGauge()
                          .Name("leader_election_master_status")
                          .Help("Gauge of if the reporting system is master of the relevant lease, 0 indicates "
                                "backup, 1 indicates master. 'name' is the string used to identify the lease. "
                                "Please make sure to group by name.")
                          .Register(*registry)
                          .Add({{"name", options_.lease_name}});
    master_status_->Set(0);
  }
}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stopped_) return;
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_.store(true);
  }
  wake_.notify_all();
  client_.cancel();
  if (thread_.joinable()) thread_.join();
  // Whatever the lease guards sees it lost before the Lease goes.
  if (leading_.load()) set_leading(false, "stopping");
  if (options_.release_on_stop && holding()) release();
}

std::string LeaderElector::leader() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return leader_;
}

std::string LeaderElector::lease_path(bool with_name) const {
  std::string path = "/apis/coordination.k8s.io/v1/namespaces/" + options_.lease_namespace + "/leases";
  return with_name ? path + "/" + options_.lease_name : path;
}

nlohmann::json LeaderElector::spec_of(const Record& record) const {
  return {{"holderIdentity", record.holder},
          {"leaseDurationSeconds", record.duration_seconds},
          {"acquireTime", record.acquire_time},
          {"renewTime", record.renew_time},
          {"leaseTransitions", record.transitions}};
}

LeaderElector::Record LeaderElector::record_of(const nlohmann::json& lease) {
  Record record;
  auto it = lease.find("spec");
  if (it == lease.end() || !it->is_object()) return record;
  const nlohmann::json& spec = *it;
  auto text = [&spec](const char* key) {
    auto f = spec.find(key);
    return f != spec.end() && f->is_string() ? f->get<std::string>() : std::string();
  };
  auto number = [&spec](const char* key) {
    auto f = spec.find(key);
    return f != spec.end() && f->is_number_integer() ? f->get<int64_t>() : int64_t{0};
  };
  record.holder = text("holderIdentity");
  record.duration_seconds = number("leaseDurationSeconds");
  record.acquire_time = text("acquireTime");
  record.renew_time = text("renewTime");
  record.transitions = number("leaseTransitions");
  return record;
}

void LeaderElector::set_observed(const Record& record) {
  observed_ = record;
  observed_time_ = Clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  leader_ = record.holder;
}

void LeaderElector::report_new_leader() {
  if (observed_.holder == reported_leader_) return;
  reported_leader_ = observed_.holder;
  if (!reported_leader_.empty() && reported_leader_ != options_.identity) {
    log_info(LogLine("new leader observed").field("lease", describe()).field("leader", reported_leader_));
  }
  if (options_.on_new_leader) options_.on_new_leader(reported_leader_);
}

void LeaderElector::set_leading(bool leading, const std::string& why) {
  if (leading_.exchange(leading) == leading) return;
  if (master_status_ != nullptr) master_status_->Set(leading ? 1 : 0);
  if (leading) {
    log_info(LogLine("became leader").field("lease", describe()).field("identity", options_.identity));
    if (options_.on_started_leading) options_.on_started_leading();
  } else {
    log_warn(LogLine("stopped leading").field("lease", describe()).field("identity", options_.identity).field("reason", why));
    if (options_.on_stopped_leading) options_.on_stopped_leading();
  }
}

void LeaderElector::renewed_now() {
  lead_until_.store((Clock::now() + options_.retry_period + options_.renew_deadline).time_since_epoch().count());
}

bool LeaderElector::wait(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void LeaderElector::note_error(const std::string& error) {
  // Once per distinct failure, not once per retry period.
  if (error == last_error_) return;
  last_error_ = error;
  log_warn(LogLine("leader election: cannot read or write the Lease").field("lease", describe()).field("error", error));
}

// Bounds the next request by what is left before `deadline`; false when
// nothing is.
bool LeaderElector::bound_call(ApiClient& client, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left <= 0ms) return false;
  client.set_request_timeout(std::min(left, cluster_->options().request_timeout));
  return true;
}

bool LeaderElector::update(ApiClient& client, const Record& record, Clock::time_point deadline, bool quiet) {
  if (lease_.is_null() || !bound_call(client, deadline)) return false;
  nlohmann::json lease = lease_;
  lease["spec"] = spec_of(record);
  ApiResponse response = client.put(lease_path(true), lease.dump());
  if (response.status == 200) {
    nlohmann::json stored = nlohmann::json::parse(response.body, nullptr, false);
    lease_ = stored.is_object() ? std::move(stored) : nlohmann::json();
    return true;
  }
  if (response.status == 401) cluster_->tokens().invalidate();
  // A 409 is routine (another replica wrote first, or our copy is old): read again.
  if (!quiet && response.status != 409) note_error("PUT " + lease_path(true) + ": " + response.describe());
  return false;
}

bool LeaderElector::try_acquire_or_renew(Clock::time_point deadline) {
  Record desired;
  desired.holder = options_.identity;
  desired.duration_seconds = whole_seconds(options_.lease_duration);
  desired.renew_time = micro_time_now();
  desired.acquire_time = desired.renew_time;

  // 1. The holder renews optimistically from the copy it wrote last, while
  //    that copy is still valid; a Conflict falls through to a fresh read.
  if (holding() && observed_time_ + std::chrono::seconds(observed_.duration_seconds) > Clock::now()) {
    Record renewed = desired;
    renewed.acquire_time = observed_.acquire_time;
    renewed.transitions = observed_.transitions;
    if (update(client_, renewed, deadline, true)) {
      set_observed(renewed);
      return true;
    }
  }

  // 2. Read the Lease, or create it.
  if (!bound_call(client_, deadline)) return false;
  ApiResponse got = client_.get(lease_path(true));
  if (got.status == 404) {
    if (!bound_call(client_, deadline)) return false;
    nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                            {"kind", "Lease"},
                            {"metadata", {{"name", options_.lease_name}, {"namespace", options_.lease_namespace}}},
                            {"spec", spec_of(desired)}};
    ApiResponse created = client_.post(lease_path(false), lease.dump());
    if (created.status != 201 && created.status != 200) {
      if (created.status == 401) cluster_->tokens().invalidate();
      // AlreadyExists: another replica created it first; read it next time.
      if (created.status != 409) note_error("POST " + lease_path(false) + ": " + created.describe());
      return false;
    }
    nlohmann::json stored = nlohmann::json::parse(created.body, nullptr, false);
    lease_ = stored.is_object() ? std::move(stored) : nlohmann::json();
    set_observed(desired);
    last_error_.clear();
    return true;
  }
  if (got.status != 200) {
    if (got.status == 401) cluster_->tokens().invalidate();
    note_error("GET " + lease_path(true) + ": " + got.describe());
    return false;
  }
  nlohmann::json lease = nlohmann::json::parse(got.body, nullptr, false);
  if (!lease.is_object()) {
    note_error("GET " + lease_path(true) + ": the answer is not a JSON object");
    return false;
  }
  lease_ = std::move(lease);
  last_error_.clear();

  // 3. Someone else's unexpired Lease: expiry is timed from when this
  //    elector saw the record change, on its own clock.
  Record current = record_of(lease_);
  if (!(current == observed_)) set_observed(current);
  if (!current.holder.empty() && !holding() &&
      observed_time_ + std::chrono::seconds(current.duration_seconds) > Clock::now()) {
    return false;
  }

  // 4. Renew (keeping acquireTime and the transition count) or take over.
  if (holding()) {
    desired.acquire_time = current.acquire_time;
    desired.transitions = current.transitions;
  } else {
    desired.transitions = current.transitions + 1;
  }
  if (!update(client_, desired, deadline, false)) return false;
  set_observed(desired);
  return true;
}

void LeaderElector::run() {
  log_info(LogLine("attempting to acquire leader lease").field("lease", describe()).field("identity", options_.identity));
  std::uniform_real_distribution<double> jitter(0.0, 1.2);  // client-go's JitterFactor
  while (!stopping_.load()) {
    // Candidate: try every retry period, jittered.
    bool acquired = false;
    try {
      acquired = try_acquire_or_renew(Clock::now() + options_.renew_deadline);
    } catch (const TransportError& e) {
      if (!stopping_.load()) note_error(e.what());
    }
    report_new_leader();
    if (!acquired) {
      auto period = options_.retry_period * (1.0 + jitter(random_engine()));
      if (!wait(std::chrono::duration_cast<std::chrono::milliseconds>(period))) break;
      continue;
    }
    renewed_now();
    set_leading(true, "");
    // Leader: renew every retry period; give up when another holder shows up
    // or renewDeadline passes without a renewal.
    std::string lost;
    while (lost.empty() && wait(options_.retry_period)) {
      Clock::time_point deadline = Clock::now() + options_.renew_deadline;
      for (;;) {
        bool renewed = false;
        try {
          renewed = try_acquire_or_renew(deadline);
        } catch (const TransportError& e) {
          if (!stopping_.load()) note_error(e.what());
        }
        report_new_leader();
        if (renewed) renewed_now();
        if (stopping_.load() || renewed) break;
        if (!observed_.holder.empty() && !holding()) {
          lost = "the Lease is held by " + observed_.holder;
          break;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms || !wait(std::min(left, options_.retry_period)) || Clock::now() >= deadline) {
          if (!stopping_.load()) lost = "not renewed within the renew deadline";
          break;
        }
      }
    }
    if (!lost.empty()) set_leading(false, lost);
  }
}

void LeaderElector::release() {
  // client_ is cancelled: a fresh client, bounded by the renew deadline.
  ApiClient client(cluster_);
  Clock::time_point deadline = Clock::now() + options_.renew_deadline;
  Record released;
  released.duration_seconds = 1;  // as client-go writes it; the empty holder is what frees it
  released.renew_time = micro_time_now();
  released.acquire_time = released.renew_time;
  released.transitions = observed_.transitions;
  try {
    // The copy may be one write behind (a renewal cancelled mid-flight):
    // on a Conflict, read it again and release it only if still ours.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (update(client, released, deadline, attempt == 0)) {
        set_observed(released);
        log_info(LogLine("released leader lease").field("lease", describe()).field("identity", options_.identity));
        return;
      }
      if (!bound_call(client, deadline)) break;
      ApiResponse got = client.get(lease_path(true));
      if (got.status != 200) break;
      nlohmann::json lease = nlohmann::json::parse(got.body, nullptr, false);
      if (!lease.is_object() || record_of(lease).holder != options_.identity) return;  // not ours any more
      lease_ = std::move(lease);
      released.transitions = record_of(lease_).transitions;
    }
  } catch (const TransportError& e) {
    note_error(e.what());
  }
  log_warn(LogLine("could not release leader lease; the other replicas take over when it expires")
               .field("lease", describe()));
}

}  // namespace tollgate::webhook::kube
