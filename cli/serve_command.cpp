#include <cstdlib>
#include <ostream>
#include <utility>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/eval_budget_flags.h"
#include "policies/vap/cel_env.h"
#include "webhook/admission_router.h"
#include "webhook/server.h"

namespace tollgate::cli {
namespace {

const std::vector<OptionSpec>& serve_options() {
  static const std::vector<OptionSpec> specs = {
      {"policies", 0, true, true, "PATH", "file or directory of templates, constraints, mutators and Config"},
      {"inventory", 0, true, true, "PATH", "file or directory of objects Rego policies see as data.inventory"},
      {"tls-cert", 0, true, false, "FILE", "PEM serving certificate (chain)"},
      {"tls-key", 0, true, false, "FILE", "PEM private key"},
      {"addr", 0, true, false, "HOST:PORT", "HTTPS listen address (default 127.0.0.1:8443; port 0 picks one)"},
      {"metrics-addr", 0, true, false, "HOST:PORT", "plain-HTTP /metrics address (default 127.0.0.1:9090; \"\" disables)"},
      {"threads", 0, true, false, "N", "I/O threads (default: hardware concurrency)"},
      {"eval-threads", 0, true, false, "N",
       "threads evaluating /validate and /mutate, apart from the I/O threads so that /healthz, /readyz and "
       "/metrics answer whatever an evaluation does (default: as many as --threads)"},
      {"eval-queue", 0, true, false, "N",
       "admission requests that may wait for an evaluation thread; beyond them the answer is a denial with code 503 "
       "inside the AdmissionReview, never a bare HTTP error (default 256)"},
      {"shutdown-timeout", 0, true, false, "SECONDS",
       "after SIGTERM, how long requests in flight may take before connections are cut and evaluations cancelled "
       "(default 25)"},
      {"shutdown-delay", 0, true, false, "SECONDS",
       "after SIGTERM, how long /readyz fails while new connections are still accepted (each served once), before "
       "the listener closes: the time endpoints or a load balancer need to stop sending them (default 0)"},
      {"ready-file", 0, true, false, "FILE", "write the bound addresses here once listening"},
      {"gatekeeper-namespace", 0, true, false, "NS",
       "admit requests by system:serviceaccount:NS:gatekeeper-admin untouched, as Gatekeeper exempts its own service "
       "account (default $POD_NAMESPACE, else gatekeeper-system; \"\" exempts nobody)"},
      {"mutation-annotations", 0, false, false, "",
       "add gatekeeper.sh/mutations and gatekeeper.sh/mutation-id to mutated objects"},
      max_eval_time_option(),
      max_policy_file_bytes_option(),
      {"kube-api", 0, true, false, "auto|off",
       "auto (default): Namespaces (for namespaceSelector), the Config's syncOnly kinds (as data.inventory) and the "
       "params of ValidatingAdmissionPolicies and MutatingAdmissionPolicies are listed and watched from the cluster given by --kubeconfig, or in-cluster when KUBERNETES_SERVICE_HOST is set; "
       "off: only the policy and inventory files"},
      {"kubeconfig", 0, true, false, "FILE", "talk to the cluster of this kubeconfig's current context"},
      {"sync-max-objects", 0, true, false, "N",
       "objects synced into data.inventory at most; beyond it they are left out, logged and counted (default 100000)"},
      {"sync-max-bytes", 0, true, false, "BYTES",
       "estimated memory of synced objects at most, e.g. 512Mi or 1Gi (default 512Mi)"},
      {"leader-election", 0, false, false, "",
       "with the kube API on (default): replicas elect one leader on a Lease, and only it audits; "
       "--leader-election=false: every replica audits"},
      {"leader-election-lease", 0, true, false, "NAME", "the Lease's name (default tollgate-audit)"},
      {"leader-election-namespace", 0, true, false, "NS",
       "the Lease's namespace (default: the pod's, from its service account; else default)"},
      {"audit-interval", 0, true, false, "SECONDS",
       "with the kube API on, audit what runs in the cluster every SECONDS on the leader, as Gatekeeper's audit: "
       "metrics gatekeeper_violations, gatekeeper_audit_*, and the report at /audit on the metrics port "
       "(default 60; 0 = off)"},
      {"audit-chunk-size", 0, true, false, "N", "objects per list request of the audit (default 500)"},
      {"constraint-violations-limit", 0, true, false, "N",
       "violations the audit report keeps per constraint, as Gatekeeper's status (default 20; totals count all)"},
      {"vap-environment", 0, true, false, "VERSION",
       "Kubernetes CEL environment of ValidatingAdmissionPolicies and MutatingAdmissionPolicies, at /validate, "
       "/mutate and in the audit: 1.32 (default; Gatekeeper 3.19's) or current"},
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate serve --policies PATH... --tls-cert FILE --tls-key FILE [options]\n\n"
         "Serves the validating (/validate, /v1/admit) and mutating (/mutate, /v1/mutate)\n"
         "admission webhooks over TLS, /healthz and /readyz, and Prometheus /metrics.\n"
         "As Gatekeeper's webhooks: a generator (Deployment, CronJob, ...) is also judged by the\n"
         "objects its ExpansionTemplates imply; a Config's excludedNamespaces for the\n"
         "webhook and mutation-webhook processes are admitted untouched; so are requests by\n"
         "Gatekeeper's service account (--gatekeeper-namespace).\n\n"
         "Options:\n"
      << format_options_help(serve_options());
}

bool parse_count(const std::string& text, int* out) {
  if (text.empty() || text.size() > 6) return false;
  int n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

int run_serve_command(const std::vector<std::string>& args, CommandIo& io) {
  ParsedArgs parsed;
  if (auto exit_code = parse_command_args(args, serve_options(), print_usage, io.out, io.err, &parsed)) {
    return *exit_code;
  }
  if (std::string budget_error; !apply_max_eval_time(parsed, &budget_error) ||
                                 !apply_max_policy_file_bytes(parsed, &budget_error)) {
    io.err << "Error: " << budget_error << "\n";
    return 2;
  }
  if (!parsed.positional.empty()) {
    io.err << "Error: unexpected argument \"" << parsed.positional.front() << "\"\n";
    return 2;
  }
  webhook::ServerOptions options;
  options.policy_paths = parsed.values("policies");
  options.inventory_paths = parsed.values("inventory");
  options.tls_cert_file = parsed.value("tls-cert");
  options.tls_key_file = parsed.value("tls-key");
  options.addr = parsed.value("addr", options.addr);
  options.metrics_addr = parsed.value("metrics-addr", options.metrics_addr);
  options.ready_file = parsed.value("ready-file");
  const char* pod_namespace = std::getenv("POD_NAMESPACE");
  std::string gatekeeper_namespace = parsed.value(
      "gatekeeper-namespace", pod_namespace != nullptr && *pod_namespace != '\0' ? pod_namespace : "gatekeeper-system");
  if (!gatekeeper_namespace.empty()) options.exempt_username = webhook::gatekeeper_service_account(gatekeeper_namespace);
  options.mutation_annotations = parsed.flag("mutation-annotations");
  if (options.policy_paths.empty() || options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    io.err << "Error: serve needs --policies, --tls-cert and --tls-key\n";
    print_usage(io.err);
    return 2;
  }
  for (auto [flag, target] : {std::pair{"threads", &options.threads}, std::pair{"eval-threads", &options.eval_threads},
                               std::pair{"eval-queue", &options.eval_queue},
                               std::pair{"shutdown-timeout", &options.shutdown_timeout_seconds},
                               std::pair{"shutdown-delay", &options.shutdown_delay_seconds}}) {
    if (parsed.has(flag) && !parse_count(parsed.value(flag), target)) {
      io.err << "Error: --" << flag << " takes a non-negative integer, not \"" << parsed.value(flag) << "\"\n";
      return 2;
    }
  }
  std::string kube_api = parsed.value("kube-api", "auto");
  if (kube_api != "auto" && kube_api != "off") {
    io.err << "Error: --kube-api takes auto or off, not \"" << kube_api << "\"\n";
    return 2;
  }
  options.kube_api = kube_api == "auto";
  options.kubeconfig = parsed.value("kubeconfig");
  if (!options.kube_api && !options.kubeconfig.empty()) {
    io.err << "Error: --kubeconfig with --kube-api off: the kubeconfig would not be used\n";
    return 2;
  }
  if (int objects = 0; parsed.has("sync-max-objects")) {
    if (!parse_count(parsed.value("sync-max-objects"), &objects)) {
      io.err << "Error: --sync-max-objects takes a non-negative integer, not \"" << parsed.value("sync-max-objects")
             << "\"\n";
      return 2;
    }
    options.sync_max_objects = static_cast<size_t>(objects);
  }
  uint64_t sync_max_bytes = 0;
  if (parsed.has("sync-max-bytes") && !parse_byte_size(parsed.value("sync-max-bytes"), &sync_max_bytes)) {
    io.err << "Error: --sync-max-bytes takes a size such as 536870912, 512Mi or 1Gi, not \""
           << parsed.value("sync-max-bytes") << "\"\n";
    return 2;
  }
  if (parsed.has("sync-max-bytes")) options.sync_max_bytes = static_cast<size_t>(sync_max_bytes);
  options.leader_election = !parsed.has("leader-election") || parsed.flag("leader-election");
  options.leader_election_lease = parsed.value("leader-election-lease", options.leader_election_lease);
  options.leader_election_namespace = parsed.value("leader-election-namespace");
  if (parsed.has("audit-interval") && !parse_count(parsed.value("audit-interval"), &options.audit_interval_seconds)) {
    io.err << "Error: --audit-interval takes a number of seconds, not \"" << parsed.value("audit-interval") << "\"\n";
    return 2;
  }
  for (auto [flag, target] : {std::pair{"audit-chunk-size", &options.audit_chunk_size},
                               std::pair{"constraint-violations-limit", &options.constraint_violations_limit}}) {
    int n = 0;
    if (!parsed.has(flag)) continue;
    if (!parse_count(parsed.value(flag), &n) || (n == 0 && std::string(flag) == "audit-chunk-size")) {
      io.err << "Error: --" << flag << " takes a " << (std::string(flag) == "audit-chunk-size" ? "positive" : "non-negative")
             << " integer, not \"" << parsed.value(flag) << "\"\n";
      return 2;
    }
    *target = static_cast<size_t>(n);
  }
  options.vap_environment = parsed.value("vap-environment", options.vap_environment);
  if (!policies::vap::parse_environment_version(options.vap_environment)) {
    io.err << "Error: --vap-environment takes 1.32 or current, not \"" << options.vap_environment << "\"\n";
    return 2;
  }
  io.out.flush();
  return webhook::run_server(options);
}

}  // namespace tollgate::cli
