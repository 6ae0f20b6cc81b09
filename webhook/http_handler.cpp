#include "webhook/http_handler.h"

namespace tollgate::webhook {

HttpResponse make_response(http::status status, std::string_view content_type, std::string body) {
  HttpResponse response(status, 11);
  response.set(http::field::content_type, to_beast(content_type));
  response.body() = std::move(body);
  return response;
}

HttpResponse text_response(http::status status, std::string_view text) {
  std::string body(text);
  body += '\n';
  return make_response(status, "text/plain; charset=utf-8", std::move(body));
}

std::string_view request_path(std::string_view target) {
  size_t query = target.find_first_of("?#");
  return query == std::string_view::npos ? target : target.substr(0, query);
}

}  // namespace tollgate::webhook
