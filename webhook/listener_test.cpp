#include "webhook/listener.h"

#include <catch2/catch.hpp>

using namespace tollgate::webhook;

TEST_CASE("listen addresses are HOST:PORT, [IPv6]:PORT or :PORT", "[listener]") {
  boost::asio::io_context io;
  CHECK(format_endpoint(resolve_listen_address(io, "127.0.0.1:8443")) == "127.0.0.1:8443");
  CHECK(format_endpoint(resolve_listen_address(io, "[::1]:9090")) == "[::1]:9090");
  CHECK(format_endpoint(resolve_listen_address(io, ":0")) == "0.0.0.0:0");
  CHECK(resolve_listen_address(io, "localhost:1234").port() == 1234);
  CHECK_THROWS_WITH(resolve_listen_address(io, "8443"), Catch::Contains("not HOST:PORT"));
  CHECK_THROWS_WITH(resolve_listen_address(io, "127.0.0.1:https-ish"), Catch::Contains("cannot resolve"));
}

TEST_CASE("port 0 binds a free port, and a taken port is an error naming it", "[listener]") {
  boost::asio::io_context io;
  auto first = std::make_shared<Listener>(io, resolve_listen_address(io, "127.0.0.1:0"), [](auto) {});
  unsigned short port = first->local_endpoint().port();
  CHECK(port != 0);
  CHECK_THROWS_WITH(
      std::make_shared<Listener>(io, resolve_listen_address(io, "127.0.0.1:" + std::to_string(port)), [](auto) {}),
      Catch::Contains("127.0.0.1:" + std::to_string(port)));
}
