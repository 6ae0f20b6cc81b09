#include "webhook/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <stdexcept>

#include "webhook/log.h"

namespace tollgate::webhook {

namespace net = boost::asio;
using tcp = net::ip::tcp;

tcp::endpoint resolve_listen_address(net::io_context& io, const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("address \"" + address + "\" is not HOST:PORT");
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen address \"" + address + "\": " +
                             (ec ? ec.message() : std::string("no addresses")));
  }
  return results.begin()->endpoint();
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

Listener::Listener(net::io_context& io, const tcp::endpoint& endpoint, OnAccept on_accept)
    : io_(io), acceptor_(net::make_strand(io)), retry_timer_(acceptor_.get_executor()),
      on_accept_(std::move(on_accept)) {
  boost::system::error_code ec;
  auto fail = [&](const char* what) {
    throw std::runtime_error(std::string("cannot ") + what + " " + format_endpoint(endpoint) + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail("open a socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR on");
  acceptor_.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
}

void Listener::start() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->retry_timer_.cancel();
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  // Each connection gets its own strand so that its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](boost::system::error_code ec,
                                                                            tcp::socket socket) {
    if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (ec) {
      // Out of file descriptors and the like: back off instead of spinning.
      log_warn(LogLine("accept failed").field("error", ec.message()));
      self->retry_timer_.expires_after(std::chrono::milliseconds(100));
      self->retry_timer_.async_wait([self](boost::system::error_code wait_ec) {
        if (!wait_ec) self->accept();
      });
      return;
    }
    try {
      self->on_accept_(std::move(socket));
    } catch (const std::exception& e) {
      log_error(LogLine("cannot start a connection").field("error", e.what()));
    }
    self->accept();
  });
}

}  // namespace tollgate::webhook
