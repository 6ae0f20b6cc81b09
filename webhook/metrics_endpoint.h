// The endpoints of the plain-HTTP metrics listener: GET /metrics (Prometheus
// text format) and GET /healthz.
#pragma once

#include "webhook/http_handler.h"

namespace tollgate::webhook {

class Metrics;

class MetricsEndpoint final : public HttpHandler {
 public:
  explicit MetricsEndpoint(const Metrics& metrics) : metrics_(metrics) {}
  std::optional<HttpResponse> screen(const HttpRequestHeader& header) override;
  HttpResponse handle(const HttpRequest& request) override;

 private:
  const Metrics& metrics_;
};

}  // namespace tollgate::webhook
