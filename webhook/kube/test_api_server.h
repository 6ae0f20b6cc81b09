// An HTTPS server for the tests that speaks the Kubernetes API's list/watch
// protocol as documented (https://kubernetes.io/docs/reference/using-api/api-concepts/):
// lists with metadata.resourceVersion and metadata.continue, watch streams
// as chunked JSON lines (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), Status
// bodies for 401/403/410, and Leases with optimistic concurrency
// (FakeLeases). Each request is answered by a handler the test gives; the
// server records what it was asked. Blocking Beast on a thread per
// connection: simple, and nothing here is on a hot path.
#pragma once

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tollgate::webhook::kube::testing {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh dev CA and serving certificate (localhost, 127.0.0.1) in dir, made
// by certs/make-dev-certs.sh as the other webhook tests make theirs.
inline bool make_test_certs(const std::filesystem::path& dir) {
  std::string command = std::string("bash ") + TOLLGATE_SOURCE_DIR "/certs/make-dev-certs.sh '" + dir.string() +
                        "' > /dev/null 2>&1";
  return std::system(command.c_str()) == 0 && std::filesystem::exists(dir / "tls.crt");
}

struct ApiRequest {
  std::string method = "GET";
  std::string target;  // path and query
  std::string path;
  std::map<std::string, std::string> query;
  std::string authorization;
  std::string body;  // POST and PUT
  bool has_client_certificate = false;
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
  bool watch() const { return param("watch") == "1" || param("watch") == "true"; }
};

struct Chunk {
  std::string data;
  std::chrono::milliseconds delay{0};  // before sending it
};

struct ApiReply {
  int status = 200;
  std::string body;            // a whole response (status and body)
  bool stream = false;         // a chunked watch stream of `chunks`
  std::vector<Chunk> chunks;
  bool drop = false;           // cut the connection after the chunks, without the last chunk
  std::chrono::milliseconds hold{0};  // keep the stream open this long after the chunks (a quiet watch)
};

// The JSON shapes the API server sends.
inline std::string status_json(int code, const std::string& reason, const std::string& message) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)" +
         nlohmann::json(message).dump() + R"(,"reason":")" + reason + R"(","code":)" + std::to_string(code) + "}";
}
// A typed list: items without apiVersion/kind, as the API server writes them.
inline std::string list_json(const std::string& list_kind, const std::string& api_version,
                             const std::string& resource_version, const std::string& continue_token,
                             const std::vector<std::string>& items) {
  std::string out = R"({"kind":")" + list_kind + R"(","apiVersion":")" + api_version +
                    R"(","metadata":{"resourceVersion":")" + resource_version + "\"";
  if (!continue_token.empty()) out += R"(,"continue":")" + continue_token + R"(","remainingItemCount":1)";
  out += R"(},"items":[)";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]}";
}
inline std::string watch_event(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}
// A BOOKMARK carries only the kind, apiVersion and metadata.resourceVersion.
inline std::string bookmark_event(const std::string& kind, const std::string& api_version, const std::string& rv) {
  return watch_event("BOOKMARK", R"({"kind":")" + kind + R"(","apiVersion":")" + api_version +
                                     R"(","metadata":{"resourceVersion":")" + rv + R"("}})");
}
inline std::string gone_event() {
  return watch_event("ERROR", status_json(410, "Expired", "too old resource version: 5 (42)"));
}
inline std::string namespace_json(const std::string& name, const std::string& rv,
                                  const std::string& labels_json = "{}", bool with_type = false) {
  std::string type = with_type ? R"("kind":"Namespace","apiVersion":"v1",)" : "";
  return "{" + type + R"("metadata":{"name":")" + name + R"(","uid":"uid-)" + name + R"(","resourceVersion":")" + rv +
         R"(","creationTimestamp":"2026-01-01T00:00:00Z","labels":)" + labels_json +
         R"(},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})";
}

// Leases as the API server keeps them (coordination.k8s.io/v1, under
// /apis/coordination.k8s.io/v1/namespaces/NS/leases): GET one (404 NotFound
// when absent); POST creates (201; 409 AlreadyExists); PUT replaces (200; 409
// Conflict when metadata.resourceVersion is set and not the stored one, as
// for every object; 404 when absent); each write stores a new
// resourceVersion. The spec is validated as the API server does: MicroTime
// renewTime/acquireTime, leaseDurationSeconds > 0, leaseTransitions >= 0.
class FakeLeases {
 public:
  static bool handles(const ApiRequest& r) { return r.path.rfind(kPrefix, 0) == 0; }

  ApiReply handle(const ApiRequest& r) {
    // <ns>/leases[/<name>]
    std::string rest = r.path.substr(std::string(kPrefix).size());
    size_t slash = rest.find('/');
    std::string ns = rest.substr(0, slash);
    std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
    std::string name;
    if (tail.rfind("leases/", 0) == 0) {
      name = tail.substr(7);
    } else if (tail != "leases") {
      return reply(404, status_json(404, "NotFound", "the server could not find the requested resource"));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    std::string key = ns + "/" + name;
    if (r.method == "GET" && !name.empty()) {
      auto it = leases_.find(key);
      if (it == leases_.end()) return not_found(name);
      return reply(200, it->second.dump());
    }
    if (r.method == "POST" && name.empty()) {
      nlohmann::json lease;
      if (std::string why = parse_lease(r.body, ns, &lease); !why.empty()) return reply(400, why);
      name = lease["metadata"].value("name", "");
      if (name.empty()) return invalid(name, "metadata.name: Required value: name or generateName is required");
      if (!lease["metadata"].value("resourceVersion", "").empty()) {
        return reply(500, status_json(500, "InternalError", "resourceVersion should not be set on objects to be created"));
      }
      if (std::string why = check_spec(lease); !why.empty()) return invalid(name, why);
      key = ns + "/" + name;
      if (leases_.count(key)) {
        return reply(409, status_json(409, "AlreadyExists", "leases.coordination.k8s.io \"" + name + "\" already exists"));
      }
      lease["metadata"]["namespace"] = ns;
      lease["metadata"]["uid"] = "uid-lease-" + name;
      lease["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
      return store(key, std::move(lease), 201);
    }
    if (r.method == "PUT" && !name.empty()) {
      nlohmann::json lease;
      if (std::string why = parse_lease(r.body, ns, &lease); !why.empty()) return reply(400, why);
      if (lease["metadata"].value("name", "") != name) {
        return reply(400, status_json(400, "BadRequest", "the name of the object (" +
                                                              lease["metadata"].value("name", "") +
                                                              ") does not match the name on the URL (" + name + ")"));
      }
      auto it = leases_.find(key);
      if (it == leases_.end()) return not_found(name);
      std::string rv = lease["metadata"].value("resourceVersion", "");
      if (!rv.empty() && rv != it->second["metadata"].value("resourceVersion", "")) {
        ++conflicts_;
        return reply(409, status_json(409, "Conflict",
                                      "Operation cannot be fulfilled on leases.coordination.k8s.io \"" + name +
                                          "\": the object has been modified; please apply your changes to the latest "
                                          "version and try again"));
      }
      if (std::string why = check_spec(lease); !why.empty()) return invalid(name, why);
      lease["metadata"]["namespace"] = ns;
      lease["metadata"]["uid"] = it->second["metadata"]["uid"];
      lease["metadata"]["creationTimestamp"] = it->second["metadata"]["creationTimestamp"];
      return store(key, std::move(lease), 200);
    }
    return reply(405, status_json(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
  }

  // The stored Lease (null when absent).
  nlohmann::json get(const std::string& ns, const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = leases_.find(ns + "/" + name);
    return it == leases_.end() ? nlohmann::json() : it->second;
  }
  std::string holder(const std::string& ns, const std::string& name) const {
    nlohmann::json lease = get(ns, name);
    return lease.is_null() ? std::string() : lease["spec"].value("holderIdentity", "");
  }
  // Changes the stored spec as another client would (a new resourceVersion).
  void set_spec(const std::string& ns, const std::string& name, const nlohmann::json& spec) {
    std::lock_guard<std::mutex> lock(mutex_);
    nlohmann::json lease = leases_[ns + "/" + name];
    if (lease.is_null()) {
      lease = {{"apiVersion", "coordination.k8s.io/v1"},
               {"kind", "Lease"},
               {"metadata", {{"name", name}, {"namespace", ns}, {"uid", "uid-lease-" + name}}}};
    }
    lease["spec"] = spec;
    store(ns + "/" + name, std::move(lease), 200);
  }
  // PUTs refused with 409 because of a stale resourceVersion.
  int conflicts() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return conflicts_;
  }

 private:
  static constexpr const char* kPrefix = "/apis/coordination.k8s.io/v1/namespaces/";

  static ApiReply reply(int status, std::string body) {
    ApiReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static ApiReply not_found(const std::string& name) {
    return reply(404, status_json(404, "NotFound", "leases.coordination.k8s.io \"" + name + "\" not found"));
  }
  static ApiReply invalid(const std::string& name, const std::string& why) {
    return reply(422, status_json(422, "Invalid", "Lease.coordination.k8s.io \"" + name + "\" is invalid: " + why));
  }
  static std::string parse_lease(const std::string& body, const std::string& ns, nlohmann::json* out) {
    nlohmann::json lease = nlohmann::json::parse(body, nullptr, false);
    if (lease.is_discarded() || !lease.is_object() || !lease["metadata"].is_object()) {
      return status_json(400, "BadRequest", "the body is not a Lease");
    }
    if (lease.value("kind", "") != "Lease" || lease.value("apiVersion", "") != "coordination.k8s.io/v1") {
      return status_json(400, "BadRequest", "the body is not a coordination.k8s.io/v1 Lease");
    }
    std::string body_ns = lease["metadata"].value("namespace", "");
    if (!body_ns.empty() && body_ns != ns) {
      return status_json(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
    }
    *out = std::move(lease);
    return "";
  }
  // metav1.MicroTime is RFC 3339 with exactly six fractional digits.
  static bool micro_time(const nlohmann::json& v) {
    if (!v.is_string()) return false;
    const std::string& s = v.get_ref<const std::string&>();
    const std::string shape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    if (s.size() != shape.size()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != shape[i]) return false;
    }
    return true;
  }
  static std::string check_spec(const nlohmann::json& lease) {
    if (!lease.contains("spec")) return "";
    const nlohmann::json& spec = lease["spec"];
    for (const char* field : {"renewTime", "acquireTime"}) {
      if (spec.contains(field) && !spec[field].is_null() && !micro_time(spec[field])) {
        return std::string("spec.") + field + ": Invalid value: not a MicroTime (RFC 3339, six fractional digits)";
      }
    }
    const nlohmann::json& duration = spec.contains("leaseDurationSeconds") ? spec["leaseDurationSeconds"] : nlohmann::json(1);
    if (!duration.is_number_integer() || duration.get<int64_t>() <= 0) {
      return "spec.leaseDurationSeconds: Invalid value: must be greater than 0";
    }
    const nlohmann::json& transitions = spec.contains("leaseTransitions") ? spec["leaseTransitions"] : nlohmann::json(0);
    if (!transitions.is_number_integer() || transitions.get<int64_t>() < 0) {
      return "spec.leaseTransitions: Invalid value: must be greater than or equal to 0";
    }
    return "";
  }
  ApiReply store(const std::string& key, nlohmann::json lease, int status) {
    lease["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
    leases_[key] = lease;
    return reply(status, lease.dump());
  }

  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> leases_;
  long long resource_version_ = 1000;
  int conflicts_ = 0;
};

class TestApiServer {
 public:
  using Handler = std::function<ApiReply(const ApiRequest&)>;

  // Serves with dir/tls.crt and dir/tls.key; `client_ca` (PEM file) makes
  // it ask for a client certificate signed by that CA.
  TestApiServer(const std::filesystem::path& cert_dir, Handler handler, const std::string& client_ca = "",
                const std::string& address = "127.0.0.1")
      : tls_(ssl::context::tls_server), acceptor_(io_, tcp::endpoint(net::ip::make_address(address), 0)),
        handler_(std::move(handler)) {
    tls_.use_certificate_chain_file((cert_dir / "tls.crt").string());
    tls_.use_private_key_file((cert_dir / "tls.key").string(), ssl::context::pem);
    if (!client_ca.empty()) {
      tls_.load_verify_file(client_ca);
      tls_.set_verify_mode(ssl::verify_peer);
    }
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~TestApiServer() {
    stopping_.store(true);
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    {
      // Wakes accept() if shutdown did not.
      boost::system::error_code ignored;
      tcp::socket poke(io_);
      poke.connect(acceptor_.local_endpoint(ignored), ignored);
    }
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      threads.swap(connection_threads_);
    }
    for (std::thread& t : threads) t.join();
  }

  unsigned short port() const { return port_; }
  // TCP connections accepted so far (keep-alive tests).
  int connections() const { return connections_.load(); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  std::vector<ApiRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  int count(const std::function<bool(const ApiRequest&)>& which) const {
    int n = 0;
    for (const ApiRequest& r : requests()) n += which(r) ? 1 : 0;
    return n;
  }
  // Cuts every open connection now (a dropped stream).
  void drop_connections() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  void set_handler(Handler handler) {
    std::lock_guard<std::mutex> lock(mutex_);
    handler_ = std::move(handler);
  }

 private:
  static ApiRequest parse(const http::request<http::string_body>& req) {
    ApiRequest r;
    r.method = std::string(req.method_string());
    r.body = req.body();
    r.target = std::string(req.target());
    size_t q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) {
      std::string query = r.target.substr(q + 1);
      size_t start = 0;
      while (start <= query.size()) {
        size_t amp = query.find('&', start);
        std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        size_t eq = pair.find('=');
        r.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
    }
    auto auth = req.find(http::field::authorization);
    if (auth != req.end()) r.authorization = std::string(auth->value());
    return r;
  }

  void accept_loop() {
    while (!stopping_.load()) {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_.load()) break;
      connections_.fetch_add(1);
      std::lock_guard<std::mutex> lock(mutex_);
      open_fds_.push_back(socket.native_handle());
      connection_threads_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  bool sleep_for(std::chrono::milliseconds d) {
    auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
      if (stopping_.load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return !stopping_.load();
  }

  void serve(tcp::socket socket) {
    int fd = socket.native_handle();
    beast::ssl_stream<tcp::socket> stream(std::move(socket), tls_);
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    bool client_cert = false;
    if (!ec) {
      X509* peer = SSL_get_peer_certificate(stream.native_handle());
      client_cert = peer != nullptr;
      if (peer) X509_free(peer);
    }
    beast::flat_buffer buffer;
    while (!ec && !stopping_.load()) {
      http::request<http::string_body> req;
      http::read(stream, buffer, req, ec);
      if (ec) break;
      ApiRequest request = parse(req);
      request.has_client_certificate = client_cert;
      Handler handler;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
        handler = handler_;
      }
      ApiReply reply = handler(request);
      if (!reply.stream) {
        http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = reply.body;
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        http::write(stream, res, ec);
        if (!req.keep_alive()) break;
        continue;
      }
      http::response<http::empty_body> res{static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::content_type, "application/json");
      res.chunked(true);
      http::response_serializer<http::empty_body> sr{res};
      http::write_header(stream, sr, ec);
      for (const Chunk& chunk : reply.chunks) {
        if (ec || !sleep_for(chunk.delay)) break;
        net::write(stream, http::make_chunk(net::buffer(chunk.data)), ec);
      }
      if (ec) break;
      if (reply.drop) break;
      if (reply.hold.count() > 0 && !sleep_for(reply.hold)) break;
      net::write(stream, http::make_chunk_last(), ec);
    }
    ::shutdown(fd, SHUT_RDWR);
    std::lock_guard<std::mutex> lock(mutex_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  }

  net::io_context io_;
  ssl::context tls_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  mutable std::mutex mutex_;
  Handler handler_;
  std::vector<ApiRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
};

}  // namespace tollgate::webhook::kube::testing
