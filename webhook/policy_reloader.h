// Policy hot reload for `tollgate serve`: on SIGHUP, and when the policy
// files change, the whole PolicySet is loaded again and swapped into the
// router. A set that fails to load is logged and counted, and the last good
// set stays in service.
//
// Changes are seen by inotify on the folders (policy_watch_folders: a
// ConfigMap's `..data` swap or a git-sync `current` switch is a rename in a
// watched folder), within tens of milliseconds, and by polling the
// fingerprint every 2 s as a fallback (no inotify, files behind links to
// unwatched folders, network file systems). Either way the reload happens
// only when the fingerprint changed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
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

  // Starts listening for SIGHUP, watching the folders and polling the files.
  // Call once, before stop() can run.
  void start();
  // Stops all three (shutdown); a reload already running finishes. Thread-safe.
  void stop();
  // Whether folder changes are watched (inotify available); polling goes on
  // either way. Set once start() has run on the io_context.
  bool watching_folders() const { return watching_; }

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
  void watch_folders();
  void rewatch();
  void read_folder_events();
  void on_folder_event();

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
  // inotify: the instance, its watches (descriptor -> folder), the buffer
  // its events are read into (their content does not matter: any event means
  // "look at the fingerprint"), and the short wait that lets a burst of
  // events (the kubelet's four steps of a swap) settle first.
  boost::asio::posix::stream_descriptor inotify_;
  std::vector<int> watches_;
  std::array<char, 4096> events_{};
  boost::asio::steady_timer settle_timer_;
  bool settling_ = false;
  bool watching_ = false;
  bool stopped_ = false;
};

}  // namespace tollgate::webhook
