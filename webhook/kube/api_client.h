// A Kubernetes API client for GET, chunked lists, watch streams and the
// POST/PUT of one object (a Lease): HTTPS (Boost.Beast over OpenSSL) with SNI
// and host name verification, a bearer token or client certificate, timeouts
// on connect and reads, bounded response sizes and keep-alive reuse of its
// one connection.
//
// One ApiClient is used by one thread (a reflector's, audit's): each call
// runs its own io_context until the operation completes, so nothing here
// ever touches the admission server's I/O or evaluation threads. cancel()
// may be called from any thread and makes the current and later calls fail.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"
#include "webhook/kube/kube_config.h"

namespace boost::asio::ssl {
class context;
}

namespace tollgate::webhook::kube {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{30000};  // a whole non-watch response
  // A watch stream that sends nothing (not even a bookmark) for this long is
  // dropped; the API server ends a watch after its timeoutSeconds anyway.
  std::chrono::milliseconds watch_idle_timeout{90000};
  size_t max_response_bytes = size_t{64} << 20;  // one list page, one discovery document
  size_t max_watch_line_bytes = size_t{16} << 20;  // one watch event
};

// The transport failed (connect, TLS, timeout, a response over its limit, a
// connection dropped); the server's own refusals are ApiResponses.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ApiResponse {
  int status = 0;
  std::string body;
  // "<code> <reason>: <message>" of a metav1.Status body, else the start of the body.
  std::string describe() const;
};

// What the connection needs from a ClusterConfig, built once and shared by
// every client of one cluster (thread-safe).
class ClusterConnection {
 public:
  // Throws std::runtime_error when the CA or client certificate is unusable.
  explicit ClusterConnection(ClusterConfig config, ClientOptions options = {});
  ~ClusterConnection();
  const ClusterConfig& config() const { return config_; }
  const ClientOptions& options() const { return options_; }
  TokenSource& tokens() { return tokens_; }
  boost::asio::ssl::context& tls() { return *tls_; }

 private:
  ClusterConfig config_;
  ClientOptions options_;
  TokenSource tokens_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

// One page of a list (GET ...?limit=N&continue=T).
struct ListPage {
  std::vector<value::Value> items;
  std::string resource_version;  // metadata.resourceVersion of the list
  std::string continue_token;    // metadata.continue; empty on the last page
};

class ApiClient {
 public:
  explicit ApiClient(std::shared_ptr<ClusterConnection> cluster);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // GET `target` (a path with query, below the server's base path). Throws
  // TransportError.
  ApiResponse get(std::string_view target);
  // POST (create) and PUT (replace) of a JSON object at `target`. The
  // server's answer, 409 Conflict / AlreadyExists included, is the
  // ApiResponse; throws TransportError.
  ApiResponse post(std::string_view target, std::string_view json);
  ApiResponse put(std::string_view target, std::string_view json);
  // How long one request and its response may take from now on (default
  // ClientOptions::request_timeout): a leader elector bounds each call by
  // what is left of its renew deadline.
  void set_request_timeout(std::chrono::milliseconds timeout);

  // One page of the collection at `path` (e.g. "/api/v1/namespaces").
  // Non-200 answers come back in *refused (and the page is empty).
  ListPage list_page(std::string_view path, size_t limit, std::string_view continue_token, ApiResponse* refused);

  // Watches `path` from resource_version with bookmarks, for at most
  // timeout_seconds (the server ends the stream then). Calls on_line with
  // each complete line of the stream (one JSON WatchEvent); on_line returns
  // false to stop early. Returns the response's status and, when not 200,
  // its body. A stream that breaks off (dropped, idle too long, a line over
  // the limit) throws TransportError.
  ApiResponse watch(std::string_view path, std::string_view resource_version, int timeout_seconds,
                    const std::function<bool(std::string_view line)>& on_line);

  // Aborts the call in progress (from any thread) and every later one.
  void cancel();
  bool cancelled() const { return cancelled_.load(); }

 private:
  struct Impl;
  std::shared_ptr<ClusterConnection> cluster_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> cancelled_{false};
};

// "/api/v1" for the core group, else "/apis/<group>/<version>".
std::string group_version_path(std::string_view group, std::string_view version);
// "v1" for the core group, else "<group>/<version>" (an apiVersion).
std::string group_version(std::string_view group, std::string_view version);

}  // namespace tollgate::webhook::kube
