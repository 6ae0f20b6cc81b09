#include "webhook/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>

#include <poll.h>

#include "webhook/log.h"

namespace tollgate::webhook {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

uint64_t ConnectionTracker::add(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  uint64_t id = next_id_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ConnectionTracker::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
}

size_t ConnectionTracker::open_connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void ConnectionTracker::drain_all() {
  draining_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->drain();
}

void ConnectionTracker::cancel_all() {
  cancelling_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->cancel();
}

namespace {

constexpr size_t kFirstReadBytes = 16 * 1024;
constexpr std::chrono::seconds kCloseTimeout{2};
// After refusing a request whose body was not read, bytes still arriving are
// read and dropped for a while before closing: closing with unread data makes
// the kernel send a reset, which can destroy the refusal before the client
// reads it (what Go's net/http avoids the same way).
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{1};
// While a request is answered off the I/O thread, how often a connection
// with unread bytes is looked at again for a hang-up (a TLS close_notify
// arrives just before the FIN).
constexpr std::chrono::milliseconds kHangUpRecheck{50};
// Once draining, how long a connection waiting for its next request is given
// before it is closed. Closing the instant a drain starts would race a client
// that is sending its next request at that moment (wrk, kube-apiserver under
// load): it would see its request cut, not answered. Within this grace that
// request is answered, with `Connection: close`.
constexpr std::chrono::milliseconds kDrainIdleGrace{1000};

// True when the peer has closed or reset the connection, even with bytes
// still unread before the end (poll's POLLRDHUP, Linux).
bool peer_hung_up(int fd) {
  pollfd watched{fd, POLLRDHUP, 0};
  return ::poll(&watched, 1, 0) > 0 && (watched.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

bool is_http_syntax_error(const error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message && ec != http::error::need_more && ec != http::error::need_buffer;
}

bool is_quiet_disconnect(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == ssl::error::stream_truncated || ec == net::error::broken_pipe;
}

template <bool Tls>
class Session final : public ConnectionTracker::Connection, public std::enable_shared_from_this<Session<Tls>> {
 public:
  using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Session(tcp::socket socket, std::shared_ptr<ssl::context> context, HttpHandler& handler,
          const SessionLimits& limits, std::shared_ptr<ConnectionTracker> tracker)
      : context_(std::move(context)),
        stream_(make_stream(std::move(socket), context_.get())),
        handler_(handler),
        limits_(limits),
        tracker_(std::move(tracker)),
        recheck_(stream_.get_executor()),
        drain_timer_(stream_.get_executor()),
        // Bytes wait here only until the parser can take them: a header, a
        // chunk-size line or a trailer section. Bounded, so that one that
        // never ends fails as soon as it outgrows the header limit instead
        // of growing until the read timeout.
        buffer_(limits.max_header_bytes + kFirstReadBytes),
        on_chunk_header_([this](std::uint64_t, beast::string_view extensions, error_code& ec) {
          chunk_extension_bytes_ += extensions.size();
          if (chunk_extension_bytes_ > limits_.max_header_bytes) ec = http::error::bad_chunk_extension;
        }) {}

  ~Session() override {
    if (registered_) tracker_->remove(id_);
  }

  void run() {
    id_ = tracker_->add(this->weak_from_this());
    registered_ = true;
    // Start on the connection's strand: drain() posts to it too.
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->guarded([&] { self->start(); }); });
  }

  void drain() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->draining_) return;
      self->draining_ = true;
      if (self->state_ == State::Idle) self->close_if_still_idle();
    });
  }

  void cancel() override { cancelled_.store(true, std::memory_order_relaxed); }

 private:
  enum class State { Handshake, Idle, Reading, Answering, Writing, Closing };

  static Stream make_stream(tcp::socket socket, ssl::context* context) {
    if constexpr (Tls) {
      return Stream(std::move(socket), *context);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void start() {
    error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    // Accepted while draining (a balancer not yet told): served once, with
    // `Connection: close`, rather than cut.
    draining_ = tracker_->draining();
    if constexpr (Tls) {
      state_ = State::Handshake;
      lowest().expires_after(limits_.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                self->guarded([&] { self->on_handshake(ec); });
                              });
    } else {
      await_request();
    }
  }

  void on_handshake(error_code ec) {
    if (ec) return close();  // scanners, wrong CAs and plain HTTP on the TLS port end here
    await_request();
  }

  // Waits for the first byte of the next request under the idle timeout;
  // the read timeout starts once a request begins.
  void await_request() {
    if (buffer_.size() > 0) return read_header();
    state_ = State::Idle;
    ++idle_periods_;
    lowest().expires_after(limits_.idle_timeout);
    if (draining_) close_if_still_idle();
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = this->shared_from_this()](error_code ec, size_t bytes) {
                              self->guarded([&] {
                                self->buffer_.commit(bytes);
                                if (ec) return self->draining_ ? self->graceful_close() : self->close();
                                self->read_header();
                              });
                            });
  }

  // Draining: a connection still waiting for a request after the grace is
  // closed (TLS close_notify first); a request that comes meanwhile is answered.
  void close_if_still_idle() {
    drain_timer_.expires_after(kDrainIdleGrace);
    drain_timer_.async_wait([self = this->shared_from_this(), period = idle_periods_](error_code ec) {
      self->guarded([&] {
        if (ec || self->state_ != State::Idle || self->idle_periods_ != period) return;
        self->lowest().cancel();  // the read ends with operation_aborted, then graceful_close
      });
    });
  }

  void read_header() {
    state_ = State::Reading;
    drain_timer_.cancel();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(limits_.max_body_bytes);
    chunk_extension_bytes_ = 0;
    parser_->on_chunk_header(on_chunk_header_);
    lowest().expires_after(limits_.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](error_code ec, size_t) {
                              self->guarded([&] { self->on_header(ec); });
                            });
  }

  void on_header(error_code ec) {
    if (ec) return on_read_error(ec);
    const HttpRequest& header = parser_->get();  // the header, its body not yet read
    std::optional<HttpResponse> refused;
    try {
      refused = handler_.screen(header);
    } catch (const std::exception& e) {
      refused = internal_error(e.what());
    } catch (...) {
      refused = internal_error("unknown exception");
    }
    if (refused) {
      // The body was not read, so the connection cannot carry another request.
      unread_body_ = !parser_->is_done();
      return respond(std::move(*refused), header.version(), unread_body_ || !header.keep_alive());
    }
    auto expect = header.find(http::field::expect);
    if (expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
      interim_.emplace(http::status::continue_, header.version());
      return http::async_write(stream_, *interim_, [self = this->shared_from_this()](error_code ec, size_t) {
        self->guarded([&] {
          if (ec) return self->close();
          self->read_body();
        });
      });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, size_t) {
                       self->guarded([&] { self->on_body(ec); });
                     });
  }

  void on_body(error_code ec) {
    if (ec) return on_read_error(ec);
    HttpRequest request = parser_->release();
    if (handler_.answers_later(request)) return answer_later(std::move(request));
    HttpResponse response;
    try {
      response = handler_.handle(request);
    } catch (const std::exception& e) {
      response = internal_error(e.what());
    } catch (...) {
      response = internal_error("unknown exception");
    }
    respond(std::move(response), request.version(), !request.keep_alive());
  }

  // The answer comes from another thread; meanwhile the connection is
  // watched, so that a client that goes away cancels its evaluation.
  void answer_later(HttpRequest request) {
    state_ = State::Answering;
    client_gone_ = false;
    cancelled_.store(tracker_->cancelling(), std::memory_order_relaxed);
    unsigned version = request.version();
    bool close_after = !request.keep_alive();
    watch_client();
    handler_.answer_later(std::move(request), &cancelled_,
                          [self = this->shared_from_this(), version, close_after](HttpResponse response) {
                            net::dispatch(self->stream_.get_executor(),
                                          [self, version, close_after, response = std::move(response)]() mutable {
                                            self->guarded([&] { self->on_answer(std::move(response), version, close_after); });
                                          });
                          });
  }

  void watch_client() {
    lowest().socket().async_wait(tcp::socket::wait_read, [self = this->shared_from_this()](error_code ec) {
      self->guarded([&] { self->on_client_readable(ec); });
    });
  }

  void on_client_readable(error_code ec) {
    if (state_ != State::Answering || ec == net::error::operation_aborted) return;
    if (ec || peer_hung_up(lowest().socket().native_handle())) {
      client_gone_ = true;
      cancelled_.store(true, std::memory_order_relaxed);
      log_info(LogLine("client closed the connection before its answer; evaluation cancelled"));
      return;
    }
    // Bytes of a next request or of a TLS record: they stay for later.
    recheck_.expires_after(kHangUpRecheck);
    recheck_.async_wait([self = this->shared_from_this()](error_code wait_ec) {
      self->guarded([&] { self->on_client_readable(wait_ec); });
    });
  }

  void on_answer(HttpResponse response, unsigned version, bool close_after) {
    if (state_ != State::Answering) return;
    error_code ignored;
    lowest().socket().cancel(ignored);  // the watch
    recheck_.cancel();
    if (client_gone_) return close();
    respond(std::move(response), version, close_after);
  }

  void on_read_error(error_code ec) {
    // Refusals below leave the rest of the request unread.
    unread_body_ = true;
    if (ec == http::error::body_limit) {
      return respond(text_response(http::status::payload_too_large,
                                   "request body is larger than the limit of " +
                                       std::to_string(limits_.max_body_bytes) + " bytes"),
                     11, true);
    }
    if (ec == http::error::header_limit ||
        (ec == http::error::buffer_overflow && !(parser_ && parser_->is_header_done()))) {
      return respond(text_response(http::status::request_header_fields_too_large, "request header is too large"), 11,
                     true);
    }
    if (ec == http::error::buffer_overflow) {
      return respond(text_response(http::status::bad_request,
                                   "malformed HTTP request: a chunk-size line or the trailer is larger than the limit of " +
                                       std::to_string(limits_.max_header_bytes) + " bytes"),
                     11, true);
    }
    if (ec == http::error::bad_chunk_extension && chunk_extension_bytes_ > limits_.max_header_bytes) {
      return respond(text_response(http::status::bad_request,
                                   "malformed HTTP request: chunk extensions are larger than the limit of " +
                                       std::to_string(limits_.max_header_bytes) + " bytes"),
                     11, true);
    }
    if (is_http_syntax_error(ec)) {
      return respond(text_response(http::status::bad_request, "malformed HTTP request: " + ec.message()), 11, true);
    }
    if (!is_quiet_disconnect(ec)) {
      log_warn(LogLine("connection read failed").field("error", ec.message()));
    }
    close();
  }

  HttpResponse internal_error(const char* what) {
    log_error(LogLine("request handler failed").field("error", what));
    return text_response(http::status::internal_server_error, std::string("internal error: ") + what);
  }

  // Runs one step of the connection: whatever it throws (out of memory while
  // answering, ...) ends this connection only, never the I/O thread.
  template <class Step>
  void guarded(Step&& step) noexcept {
    try {
      step();
    } catch (const std::exception& e) {
      abandon(e.what());
    } catch (...) {
      abandon("unknown exception");
    }
  }

  void abandon(const char* what) noexcept {
    try {
      log_error(LogLine("connection failed; closing it").field("error", what));
    } catch (...) {
    }
    state_ = State::Closing;
    error_code ignored;
    lowest().socket().close(ignored);
  }

  void respond(HttpResponse response, unsigned version, bool close_after) {
    state_ = State::Writing;
    response_ = std::move(response);
    response_.version(version == 10 ? 10 : 11);
    response_.keep_alive(!close_after && !draining_);
    response_.prepare_payload();
    lowest().expires_after(limits_.read_timeout);
    http::async_write(stream_, response_, [self = this->shared_from_this()](error_code ec, size_t) {
      self->guarded([&] {
        if (ec) return self->close();
        if (!self->response_.keep_alive()) return self->unread_body_ ? self->linger() : self->graceful_close();
        self->response_ = {};
        self->await_request();
      });
    });
  }

  void linger() {
    state_ = State::Closing;
    lowest().expires_after(kLingerTime);
    discard_incoming();
  }

  void discard_incoming() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes), [self = this->shared_from_this()](error_code ec,
                                                                                                size_t bytes) {
      self->guarded([&] {
        self->lingered_bytes_ += bytes;
        if (ec) return self->close();
        if (self->lingered_bytes_ > kLingerBytes) return self->graceful_close();
        self->discard_incoming();
      });
    });
  }

  // TLS: send close_notify (bounded in time) so the client sees a clean end.
  void graceful_close() {
    state_ = State::Closing;
    if constexpr (Tls) {
      lowest().expires_after(kCloseTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->close(); });
    } else {
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      close();
    }
  }

  void close() {
    state_ = State::Closing;
    lowest().close();
  }

  std::shared_ptr<ssl::context> context_;  // before stream_: the stream's SSL uses it
  Stream stream_;
  HttpHandler& handler_;
  const SessionLimits& limits_;
  std::shared_ptr<ConnectionTracker> tracker_;
  uint64_t id_ = 0;
  bool registered_ = false;
  bool draining_ = false;
  bool unread_body_ = false;
  size_t lingered_bytes_ = 0;
  State state_ = State::Handshake;
  // Set when the client goes away while its request is answered elsewhere,
  // or when the server gives up at shutdown; read by the evaluation.
  std::atomic<bool> cancelled_{false};
  bool client_gone_ = false;
  net::steady_timer recheck_;
  net::steady_timer drain_timer_;
  uint64_t idle_periods_ = 0;  // which wait for a request the drain timer was set for
  beast::flat_buffer buffer_;
  size_t chunk_extension_bytes_ = 0;
  // The parser keeps a reference to it.
  std::function<void(std::uint64_t, beast::string_view, error_code&)> on_chunk_header_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> interim_;
  HttpResponse response_;
};

}  // namespace

void start_plain_session(tcp::socket socket, HttpHandler& handler, const SessionLimits& limits,
                         std::shared_ptr<ConnectionTracker> tracker) {
  std::make_shared<Session<false>>(std::move(socket), nullptr, handler, limits, std::move(tracker))->run();
}

void start_tls_session(tcp::socket socket, std::shared_ptr<ssl::context> context, HttpHandler& handler,
                       const SessionLimits& limits, std::shared_ptr<ConnectionTracker> tracker) {
  std::make_shared<Session<true>>(std::move(socket), std::move(context), handler, limits, std::move(tracker))->run();
}

}  // namespace tollgate::webhook
