// One HTTP/1.1 connection, plain or TLS: keep-alive, the idle and read
// timeouts, the body limit (413 before the body is read), and draining at
// shutdown. Requests go to an HttpHandler, answered right here on the I/O
// thread that read them, or elsewhere (HttpHandler::answers_later) while the
// connection is watched for a client that goes away.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "webhook/http_handler.h"

namespace tollgate::webhook {

// Every limit of the HTTP parser, set explicitly on each request.
struct SessionLimits {
  size_t max_body_bytes = 7 * 1024 * 1024;
  // The request line and header fields (431 beyond). A chunked body's
  // overhead is held to it as well: each chunk-size line, the trailer
  // section, and all chunk extensions of one request together (400 beyond).
  size_t max_header_bytes = 8 * 1024;
  // From the first byte of a request (or the start of the TLS handshake)
  // until it is read; also bounds writing the response.
  std::chrono::seconds read_timeout{10};
  // How long a kept-alive connection may wait for its next request.
  std::chrono::seconds idle_timeout{60};
};

// Every open connection, so that shutdown can close the idle ones and let
// the busy ones finish their current request.
class ConnectionTracker {
 public:
  class Connection {
   public:
    virtual ~Connection() = default;
    // Close now if idle; otherwise close after the response being prepared.
    virtual void drain() = 0;
    // Cancel the evaluation of the request in flight, if any (thread-safe).
    virtual void cancel() = 0;
  };

  uint64_t add(std::weak_ptr<Connection> connection);
  void remove(uint64_t id);
  size_t open_connections() const;
  // Marks the tracker draining (new connections close at once) and drains every open one.
  void drain_all();
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  // At the shutdown deadline: cancels every evaluation in flight, and those
  // that start from now on.
  void cancel_all();
  bool cancelling() const { return cancelling_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> cancelling_{false};
};

void start_plain_session(boost::asio::ip::tcp::socket socket, HttpHandler& handler, const SessionLimits& limits,
                         std::shared_ptr<ConnectionTracker> tracker);
// The session keeps `context` alive for as long as the connection lasts.
void start_tls_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> context,
                       HttpHandler& handler, const SessionLimits& limits, std::shared_ptr<ConnectionTracker> tracker);

}  // namespace tollgate::webhook
