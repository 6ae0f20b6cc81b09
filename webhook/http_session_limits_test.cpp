// A session under hostile requests, tried by a real client over loopback: a
// chunked body cannot smuggle unbounded chunk extensions or trailers past the
// header and body limits, and nothing a request makes the handler throw ends
// the server.
#include "webhook/http_session.h"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <functional>

using namespace tollgate::webhook;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

// Answers with the size of the body it got.
class BodySize : public HttpHandler {
 public:
  HttpResponse handle(const HttpRequest& request) override {
    return text_response(http::status::ok, "body " + std::to_string(request.body().size()));
  }
};

// A plain-HTTP server on a loopback port, served by one thread.
class LoopbackServer {
 public:
  LoopbackServer() : acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    limits_.read_timeout = std::chrono::seconds(5);
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackServer() {
    io_.stop();
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      start_plain_session(std::move(socket), handler_, limits_, tracker_);
      accept();
    });
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  BodySize handler_;
  SessionLimits limits_;
  std::shared_ptr<ConnectionTracker> tracker_ = std::make_shared<ConnectionTracker>();
  std::thread thread_;
};

struct Answer {
  std::string status_line;  // "" when the server sent nothing before closing or timing out
  std::chrono::milliseconds took;
};

// Sends `head`, then `filler` up to `repeat` times (stopping when the server
// has answered or closed), then reads the answer: at most 6 s in all.
Answer exchange(unsigned short port, const std::string& head, const std::string& filler = "", int repeat = 0) {
  auto start = std::chrono::steady_clock::now();
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  timeval timeout{6, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  boost::system::error_code ec;
  net::write(socket, net::buffer(head), ec);
  for (int i = 0; i < repeat && !ec; ++i) {
    if (socket.available(ec) > 0) break;  // answered already
    net::write(socket, net::buffer(filler), ec);
  }
  std::string received;
  char buf[4096];
  while (received.find("\r\n") == std::string::npos) {
    size_t n = socket.read_some(net::buffer(buf), ec);
    if (ec) break;
    received.append(buf, n);
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return {received.substr(0, received.find("\r\n")), took};
}

const std::string kChunkedHead =
    "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

}  // namespace

TEST_CASE("a chunked request with small extensions and trailers is read whole", "[http][limits]") {
  LoopbackServer server;
  Answer a = exchange(server.port(), kChunkedHead + "3;name=value\r\nabc\r\n2\r\nde\r\n0\r\nX-Checksum: 1\r\n\r\n");
  CHECK(a.status_line == "HTTP/1.1 200 OK");
}

TEST_CASE("a chunk extension that never ends is refused once it outgrows the header limit", "[http][limits]") {
  LoopbackServer server;
  // Up to 8 MB of one extension: the server must answer long before.
  Answer a = exchange(server.port(), kChunkedHead + "1;", std::string(64 * 1024, 'a'), 128);
  CHECK(a.status_line == "HTTP/1.1 400 Bad Request");
  CHECK(a.took < 3s);
}

TEST_CASE("a trailer that never ends is refused once it outgrows the header limit", "[http][limits]") {
  LoopbackServer server;
  Answer a = exchange(server.port(), kChunkedHead + "1\r\na\r\n0\r\nX-Trailer: ", std::string(64 * 1024, 'a'), 128);
  CHECK(a.status_line == "HTTP/1.1 400 Bad Request");
  CHECK(a.took < 3s);
}

TEST_CASE("many small chunk extensions count together against the header limit", "[http][limits]") {
  LoopbackServer server;
  // Each chunk is one byte of body and 1000 bytes of extension.
  std::string chunk = "1;" + std::string(1000, 'e') + "\r\nx\r\n";
  Answer a = exchange(server.port(), kChunkedHead, chunk, 100);
  CHECK(a.status_line == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("a header that never ends is refused with 431", "[http][limits]") {
  LoopbackServer server;
  Answer a = exchange(server.port(), "POST /validate HTTP/1.1\r\nX-Long: ", std::string(64 * 1024, 'a'), 128);
  CHECK(a.status_line == "HTTP/1.1 431 Request Header Fields Too Large");
}

namespace {

// Throws what no handler should, on the path "/throw".
class Throwing : public HttpHandler {
 public:
  HttpResponse handle(const HttpRequest& request) override {
    if (request.target() == "/throw") throw 42;
    return text_response(http::status::ok, "fine");
  }
};

}  // namespace

TEST_CASE("a handler that throws anything is a 500 and the server keeps serving", "[http][limits]") {
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  Throwing handler;
  SessionLimits limits;
  auto tracker = std::make_shared<ConnectionTracker>();
  std::function<void()> accept = [&] {
    acceptor.async_accept([&](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      start_plain_session(std::move(socket), handler, limits, tracker);
      accept();
    });
  };
  accept();
  std::thread thread([&] { io.run(); });
  unsigned short port = acceptor.local_endpoint().port();
  CHECK(exchange(port, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n").status_line == "HTTP/1.1 500 Internal Server Error");
  CHECK(exchange(port, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").status_line == "HTTP/1.1 200 OK");
  io.stop();
  thread.join();
}
