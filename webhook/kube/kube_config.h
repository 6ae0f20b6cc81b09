// Where the Kubernetes API is and how to authenticate to it: in-cluster (the
// pod's service account) or a kubeconfig file, as client-go finds them.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tollgate::webhook::kube {

// The service account files a kubelet mounts into every pod that keeps
// automountServiceAccountToken.
inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

struct ClusterConfig {
  std::string host;       // DNS name or IP literal (IPv6 without brackets)
  std::string port = "443";
  std::string base_path;  // a server URL's path ("https://h/prefix"), without a trailing '/'
  // PEM of the CAs that sign the API server's certificate; empty = the
  // system's trust store.
  std::string ca_pem;
  bool insecure_skip_tls_verify = false;
  std::string client_cert_pem;  // client certificate (chain) and key, or both empty
  std::string client_key_pem;
  std::string token;       // a fixed bearer token...
  std::string token_file;  // ...or a file holding one, re-read as it rotates
  std::string namespace_name;  // the pod's namespace (in-cluster), or the context's
  std::string description;     // "in-cluster" or "kubeconfig FILE, context NAME", for logs
};

// In-cluster configuration: KUBERNETES_SERVICE_HOST/PORT, the token, CA and
// namespace under `service_account_dir`. nullopt with *error when the
// environment or the token is missing.
std::optional<ClusterConfig> in_cluster_config(std::string* error,
                                               const std::string& service_account_dir = kServiceAccountDir);

// A kubeconfig file's current context: cluster server, certificate-authority
// (-data), insecure-skip-tls-verify; user client-certificate(-data) and
// client-key(-data), or token / tokenFile. Relative file names are relative
// to the kubeconfig's folder, as kubectl reads them. nullopt with *error.
std::optional<ClusterConfig> load_kubeconfig(const std::string& path, std::string* error);

// Splits "https://host:port/path" into the config's host, port and base_path.
bool parse_server_url(const std::string& url, ClusterConfig* config, std::string* error);

// The bearer token to send, re-read from its file when the file changes, at
// least every `max_age`, and when the API server answered 401 (bound service
// account tokens rotate about hourly). Thread-safe.
class TokenSource {
 public:
  explicit TokenSource(const ClusterConfig& config, std::chrono::seconds max_age = std::chrono::seconds(60));
  // Empty when the config has no token.
  std::string token();
  // The server refused the token: read the file again before the next request.
  void invalidate();
  // How many times the file has been read (tests).
  int reads() const;

 private:
  void read_locked();
  mutable std::mutex mutex_;
  std::string fixed_;
  std::string file_;
  std::chrono::seconds max_age_;
  std::string current_;
  std::chrono::steady_clock::time_point read_at_{};
  long long file_stamp_ = -1;  // mtime (ns) + size, to notice a rewrite
  bool stale_ = true;
  int reads_ = 0;
};

}  // namespace tollgate::webhook::kube
