#include "rules/cel/k8s/url.h"

#include <catch2/catch.hpp>

using tollgate::cel::k8s::go_parse_request_uri;
using tollgate::cel::k8s::go_parse_url;
using tollgate::cel::k8s::parse_kubernetes_url;
using tollgate::cel::k8s::URL;

namespace {

URL url(const char* text) {
  auto parsed = parse_kubernetes_url(text);
  INFO("parsing " << text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string error_of(const char* text) {
  std::string error;
  INFO("parsing " << text);
  REQUIRE_FALSE(parse_kubernetes_url(text, &error).has_value());
  return error;
}

}  // namespace

TEST_CASE("url: accepts absolute URIs and absolute paths only", "[k8s][url]") {
  CHECK(parse_kubernetes_url("https://user:pass@example.com:80/path?query=val#fragment"));
  CHECK(parse_kubernetes_url("/absolute-path"));
  CHECK(parse_kubernetes_url("mailto:someone@example.com"));  // opaque
  CHECK(parse_kubernetes_url("*"));
  CHECK(error_of("../relative-path") ==
        "URL parse error during conversion from string: parse \"../relative-path\": invalid URI for request");
  CHECK(error_of("https://a:b:c/") ==
        "URL parse error during conversion from string: parse \"https://a:b:c/\": invalid port \":b:c\" after host");
  CHECK(error_of("") == "URL parse error during conversion from string: parse \"\": empty url");
  CHECK(error_of("://x") == "URL parse error during conversion from string: parse \"://x\": missing protocol scheme");
  CHECK(error_of("https://example.com/%zz") ==
        "URL parse error during conversion from string: parse \"https://example.com/%zz\": invalid URL escape "
        "\"%zz\"");
  CHECK(error_of("https://a{b}/") ==
        "URL parse error during conversion from string: parse \"https://a{b}/\": invalid character \"{\" in host "
        "name");
  CHECK(error_of("https://[1.2.3.4]/") ==
        "URL parse error during conversion from string: parse \"https://[1.2.3.4]/\": invalid IP-literal");
  CHECK(error_of("http://a\nb/") ==
        "URL parse error during conversion from string: parse \"http://a\\nb/\": net/url: invalid control character "
        "in URL");
  CHECK(error_of("https://ü@example.com/") ==
        "URL parse error during conversion from string: parse \"https://ü@example.com/\": net/url: invalid userinfo");
  CHECK_FALSE(parse_kubernetes_url("example.com"));
  CHECK_FALSE(parse_kubernetes_url("https://[::1/"));
}

TEST_CASE("url: accessors", "[k8s][url]") {
  CHECK(url("/path").scheme.empty());
  CHECK(url("HTTPS://example.com/").scheme == "https");
  CHECK(url("https://example.com:80/").host == "example.com:80");
  CHECK(url("https://example.com/").host == "example.com");
  CHECK(url("https://[::1]:80/").host == "[::1]:80");
  CHECK(url("https://[::1]/").host == "[::1]");
  CHECK(url("/path").host.empty());
  CHECK(url("https://example.com:80/").hostname() == "example.com");
  CHECK(url("https://127.0.0.1:80/").hostname() == "127.0.0.1");
  CHECK(url("https://[::1]:80/").hostname() == "::1");
  CHECK(url("/path").hostname().empty());
  CHECK(url("https://example.com:80/").port() == "80");
  CHECK(url("https://example.com/").port().empty());
  CHECK(url("/path").port().empty());
  CHECK(url("https://example.com/path").escaped_path() == "/path");
  CHECK(url("https://example.com/path with spaces/").escaped_path() == "/path%20with%20spaces/");
  CHECK(url("https://example.com/a%2Fb").escaped_path() == "/a%2Fb");  // the raw encoding is kept
  CHECK(url("https://example.com").escaped_path().empty());
  // The fragment is split off, not folded into the path.
  CHECK(url("https://example.com/x#frag").escaped_path() == "/x");
  // Without a scheme, "//host" is a host for Parse (the value) even though
  // ParseRequestURI (the validity check) read it as a path.
  CHECK(url("//example.com/p").host == "example.com");
}

TEST_CASE("url: query decoding", "[k8s][url]") {
  using Query = std::map<std::string, std::vector<std::string>>;
  CHECK(url("https://example.com/path").query().empty());
  CHECK(url("https://example.com/path?").query().empty());
  CHECK(url("https://example.com/path?k1=a&k2=b&k2=c").query() == Query{{"k1", {"a"}}, {"k2", {"b", "c"}}});
  CHECK(url("https://example.com/path?key with spaces=value with spaces").query() ==
        Query{{"key with spaces", {"value with spaces"}}});
  CHECK(url("https://a.b:80/x?y=1").query() == Query{{"y", {"1"}}});
  CHECK(url("https://e.com/?a=1+2&b=%41&c&d=%zz&e=1;f=2&=x").query() ==
        Query{{"", {"x"}}, {"a", {"1 2"}}, {"b", {"A"}}, {"c", {""}}});
}

TEST_CASE("url: Go parse and string round trip", "[k8s][url]") {
  auto u = go_parse_url("https://user:p%40ss@Example.com:8080/a%20b?q=1#frag%21");
  REQUIRE(u);
  CHECK(u->username == "user");
  CHECK(u->password == "p@ss");
  CHECK(u->fragment == "frag!");
  CHECK(u->to_string() == "https://user:p%40ss@Example.com:8080/a%20b?q=1#frag%21");
  CHECK(go_parse_url("mailto:x@y")->to_string() == "mailto:x@y");
  CHECK(go_parse_url("file:///etc/hosts")->to_string() == "file:///etc/hosts");
  std::string error;
  CHECK_FALSE(go_parse_url("a:b/c:d", &error) == std::nullopt);
  CHECK_FALSE(go_parse_url("1a:b/x", &error));
  CHECK(error == "parse \"1a:b/x\": first path segment in URL cannot contain colon");
  CHECK_FALSE(go_parse_request_uri("https://[v1.x]/", &error));
  CHECK(error == "parse \"https://[v1.x]/\": invalid host: ParseAddr(\"v1.x\"): unexpected character (at \"v1.x\")");
  // Colons in the host are only strict for http(s).
  CHECK(go_parse_request_uri("mongodb://h1:1,h2:2/db"));
  CHECK_FALSE(go_parse_request_uri("https://h1:1,h2:2/db"));
}
