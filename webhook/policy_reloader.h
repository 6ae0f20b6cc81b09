// Policy hot reload for `tollgate serve`: on SIGHUP, and when the policy
// files change (polled every 2 s), the whole PolicySet is loaded again and
// swapped into the router. A set that fails to load is logged and counted,
// and the last good set stays in service.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policies/policy_set.h"
#include "webhook/policy_fingerprint.h"

namespace tollgate::webhook {

class AdmissionRouter;
class Metrics;

class PolicyReloader : public std::enable_shared_from_this<PolicyReloader> {
 public:
  // `loaded_from` is the fingerprint taken just before the set now in service
  // was loaded, so that a change made during that load is still noticed.
  PolicyReloader(boost::asio::io_context& io, std::vector<std::string> policy_paths, PolicyFingerprint loaded_from,
                 AdmissionRouter& router, Metrics& metrics,
                 std::chrono::milliseconds poll_interval = std::chrono::seconds(2));

  // How every reload loads the policies (the inventory given at startup).
  void set_load_options(policies::LoadOptions options) { load_options_ = std::move(options); }
  // What loads them: PolicySet::load unless replaced (tests).
  using Loader = std::function<policies::LoadResult(const std::vector<std::string>&, const policies::LoadOptions&)>;
  void set_loader(Loader loader) { loader_ = std::move(loader); }

  // Starts listening for SIGHUP and polling the files. Call once, before
  // stop() can run.
  void start();
  // Stops both (shutdown); a reload already running finishes. Thread-safe.
  void stop();

  // Loads the policies now and installs them if they load without errors.
  // `trigger` says why, for the log. Returns whether the new set is in service.
  // Never throws: a load that throws (out of memory, ...) is a failed reload,
  // logged and counted, and the last good set stays.
  bool reload(std::string_view trigger);

 private:
  bool try_reload(std::string_view trigger);
  void fail(std::string_view trigger, std::string_view why);
  void wait_for_signal();
  void schedule_poll();
  void poll();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::signal_set hangup_;
  boost::asio::steady_timer poll_timer_;
  std::chrono::milliseconds poll_interval_;
  std::vector<std::string> policy_paths_;
  policies::LoadOptions load_options_;
  Loader loader_;
  PolicyFingerprint fingerprint_;
  AdmissionRouter& router_;
  Metrics& metrics_;
  bool stopped_ = false;
};

}  // namespace tollgate::webhook
