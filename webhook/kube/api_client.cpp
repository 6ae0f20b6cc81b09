#include "webhook/kube/api_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <limits>

#include "rules/value/json.h"

namespace tollgate::webhook::kube {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;
using value::Value;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

std::string percent_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string with_query(std::string_view path, std::string_view query) {
  std::string out(path);
  out += path.find('?') == std::string_view::npos ? '?' : '&';
  out += query;
  return out;
}

}  // namespace

std::string group_version_path(std::string_view group, std::string_view version) {
  if (group.empty()) return "/api/" + std::string(version);
  return "/apis/" + std::string(group) + "/" + std::string(version);
}

std::string group_version(std::string_view group, std::string_view version) {
  if (group.empty()) return std::string(version);
  return std::string(group) + "/" + std::string(version);
}

std::string ApiResponse::describe() const {
  Value status_body;
  value::JsonError error;
  if (value::parse_json(body, &status_body, &error) && status_body["kind"].string_or("") == "Status") {
    std::string out = std::to_string(status) + " " + std::string(status_body["reason"].string_or(""));
    std::string_view message = status_body["message"].string_or("");
    if (!message.empty()) out += ": " + std::string(message);
    return out;
  }
  return std::to_string(status) + ": " + body.substr(0, 200);
}

ClusterConnection::ClusterConnection(ClusterConfig config, ClientOptions options)
    : config_(std::move(config)), options_(options), tokens_(config_) {
  tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
  tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  try {
    if (!config_.ca_pem.empty()) {
      tls_->add_certificate_authority(net::buffer(config_.ca_pem));
    } else {
      tls_->set_default_verify_paths();
    }
    if (!config_.client_cert_pem.empty()) {
      tls_->use_certificate_chain(net::buffer(config_.client_cert_pem));
      tls_->use_private_key(net::buffer(config_.client_key_pem), ssl::context::pem);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(config_.description + ": unusable CA or client certificate: " + e.what());
  }
}

ClusterConnection::~ClusterConnection() = default;

struct ApiClient::Impl {
  explicit Impl(ClusterConnection& cluster)
      : cluster(cluster), resolver(io), request_timeout(cluster.options().request_timeout) {}

  ClusterConnection& cluster;
  net::io_context io;
  tcp::resolver resolver;
  std::unique_ptr<Stream> stream;
  beast::flat_buffer buffer;
  const std::atomic<bool>* cancelled = nullptr;
  std::chrono::milliseconds request_timeout;

  // Runs one asynchronous operation to its end on this thread.
  template <class Initiate>
  boost::system::error_code run(Initiate&& initiate) {
    if (cancelled->load()) return net::error::operation_aborted;
    boost::system::error_code result = net::error::operation_aborted;
    bool done = false;
    initiate([&result, &done](boost::system::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.restart();
    while (!done && io.run_one() != 0) {
    }
    return done ? result : net::error::operation_aborted;
  }

  void reset() {
    if (stream) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(*stream).socket().close(ignored);
    }
    stream.reset();
    buffer.clear();
  }

  [[noreturn]] void fail(const std::string& what, const boost::system::error_code& ec) {
    reset();
    if (cancelled->load()) throw TransportError("cancelled");
    throw TransportError(what + ": " + ec.message());
  }

  void connect() {
    if (stream) return;
    const ClusterConfig& config = cluster.config();
    const ClientOptions& options = cluster.options();
    stream = std::make_unique<Stream>(io, cluster.tls());
    SSL* native = stream->native_handle();
    bool ip = is_ip_literal(config.host);
    if (!ip) SSL_set_tlsext_host_name(native, config.host.c_str());
    if (config.insecure_skip_tls_verify) {
      stream->set_verify_mode(ssl::verify_none);
    } else {
      stream->set_verify_mode(ssl::verify_peer);
      X509_VERIFY_PARAM* param = SSL_get0_param(native);
      if (ip) {
        X509_VERIFY_PARAM_set1_ip_asc(param, config.host.c_str());
      } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, config.host.c_str(), 0);
      }
    }
    tcp::resolver::results_type endpoints;
    boost::system::error_code ec = run([&](auto handler) {
      resolver.async_resolve(config.host, config.port,
                             [&endpoints, handler](boost::system::error_code e, tcp::resolver::results_type r) mutable {
                               endpoints = std::move(r);
                               handler(e);
                             });
    });
    if (ec) fail("cannot resolve " + config.host, ec);
    beast::get_lowest_layer(*stream).expires_after(options.connect_timeout);
    ec = run([&](auto handler) { beast::get_lowest_layer(*stream).async_connect(endpoints, handler); });
    if (ec) fail("cannot connect to " + config.host + ":" + config.port, ec);
    ec = run([&](auto handler) { stream->async_handshake(ssl::stream_base::client, handler); });
    if (ec) fail("TLS handshake with " + config.host + ":" + config.port + " failed", ec);
    beast::get_lowest_layer(*stream).expires_never();
  }

  http::request<http::string_body> request(http::verb verb, std::string_view target, std::string_view body) {
    const ClusterConfig& config = cluster.config();
    http::request<http::string_body> req{verb, config.base_path + std::string(target), 11};
    std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    if (config.port != "443") host += ":" + config.port;
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "tollgate");
    req.set(http::field::accept, "application/json");
    std::string token = cluster.tokens().token();
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    req.keep_alive(true);
    if (verb != http::verb::get) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::string(body);
      req.prepare_payload();
    }
    return req;
  }

  // Connects when needed and sends the request; a kept-alive connection the
  // server has closed meanwhile is noticed on the first read and retried by
  // the caller.
  void send(http::verb verb, std::string_view target, std::string_view body) {
    connect();
    auto req = request(verb, target, body);
    beast::get_lowest_layer(*stream).expires_after(request_timeout);
    boost::system::error_code ec = run([&](auto handler) { http::async_write(*stream, req, handler); });
    if (ec) fail("cannot send " + std::string(http::to_string(verb)) + " " + std::string(target), ec);
  }

  static bool stale_connection(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::eof ||
           ec == net::ssl::error::stream_truncated || ec == net::error::broken_pipe;
  }

  // One request and its whole response. A kept-alive connection found
  // closed is retried once, whatever the verb: the writes tollgate makes
  // carry a resourceVersion (a replayed PUT is refused with 409) or create a
  // named object (a replayed POST is refused with 409 AlreadyExists).
  ApiResponse exchange(http::verb verb, std::string_view target, std::string_view body) {
    std::string what = std::string(http::to_string(verb)) + " " + std::string(target);
    for (int attempt = 0;; ++attempt) {
      bool reused = stream != nullptr;
      send(verb, target, body);
      http::response_parser<http::string_body> parser;
      parser.body_limit(cluster.options().max_response_bytes);
      beast::get_lowest_layer(*stream).expires_after(request_timeout);
      boost::system::error_code ec = run([&](auto handler) { http::async_read(*stream, buffer, parser, handler); });
      if (ec && reused && attempt == 0 && stale_connection(ec) && !cancelled->load()) {
        reset();
        continue;
      }
      if (ec == http::error::body_limit) {
        reset();
        throw TransportError(what + ": response larger than " +
                             std::to_string(cluster.options().max_response_bytes) + " bytes");
      }
      if (ec) fail(what, ec);
      beast::get_lowest_layer(*stream).expires_never();
      if (!parser.keep_alive()) reset();
      ApiResponse response;
      response.status = static_cast<int>(parser.get().result_int());
      response.body = std::move(parser.get().body());
      return response;
    }
  }

  ApiResponse watch(std::string_view target, const std::function<bool(std::string_view)>& on_line) {
    const ClientOptions& options = cluster.options();
    for (int attempt = 0;; ++attempt) {
      bool reused = stream != nullptr;
      send(http::verb::get, target, {});
      http::response_parser<http::buffer_body> parser;
      // A watch stream has no total size (its lines are bounded instead).
      // Not boost::none: Beast 1.74 then refuses every Content-Length body
      // (its `len_ > body_limit_` is true against an empty optional).
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      beast::get_lowest_layer(*stream).expires_after(request_timeout);
      boost::system::error_code ec =
          run([&](auto handler) { http::async_read_header(*stream, buffer, parser, handler); });
      if (ec && reused && attempt == 0 && stale_connection(ec) && !cancelled->load()) {
        reset();
        continue;
      }
      if (ec) fail("watch " + std::string(target), ec);
      ApiResponse response;
      response.status = static_cast<int>(parser.get().result_int());
      bool ok = response.status == 200;
      std::string line;
      char chunk[16384];
      while (!parser.is_done()) {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        beast::get_lowest_layer(*stream).expires_after(ok ? options.watch_idle_timeout : request_timeout);
        ec = run([&](auto handler) { http::async_read_some(*stream, buffer, parser, handler); });
        if (ec == http::error::need_buffer) ec = {};
        if (ec) fail(ok ? "watch stream " + std::string(target) + " broke off" : "watch " + std::string(target), ec);
        size_t n = sizeof chunk - parser.get().body().size;
        if (!ok) {
          if (response.body.size() + n > options.max_response_bytes) {
            reset();
            throw TransportError("watch " + std::string(target) + ": error body too large");
          }
          response.body.append(chunk, n);
          continue;
        }
        for (size_t i = 0; i < n; ++i) {
          if (chunk[i] != '\n') {
            line += chunk[i];
            continue;
          }
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (!line.empty() && !on_line(line)) {
            reset();  // the rest of the stream is unread
            return response;
          }
          line.clear();
        }
        if (line.size() > options.max_watch_line_bytes) {
          reset();
          throw TransportError("watch " + std::string(target) + ": an event larger than " +
                               std::to_string(options.max_watch_line_bytes) + " bytes");
        }
      }
      if (!line.empty() && ok) on_line(line);
      beast::get_lowest_layer(*stream).expires_never();
      if (!parser.keep_alive()) reset();
      return response;
    }
  }
};

ApiClient::ApiClient(std::shared_ptr<ClusterConnection> cluster)
    : cluster_(std::move(cluster)), impl_(std::make_unique<Impl>(*cluster_)) {
  impl_->cancelled = &cancelled_;
}

ApiClient::~ApiClient() = default;

ApiResponse ApiClient::get(std::string_view target) { return impl_->exchange(http::verb::get, target, {}); }

ApiResponse ApiClient::post(std::string_view target, std::string_view json) {
  return impl_->exchange(http::verb::post, target, json);
}

ApiResponse ApiClient::put(std::string_view target, std::string_view json) {
  return impl_->exchange(http::verb::put, target, json);
}

void ApiClient::set_request_timeout(std::chrono::milliseconds timeout) { impl_->request_timeout = timeout; }

ListPage ApiClient::list_page(std::string_view path, size_t limit, std::string_view continue_token,
                              ApiResponse* refused) {
  std::string target = with_query(path, "limit=" + std::to_string(limit));
  if (!continue_token.empty()) target += "&continue=" + percent_encode(continue_token);
  ApiResponse response = get(target);
  ListPage page;
  if (response.status != 200) {
    *refused = std::move(response);
    return page;
  }
  Value list;
  value::JsonError error;
  if (!value::parse_json(response.body, &list, &error) || !list.is_object()) {
    throw TransportError("GET " + target + ": the answer is not JSON: " + error.message);
  }
  page.resource_version = std::string(list["metadata"]["resourceVersion"].string_or(""));
  page.continue_token = std::string(list["metadata"]["continue"].string_or(""));
  // The API server leaves apiVersion and kind out of a typed list's items;
  // clients (client-go's unstructured decoding) put back the list's own.
  std::string_view list_kind = list["kind"].string_or("");
  std::string item_kind(list_kind.size() > 4 && list_kind.substr(list_kind.size() - 4) == "List"
                            ? list_kind.substr(0, list_kind.size() - 4)
                            : std::string_view());
  Value api_version = list["apiVersion"];
  const Value& items = list["items"];
  if (items.is_array()) {
    page.items.reserve(items.size());
    for (const Value& item : items.items()) {
      Value object = item;
      if (object["kind"].is_null() && !item_kind.empty()) {
        object = value::with_entry(object, "kind", Value::string(item_kind));
      }
      if (object["apiVersion"].is_null() && api_version.is_string()) {
        object = value::with_entry(object, "apiVersion", api_version);
      }
      page.items.push_back(std::move(object));
    }
  }
  return page;
}

ApiResponse ApiClient::watch(std::string_view path, std::string_view resource_version, int timeout_seconds,
                             const std::function<bool(std::string_view line)>& on_line) {
  std::string target = with_query(path, "watch=1&allowWatchBookmarks=true&timeoutSeconds=" +
                                            std::to_string(timeout_seconds));
  if (!resource_version.empty()) target += "&resourceVersion=" + percent_encode(resource_version);
  return impl_->watch(target, on_line);
}

void ApiClient::cancel() {
  cancelled_.store(true);
  Impl* impl = impl_.get();
  net::post(impl->io, [impl] {
    impl->resolver.cancel();
    if (impl->stream) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(*impl->stream).socket().cancel(ignored);
    }
  });
}

}  // namespace tollgate::webhook::kube
