#include "webhook/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "policies/model/loader.h"
#include "policies/policy_set.h"
#include "policies/vap/live_params.h"
#include "webhook/admission_router.h"
#include "webhook/http_session.h"
#include "webhook/kube/audit_loop.h"
#include "webhook/kube/cluster_source.h"
#include "webhook/kube/leader_election.h"
#include "webhook/listener.h"
#include "webhook/log.h"
#include "webhook/metrics.h"
#include "webhook/metrics_endpoint.h"
#include "webhook/policy_fingerprint.h"
#include "webhook/policy_reloader.h"
#include "webhook/tls_context.h"
#include "webhook/worker_pool.h"

namespace tollgate::webhook {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// How long evaluations cancelled at the shutdown deadline have to notice it
// before the process exits without them.
constexpr std::chrono::milliseconds kEvaluationCancelGrace{500};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

// Written to a temporary name and renamed, so a reader never sees half a file.
void write_ready_file(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write ready file " + temporary);
  }
  std::filesystem::rename(temporary, path);
}

// Signals, draining and the shutdown deadline. Everything runs on one strand.
// On SIGTERM: /readyz fails and every connection drains (its next answer says
// `Connection: close`); the listener stays open for `delay` so that a load
// balancer (or the Service's endpoints) can stop sending new connections
// first, and those it still sends are served once; then it closes, and the
// process waits for the open connections up to `deadline`.
class Shutdown : public std::enable_shared_from_this<Shutdown> {
 public:
  Shutdown(net::io_context& io, std::chrono::seconds delay, std::chrono::seconds deadline,
           std::function<void()> stop_being_ready, std::function<void()> stop_accepting,
           std::shared_ptr<ConnectionTracker> tracker)
      : io_(io),
        strand_(net::make_strand(io)),
        signals_(strand_, SIGINT, SIGTERM),
        poll_(strand_),
        delay_(delay),
        deadline_(deadline),
        stop_being_ready_(std::move(stop_being_ready)),
        stop_accepting_(std::move(stop_accepting)),
        tracker_(std::move(tracker)) {}

  void arm() {
    signals_.async_wait([self = shared_from_this()](boost::system::error_code ec, int signal) {
      if (!ec) self->on_signal(signal);
    });
  }

 private:
  void on_signal(int signal) {
    const char* name = signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal";
    if (started_) {
      log_warn(LogLine("second signal: closing open connections now").field("signal", name));
      tracker_->cancel_all();
      io_.stop();
      return;
    }
    started_ = true;
    log_info(LogLine("shutting down: not ready, finishing in-flight requests")
                 .field("signal", name)
                 .field("open_connections", static_cast<int64_t>(tracker_->open_connections()))
                 .field("delay_seconds", static_cast<int64_t>(delay_.count()))
                 .field("deadline_seconds", static_cast<int64_t>(deadline_.count())));
    stop_being_ready_();
    tracker_->drain_all();
    arm();
    if (delay_.count() == 0) return close_listeners();
    poll_.expires_after(delay_);
    poll_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->close_listeners();
    });
  }

  void close_listeners() {
    if (closed_) return;
    closed_ = true;
    stop_accepting_();
    give_up_at_ = std::chrono::steady_clock::now() + deadline_;
    check();
  }

  // Polls rather than counting down to the last close: the tracker already
  // knows the number, and 20 ms is nothing next to a grace period.
  void check() {
    size_t open = tracker_->open_connections();
    if (open == 0) {
      io_.stop();
      return;
    }
    if (std::chrono::steady_clock::now() >= give_up_at_) {
      log_warn(LogLine("shutdown deadline passed: closing the remaining connections")
                   .field("open_connections", static_cast<int64_t>(open)));
      tracker_->cancel_all();
      io_.stop();
      return;
    }
    poll_.expires_after(std::chrono::milliseconds(20));
    poll_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->check();
    });
  }

  net::io_context& io_;
  net::strand<net::io_context::executor_type> strand_;
  net::signal_set signals_;
  net::steady_timer poll_;
  std::chrono::seconds delay_;
  std::chrono::seconds deadline_;
  std::function<void()> stop_being_ready_;
  std::function<void()> stop_accepting_;
  std::shared_ptr<ConnectionTracker> tracker_;
  bool started_ = false;
  bool closed_ = false;
  std::chrono::steady_clock::time_point give_up_at_;
};

int serve(const ServerOptions& options) {
  log_info(LogLine("loading policies").field("paths", options.policy_paths));
  policies::LoadOptions load_options;
  if (!options.inventory_paths.empty()) {
    std::vector<policies::LoadedObject> objects;
    std::vector<policies::LoadError> errors;
    policies::read_policy_files(options.inventory_paths, objects, errors);
    if (!errors.empty()) {
      for (const policies::LoadError& error : errors) std::cerr << error.to_string() << "\n";
      std::cerr << "tollgate serve: " << errors.size() << " error(s) reading the inventory from "
                << join(options.inventory_paths) << "; not serving\n";
      return 1;
    }
    for (policies::LoadedObject& o : objects) load_options.inventory.push_back(std::move(o.value));
    log_info(LogLine("inventory loaded").field("objects", static_cast<int64_t>(load_options.inventory.size())));
  }
  load_options.vap_environment = options.vap_environment;
  // With a cluster, the admission policies' params come from it too (kube/param_sync.h);
  // until it publishes (or without one) the engines read the files' params.
  std::shared_ptr<policies::vap::LiveParams> live_params;
  if (options.kube_api) {
    live_params = std::make_shared<policies::vap::LiveParams>();
    load_options.admission_policy_live_params = live_params;
  }
  PolicyFingerprint loaded_from = fingerprint_policy_files(options.policy_paths);
  policies::LoadResult loaded = policies::PolicySet::load(options.policy_paths, load_options);
  if (!loaded.errors.empty() || !loaded.policies) {
    for (const policies::LoadError& error : loaded.errors) std::cerr << error.to_string() << "\n";
    std::cerr << "tollgate serve: " << loaded.errors.size() << " error(s) loading policies from "
              << join(options.policy_paths) << "; not serving\n";
    return 1;
  }
  for (const policies::LoadError& warning : loaded.warnings) {
    log_warn(LogLine("policy load warning").field("warning", warning.to_string()));
  }
  policies::PolicyStats stats = loaded.policies->stats();
  policies::mutation::MutatorStats mutator_stats = loaded.policies->mutation().stats();
  log_info(LogLine("policies loaded")
               .field("templates", static_cast<int64_t>(stats.templates))
               .field("constraints", static_cast<int64_t>(stats.constraints))
               .field("mutators", static_cast<int64_t>(mutator_stats.mutators))
               .field("expansion_templates", static_cast<int64_t>(stats.expansion_templates)));

  Metrics metrics;
  metrics.set_policy_stats(stats);
  metrics.set_mutator_stats(mutator_stats);
  AdmissionOptions admission;
  admission.exempt_username = options.exempt_username;
  admission.mutation_annotations = options.mutation_annotations;
  AdmissionRouter router(metrics, admission);
  router.set_policies(loaded.policies);
  // The cluster, when there is one to talk to: on threads of its own.
  std::unique_ptr<kube::ClusterSource> cluster;
  // Whether this replica leads (and so audits): `!elector || elector->is_leader()`.
  std::unique_ptr<kube::LeaderElector> elector;
  // Gatekeeper's audit, on the leader (webhook/kube/audit_loop.h); why not, when off.
  std::unique_ptr<kube::AuditLoop> audit_loop;
  std::string audit_off = "audit is off: no kube API (--kube-api off, or neither --kubeconfig nor in-cluster config)";
  {
    kube::KubeApiOptions kube_options;
    kube_options.mode = options.kube_api ? kube::KubeApiOptions::Mode::Auto : kube::KubeApiOptions::Mode::Off;
    kube_options.kubeconfig = options.kubeconfig;
    kube_options.sync.max_objects = options.sync_max_objects;
    kube_options.sync.max_bytes = options.sync_max_bytes;
    std::string kube_error;
    std::optional<kube::ClusterConfig> cluster_config = kube::choose_cluster(kube_options, &kube_error);
    if (!kube_error.empty()) {
      std::cerr << "tollgate serve: " << kube_error << "; not serving\n";
      return 1;
    }
    if (cluster_config) {
      log_info(LogLine("kube API on: Namespaces, the Config's syncOnly kinds and admission policy params come from the cluster")
                   .field("source", cluster_config->description)
                   .field("server", cluster_config->host + ":" + cluster_config->port));
      auto connection = std::make_shared<kube::ClusterConnection>(*cluster_config, kube_options.client);
      cluster = std::make_unique<kube::ClusterSource>(connection, metrics.registry(), kube_options.sync,
                                                      load_options.inventory, live_params);
      router.set_cluster(cluster.get());
      cluster->start();
      if (options.leader_election) {
        kube::LeaderElectionOptions election;
        election.lease_name = options.leader_election_lease;
        election.lease_namespace = options.leader_election_namespace.empty()
                                       ? kube::default_lease_namespace(*cluster_config)
                                       : options.leader_election_namespace;
        elector = std::make_unique<kube::LeaderElector>(connection, std::move(election), &metrics.registry());
        elector->start();
      }
      if (options.audit_interval_seconds > 0) {
        kube::AuditLoopOptions audit_options;
        audit_options.interval = std::chrono::seconds(options.audit_interval_seconds);
        audit_options.chunk_size = options.audit_chunk_size;
        audit_options.audit.violations_limit = options.constraint_violations_limit;
        audit_options.vap_environment = options.vap_environment;
        kube::LeaderElector* leader = elector.get();
        audit_loop = std::make_unique<kube::AuditLoop>(
            connection, [&router] { return router.policies(); }, cluster.get(),
            [leader] { return leader == nullptr || leader->is_leader(); }, metrics.registry(), audit_options);
        log_info(LogLine("audit on").field("interval_seconds", static_cast<int64_t>(options.audit_interval_seconds)));
      } else {
        audit_off = "audit is off (--audit-interval 0)";
      }
    } else {
      log_info(LogLine("kube API off: Namespaces and data.inventory come from the policy and inventory files"));
    }
  }
  MetricsEndpoint metrics_endpoint(metrics);
  metrics_endpoint.add_route("/audit", [&audit_loop, &audit_off] {
    kube::AuditLoop::Answer answer = audit_loop ? audit_loop->answer() : kube::audit_off_answer(audit_off);
    return make_response(static_cast<http::status>(answer.status), "application/json", std::move(answer.body));
  });
  ReloadingTlsContext tls(options.tls_cert_file, options.tls_key_file);
  metrics.set_tls_not_after_source([&tls] { return tls.not_after_unix(); });
  struct ForgetTls {  // metrics outlives tls: stop reading it first
    Metrics& metrics;
    ~ForgetTls() { metrics.set_tls_not_after_source(nullptr); }
  } forget_tls{metrics};

  SessionLimits limits;
  limits.max_body_bytes = options.max_body_bytes;
  limits.read_timeout = std::chrono::seconds(std::max(1, options.read_timeout_seconds));
  limits.idle_timeout = std::chrono::seconds(std::max(1, options.idle_timeout_seconds));
  auto tracker = std::make_shared<ConnectionTracker>();

  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Declared after everything the sessions refer to, so that connections
  // still owned by the io_context at the deadline are destroyed first.
  net::io_context io(threads);
  // After the io_context: its tasks hold connections, which must go before it.
  WorkerPool evaluators(options.eval_threads > 0 ? static_cast<size_t>(options.eval_threads) : static_cast<size_t>(threads),
                        static_cast<size_t>(std::max(0, options.eval_queue)));
  router.set_worker_pool(&evaluators);

  auto admission_listener = std::make_shared<Listener>(
      io, resolve_listen_address(io, options.addr),
      [&](tcp::socket socket) { start_tls_session(std::move(socket), tls.current(), router, limits, tracker); });
  std::shared_ptr<Listener> metrics_listener;
  if (!options.metrics_addr.empty()) {
    metrics_listener = std::make_shared<Listener>(
        io, resolve_listen_address(io, options.metrics_addr),
        [&](tcp::socket socket) { start_plain_session(std::move(socket), metrics_endpoint, limits, tracker); });
  }

  auto reloader = std::make_shared<PolicyReloader>(io, options.policy_paths, std::move(loaded_from), router, metrics);
  reloader->set_load_options(load_options);

  auto shutdown = std::make_shared<Shutdown>(
      io, std::chrono::seconds(std::max(0, options.shutdown_delay_seconds)),
      std::chrono::seconds(std::max(0, options.shutdown_timeout_seconds)),
      [&] {
        reloader->stop();
        router.stop_being_ready();
      },
      [&] {
        admission_listener->stop();
        if (metrics_listener) metrics_listener->stop();
      },
      tracker);
  shutdown->arm();
  reloader->start();

  admission_listener->start();
  std::string ready = "listening on https://" + format_endpoint(admission_listener->local_endpoint()) + "\n";
  log_info(LogLine(ready.substr(0, ready.size() - 1))
               .field("threads", static_cast<int64_t>(threads))
               .field("eval_threads", static_cast<int64_t>(evaluators.threads()))
               .field("eval_queue", static_cast<int64_t>(evaluators.queue_limit())));
  if (metrics_listener) {
    metrics_listener->start();
    std::string line = "metrics on http://" + format_endpoint(metrics_listener->local_endpoint());
    log_info(LogLine(line));
    ready += line + "\n";
  }
  if (!options.ready_file.empty()) write_ready_file(options.ready_file, ready);
  if (audit_loop) audit_loop->start();

  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& worker : workers) worker.join();
  if (audit_loop) audit_loop->stop();
  // Releases the Lease (whatever it guards must have stopped first), so another replica takes over at once.
  if (elector) elector->stop();
  if (cluster) cluster->stop();
  evaluators.stop();
  if (!evaluators.wait_idle(kEvaluationCancelGrace)) {
    // An evaluation that does not notice its cancellation must not keep the
    // process (its memory and the pod's grace period) hostage.
    log_warn(LogLine("stopped with evaluations still running; not waiting for them")
                 .field("evaluations", static_cast<int64_t>(evaluators.running())));
    flush_log();  // _Exit runs no atexit hook
    std::fflush(nullptr);
    std::_Exit(0);
  }
  router.set_worker_pool(nullptr);
  log_info(LogLine("stopped"));
  // Every line logged until now reaches stderr before the process exits.
  flush_log();
  return 0;
}

}  // namespace

int run_server(const ServerOptions& options) {
  try {
    return serve(options);
  } catch (const std::exception& e) {
    log_error(LogLine("cannot serve").field("error", e.what()));
    flush_log();
    std::cerr << "tollgate serve: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tollgate::webhook
