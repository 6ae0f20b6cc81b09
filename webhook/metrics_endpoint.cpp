#include "webhook/metrics_endpoint.h"

#include "webhook/metrics.h"

namespace tollgate::webhook {

std::optional<HttpResponse> MetricsEndpoint::screen(const HttpRequestHeader& header) {
  std::string_view path = request_path(to_std(header.target()));
  if (path != "/metrics" && path != "/healthz" && routes_.find(path) == routes_.end()) {
    return text_response(http::status::not_found, "no such endpoint: " + std::string(path));
  }
  if (header.method() != http::verb::get) {
    HttpResponse response = text_response(http::status::method_not_allowed, "use GET");
    response.set(http::field::allow, "GET");
    return response;
  }
  return std::nullopt;
}

HttpResponse MetricsEndpoint::handle(const HttpRequest& request) {
  if (auto refused = screen(request)) return std::move(*refused);
  std::string_view path = request_path(to_std(request.target()));
  if (path == "/healthz") return text_response(http::status::ok, "ok");
  if (auto route = routes_.find(path); route != routes_.end()) return route->second();
  return make_response(http::status::ok, "text/plain; version=0.0.4; charset=utf-8", metrics_.render());
}

}  // namespace tollgate::webhook
