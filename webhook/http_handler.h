// What a listener asks of the application: screen a request by its header
// (so that it can be refused before its body is read), then answer it.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

namespace tollgate::webhook {

namespace http = boost::beast::http;
using HttpRequestHeader = http::request_header<>;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called once the header is read. A response returned here is sent
  // without reading the body.
  virtual std::optional<HttpResponse> screen(const HttpRequestHeader& header) { return std::nullopt; }
  // Called with the complete request. The listener sets the HTTP version,
  // keep-alive and Content-Length of the response.
  virtual HttpResponse handle(const HttpRequest& request) = 0;

  // Requests for which answers_later is true go to answer_later instead of
  // handle (admission evaluations, which run off the I/O threads). The
  // answer is given to `done` exactly once, from any thread. `cancelled`
  // turns true when the client goes away or the server gives up at shutdown;
  // it stays valid until `done` is called.
  using Done = std::function<void(HttpResponse)>;
  virtual bool answers_later(const HttpRequest& request) const { return false; }
  virtual void answer_later(HttpRequest request, const std::atomic<bool>* cancelled, Done done) {
    done(handle(request));
  }
};

// Beast 1.74 speaks boost::string_view; the project speaks std::string_view.
inline std::string_view to_std(boost::beast::string_view s) { return {s.data(), s.size()}; }
inline boost::beast::string_view to_beast(std::string_view s) { return {s.data(), s.size()}; }

// A response with a body of the given media type.
HttpResponse make_response(http::status status, std::string_view content_type, std::string body);
// A plain-text response; the body gets a trailing newline.
HttpResponse text_response(http::status status, std::string_view text);
// The request target without its query string ("/validate?timeout=10s" is "/validate":
// kube-apiserver appends the webhook timeout as a query parameter).
std::string_view request_path(std::string_view target);

}  // namespace tollgate::webhook
