// A TCP acceptor that hands each new connection to a callback, on its own
// strand, until stopped.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tollgate::webhook {

// "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces) resolved to an
// endpoint. Throws std::runtime_error with a reason.
boost::asio::ip::tcp::endpoint resolve_listen_address(boost::asio::io_context& io, const std::string& address);
// "127.0.0.1:8443", "[::1]:8443".
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  using OnAccept = std::function<void(boost::asio::ip::tcp::socket)>;

  // Binds and listens now; throws std::runtime_error naming the address.
  Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, OnAccept on_accept);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start();
  // Stops accepting (thread-safe); open connections are not touched.
  void stop();

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  OnAccept on_accept_;
};

}  // namespace tollgate::webhook
