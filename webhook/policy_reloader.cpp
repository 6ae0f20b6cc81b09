#include "webhook/policy_reloader.h"

#include <boost/asio/post.hpp>

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "policies/policy_set.h"
#include "webhook/admission_router.h"
#include "webhook/log.h"
#include "webhook/metrics.h"

namespace tollgate::webhook {

namespace net = boost::asio;

namespace {

// What changes a folder's listing or a file in it. Files are replaced by
// renames (editors, the kubelet, git-sync) more often than written in place.
constexpr uint32_t kFolderEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB |
                                   IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
// From the first event of a burst to the look at the fingerprint.
constexpr std::chrono::milliseconds kSettleTime{25};

}  // namespace

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
      metrics_(metrics),
      inotify_(strand_),
      settle_timer_(strand_) {}

void PolicyReloader::start() {
  // Registered at once rather than on the strand: until it is, SIGHUP's
  // default action would end the process, and the server announces that it
  // is ready before the io threads run.
  hangup_.add(SIGHUP);
  net::post(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    self->wait_for_signal();
    self->schedule_poll();
    self->watch_folders();
  });
}

void PolicyReloader::stop() {
  net::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    boost::system::error_code ignored;
    self->hangup_.cancel(ignored);
    self->poll_timer_.cancel();
    self->settle_timer_.cancel();
    if (self->inotify_.is_open()) self->inotify_.close(ignored);
  });
}

void PolicyReloader::watch_folders() {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log_warn(LogLine("cannot watch the policy folders; noticing changes by polling only")
                 .field("error", std::strerror(errno)));
    return;
  }
  inotify_.assign(fd);
  watching_ = true;
  rewatch();
  read_folder_events();
}

// The folders to watch change with the files: a new subfolder, a ConfigMap's
// new hidden folder behind its links, git-sync's new worktree.
void PolicyReloader::rewatch() {
  std::vector<int> now;
  for (const std::string& folder : policy_watch_folders(policy_paths_)) {
    int wd = ::inotify_add_watch(inotify_.native_handle(), folder.c_str(), kFolderEvents);
    if (wd >= 0) now.push_back(wd);  // gone meanwhile: the next event or poll sees it
  }
  std::sort(now.begin(), now.end());
  now.erase(std::unique(now.begin(), now.end()), now.end());
  for (int wd : watches_) {
    if (!std::binary_search(now.begin(), now.end(), wd)) ::inotify_rm_watch(inotify_.native_handle(), wd);
  }
  watches_ = std::move(now);
}

void PolicyReloader::read_folder_events() {
  inotify_.async_read_some(net::buffer(events_), [self = shared_from_this()](boost::system::error_code ec, size_t) {
    if (ec || self->stopped_) return;
    self->on_folder_event();
    self->read_folder_events();
  });
}

void PolicyReloader::on_folder_event() {
  if (settling_) return;
  settling_ = true;
  settle_timer_.expires_after(kSettleTime);
  settle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->settling_ = false;
    if (ec || self->stopped_) return;
    try {
      self->rewatch();
      self->poll();
    } catch (const std::exception& e) {
      self->fail("files changed", e.what());
    }
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
