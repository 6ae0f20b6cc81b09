#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
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
      {"threads", 0, true, false, "N", "serving threads (default: hardware concurrency)"},
      {"ready-file", 0, true, false, "FILE", "write the bound addresses here once listening"},
      {"help", 'h', false, false, "", "show this help"},
  };
  return specs;
}

void print_usage(std::ostream& out) {
  out << "Usage: tollgate serve --policies PATH... --tls-cert FILE --tls-key FILE [options]\n\n"
         "Serves the validating (/validate, /v1/admit) and mutating (/mutate, /v1/mutate)\n"
         "admission webhooks over TLS, /healthz and /readyz, and Prometheus /metrics.\n\n"
         "Options:\n"
      << format_options_help(serve_options());
}

bool parse_threads(const std::string& text, int* out) {
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
  if (options.policy_paths.empty() || options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    io.err << "Error: serve needs --policies, --tls-cert and --tls-key\n";
    print_usage(io.err);
    return 2;
  }
  if (parsed.has("threads") && !parse_threads(parsed.value("threads"), &options.threads)) {
    io.err << "Error: --threads takes a non-negative integer, not \"" << parsed.value("threads") << "\"\n";
    return 2;
  }
  io.out.flush();
  return webhook::run_server(options);
}

}  // namespace tollgate::cli
