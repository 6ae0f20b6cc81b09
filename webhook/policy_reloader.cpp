#include "webhook/policy_reloader.h"

#include <boost/asio/post.hpp>

#include <csignal>

#include "policies/policy_set.h"
#include "webhook/admission_router.h"
#include "webhook/log.h"
#include "webhook/metrics.h"

namespace tollgate::webhook {

namespace net = boost::asio;

PolicyReloader::PolicyReloader(net::io_context& io, std::vector<std::string> policy_paths,
                               PolicyFingerprint loaded_from, AdmissionRouter& router, Metrics& metrics,
                               std::chrono::milliseconds poll_interval)
    : strand_(net::make_strand(io)),
      hangup_(strand_),
      poll_timer_(strand_),
      poll_interval_(poll_interval),
      policy_paths_(std::move(policy_paths)),
      fingerprint_(std::move(loaded_from)),
      router_(router),
      metrics_(metrics) {}

void PolicyReloader::start() {
  // Registered at once rather than on the strand: until it is, SIGHUP's
  // default action would end the process, and the server announces that it
  // is ready before the io threads run.
  hangup_.add(SIGHUP);
  net::post(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    self->wait_for_signal();
    self->schedule_poll();
  });
}

void PolicyReloader::stop() {
  net::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    boost::system::error_code ignored;
    self->hangup_.cancel(ignored);
    self->poll_timer_.cancel();
  });
}

void PolicyReloader::wait_for_signal() {
  hangup_.async_wait([self = shared_from_this()](boost::system::error_code ec, int) {
    if (ec || self->stopped_) return;
    // Taken before loading, like at startup: a write during the load shows
    // up as a change at the next poll.
    try {
      self->fingerprint_ = fingerprint_policy_files(self->policy_paths_);
    } catch (const std::exception& e) {
      self->fail("SIGHUP", e.what());
    }
    self->reload("SIGHUP");
    self->wait_for_signal();
  });
}

void PolicyReloader::schedule_poll() {
  poll_timer_.expires_after(poll_interval_);
  poll_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    try {
      self->poll();
    } catch (const std::exception& e) {
      self->fail("files changed", e.what());
    }
    self->schedule_poll();
  });
}

void PolicyReloader::poll() {
  PolicyFingerprint now = fingerprint_policy_files(policy_paths_);
  if (now == fingerprint_) return;
  // Remembered even when the load fails, so a broken file is reported once,
  // not every poll; the next edit (or SIGHUP) tries again.
  fingerprint_ = std::move(now);
  reload("files changed");
}

bool PolicyReloader::reload(std::string_view trigger) {
  try {
    return try_reload(trigger);
  } catch (const std::exception& e) {
    fail(trigger, e.what());
  } catch (...) {
    fail(trigger, "unknown exception");
  }
  return false;
}

void PolicyReloader::fail(std::string_view trigger, std::string_view why) {
  try {
    log_error(LogLine("policy reload failed; keeping the last good policy set")
                  .field("trigger", trigger)
                  .field("error", why));
  } catch (...) {
  }
  metrics_.record_policy_reload(false);
}

bool PolicyReloader::try_reload(std::string_view trigger) {
  policies::LoadResult loaded =
      loader_ ? loader_(policy_paths_, load_options_) : policies::PolicySet::load(policy_paths_, load_options_);
  if (!loaded.errors.empty() || !loaded.policies) {
    for (const policies::LoadError& error : loaded.errors) {
      log_error(LogLine("policy load error").field("error", error.to_string()));
    }
    log_error(LogLine("policy reload failed; keeping the last good policy set")
                  .field("trigger", trigger)
                  .field("errors", static_cast<int64_t>(loaded.errors.size())));
    metrics_.record_policy_reload(false);
    return false;
  }
  for (const policies::LoadError& warning : loaded.warnings) {
    log_warn(LogLine("policy load warning").field("warning", warning.to_string()));
  }
  policies::PolicyStats stats = loaded.policies->stats();
  policies::mutation::MutatorStats mutator_stats = loaded.policies->mutation().stats();
  router_.set_policies(std::move(loaded.policies));
  metrics_.set_policy_stats(stats);
  metrics_.set_mutator_stats(mutator_stats);
  metrics_.record_policy_reload(true);
  log_info(LogLine("policies reloaded")
               .field("trigger", trigger)
               .field("templates", static_cast<int64_t>(stats.templates))
               .field("constraints", static_cast<int64_t>(stats.constraints))
               .field("mutators", static_cast<int64_t>(mutator_stats.mutators)));
  return true;
}

}  // namespace tollgate::webhook
