// What the admission router tests send: a Namespace CREATE review, POSTed
// as kube-apiserver does.
#pragma once

#include <string>

#include "webhook/http_handler.h"

namespace tollgate::webhook::testing {

inline constexpr const char* kReview =
    R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"abc-123",)"
    R"("kind":{"group":"","version":"v1","kind":"Namespace"},"operation":"CREATE","name":"team-a",)"
    R"("object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}}})";

inline HttpRequest post(std::string target, std::string body = kReview,
                        std::string content_type = "application/json") {
  HttpRequest request(http::verb::post, target, 11);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

}  // namespace tollgate::webhook::testing
