// Kubernetes' URL CEL library (k8s.io/apiserver/pkg/cel/library/urls.go).
#include "rules/cel/k8s/k8s_libraries.h"
#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

const k8s::URL& url_of(const Value& v) { return v.opaque_as<URLValue>()->url(); }

Result url_from_string(std::span<const Value> a) {
  std::string error;
  auto url = k8s::parse_kubernetes_url(a[0].as_string(), &error);
  if (!url) return make_error(error);
  return Value::make_opaque<URLValue>(std::move(*url));
}

Result is_url(std::span<const Value> a) { return Value::boolean(k8s::go_parse_request_uri(a[0].as_string()).has_value()); }

Result url_scheme(std::span<const Value> a) { return Value::string(url_of(a[0]).scheme); }
Result url_host(std::span<const Value> a) { return Value::string(url_of(a[0]).host); }
Result url_hostname(std::span<const Value> a) { return Value::string(url_of(a[0]).hostname()); }
Result url_port(std::span<const Value> a) { return Value::string(url_of(a[0]).port()); }
Result url_escaped_path(std::span<const Value> a) { return Value::string(url_of(a[0]).escaped_path()); }

Result url_query(std::span<const Value> a) {
  std::vector<Value::Entry> entries;
  for (auto& [key, values] : url_of(a[0]).query()) {
    std::vector<Value> items;
    items.reserve(values.size());
    for (auto& v : values) items.push_back(Value::string(v));
    entries.emplace_back(Value::string(key), Value::array(std::move(items)));
  }
  return Value::object(std::move(entries));
}

}  // namespace

void register_url_library(FunctionRegistry& r) {
  r.add_type(std::string(kURLTypeName));
  const CelType url = CelType::opaque(std::string(kURLTypeName));
  const CelType str = CelType::string();

  r.add_global("url", "string_to_url", {str}, url, url_from_string);
  r.add_global("isURL", "is_url_string", {str}, CelType::bool_(), is_url);
  r.add_member("getScheme", "url_get_scheme", {url}, str, url_scheme);
  r.add_member("getHost", "url_get_host", {url}, str, url_host);
  r.add_member("getHostname", "url_get_hostname", {url}, str, url_hostname);
  r.add_member("getPort", "url_get_port", {url}, str, url_port);
  r.add_member("getEscapedPath", "url_get_escaped_path", {url}, str, url_escaped_path);
  r.add_member("getQuery", "url_get_query", {url}, CelType::map(str, CelType::list(str)), url_query);
}

}  // namespace tollgate::cel
