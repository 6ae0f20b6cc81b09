// The admission webhook server: HTTPS (Boost.Beast over OpenSSL, TLS 1.2+)
// for /validate (/v1/admit), /mutate (/v1/mutate), /healthz, /readyz, and a
// separate plain-HTTP listener for Prometheus /metrics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::webhook {

struct ServerOptions {
  std::vector<std::string> policy_paths;  // --policies (repeatable)
  // --inventory (repeatable): files or directories of objects visible to Rego
  // policies as data.inventory (Gatekeeper syncs them from the cluster).
  std::vector<std::string> inventory_paths;
  std::string tls_cert_file;              // --tls-cert
  std::string tls_key_file;               // --tls-key
  std::string addr = "127.0.0.1:8443";    // --addr HOST:PORT (port 0 = pick a free one)
  std::string metrics_addr = "127.0.0.1:9090";  // --metrics-addr HOST:PORT ("" = disabled)
  int threads = 0;                        // --threads (0 = hardware concurrency)
  // /validate and /mutate are evaluated on their own threads (--eval-threads,
  // 0 = as many as --threads), so that a slow evaluation never holds up the
  // I/O threads: /healthz, /readyz, /metrics and reading requests. Requests
  // wait for a free one in a queue of at most --eval-queue; beyond it they
  // get 503 at once.
  int eval_threads = 0;
  int eval_queue = 256;
  size_t max_body_bytes = 7 * 1024 * 1024;  // Gatekeeper's limit: larger bodies get 413 before being read
  int read_timeout_seconds = 10;
  int idle_timeout_seconds = 60;
  // After SIGTERM/SIGINT: how long in-flight requests may take to finish
  // before the remaining connections are cut and evaluations still running
  // are cancelled (Kubernetes' default grace period is 30 s). A second signal
  // does that at once. The process ends within this bound plus half a
  // second, whatever the evaluations do.
  int shutdown_timeout_seconds = 25;
  // After SIGTERM/SIGINT, how long /readyz fails while the listener still
  // accepts (and serves each new connection once), before it closes: the
  // time a Service's endpoints or a load balancer's health check need to stop
  // sending new connections. Without it, connections already on their way
  // are refused or reset. The drain bound above starts after it.
  int shutdown_delay_seconds = 0;
  // Where to print "listening on https://HOST:PORT" / "metrics on http://HOST:PORT" lines once bound
  // (tests read the chosen ports from these lines when port 0 is used). The lines always go to the
  // JSON log on stderr as well; empty = only there.
  std::string ready_file;
  // Gatekeeper's own service account (--gatekeeper-namespace) and
  // --mutation-annotations; see AdmissionOptions.
  std::string exempt_username;
  bool mutation_annotations = false;
  // The cluster as a source (webhook/kube/): Namespaces for namespaceSelector
  // and the Config's syncOnly kinds as data.inventory. --kube-api auto: from
  // --kubeconfig when given, else in-cluster when KUBERNETES_SERVICE_HOST is
  // set, else off (policy and inventory files only); --kube-api off: never.
  bool kube_api = true;
  std::string kubeconfig;
  size_t sync_max_objects = 100000;          // --sync-max-objects
  size_t sync_max_bytes = size_t{512} << 20;  // --sync-max-bytes (estimated)
  // Gatekeeper's audit (webhook/kube/audit_loop.h), with the kube API on and
  // on the leader only: every --audit-interval seconds (0 = off) the kinds the
  // constraints match are listed in chunks of --audit-chunk-size; results in
  // the gatekeeper_violations/audit metrics and at /audit on the metrics port.
  int audit_interval_seconds = 60;
  size_t audit_chunk_size = 500;
  size_t constraint_violations_limit = 20;  // --constraint-violations-limit
  // With the kube API on, replicas elect one leader on a Lease
  // (webhook/kube/leader_election.h): only the leader audits, every replica
  // serves. Namespace "" = the pod's (service account), else "default".
  // --vap-environment: the Kubernetes CEL environment ValidatingAdmissionPolicies and
  // MutatingAdmissionPolicies compile in, at /validate, /mutate and in the audit
  // (policies::LoadOptions::vap_environment: "1.32" or "current").
  std::string vap_environment = "1.32";
  bool leader_election = true;                   // --leader-election
  std::string leader_election_lease = "tollgate-audit";  // --leader-election-lease
  std::string leader_election_namespace;         // --leader-election-namespace
};

// Loads the policies (refusing to start on any load error, printed as
// file:line:col lines on stderr), binds, serves until SIGTERM/SIGINT, then
// drains in-flight requests. Reloads the policies on SIGHUP and when their
// files change, keeping the last good set when a reload fails. Returns the
// process exit code.
int run_server(const ServerOptions& options);

}  // namespace tollgate::webhook
