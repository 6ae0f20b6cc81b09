// The endpoints of the plain-HTTP metrics listener: GET /metrics (Prometheus
// text format), GET /healthz, and GET routes added before serving (/audit).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "webhook/http_handler.h"

namespace tollgate::webhook {

class Metrics;

class MetricsEndpoint final : public HttpHandler {
 public:
  explicit MetricsEndpoint(const Metrics& metrics) : metrics_(metrics) {}
  std::optional<HttpResponse> screen(const HttpRequestHeader& header) override;
  HttpResponse handle(const HttpRequest& request) override;
  // Answers GET `path` with `answer()` (called on an I/O thread: it must be
  // quick). Call before the listener starts.
  void add_route(std::string path, std::function<HttpResponse()> answer) { routes_[std::move(path)] = std::move(answer); }

 private:
  const Metrics& metrics_;
  std::map<std::string, std::function<HttpResponse()>, std::less<>> routes_;
};

}  // namespace tollgate::webhook
