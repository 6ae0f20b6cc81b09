// URLs as Go's net/url parses them (current Go, including the bracketed-host
// validation of CVE-2025-47912), for the Kubernetes CEL URL library and the
// `uri` named format.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel::k8s {

// The fields of Go's url.URL that the Kubernetes library exposes or compares.
struct URL {
  std::string scheme;  // lower-cased
  std::string opaque;
  bool has_user = false;
  std::string username;
  std::string password;
  bool has_password = false;
  std::string host;  // host or host:port, IPv6 in brackets
  std::string path;  // unescaped
  std::string raw_path;
  bool omit_host = false;
  bool force_query = false;
  std::string raw_query;
  std::string fragment;
  std::string raw_fragment;

  // url.URL.Hostname(): host without port, IPv6 without brackets.
  std::string hostname() const;
  // url.URL.Port(): the digits after the last ':' (may be empty).
  std::string port() const;
  // url.URL.EscapedPath().
  std::string escaped_path() const;
  // url.URL.Query(): percent-decoded values per key, malformed pairs skipped.
  std::map<std::string, std::vector<std::string>> query() const;
  // url.URL.String().
  std::string to_string() const;
};

// url.Parse and url.ParseRequestURI; errors read like Go's
// (`parse "foo": invalid URI for request`).
std::optional<URL> go_parse_url(std::string_view raw, std::string* error = nullptr);
std::optional<URL> go_parse_request_uri(std::string_view raw, std::string* error = nullptr);

// The library's url(): the text must be a valid request URI (absolute URI or
// absolute path); the value is url.Parse's (so a #fragment is split off).
// The error is "URL parse error during conversion from string: parse ...".
std::optional<URL> parse_kubernetes_url(std::string_view raw, std::string* error = nullptr);

}  // namespace tollgate::cel::k8s
