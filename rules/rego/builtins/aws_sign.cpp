// providers.aws.sign_req (OPA topdown/providers.go and
// internal/providers/aws/signing_v4.go): an http.send request object signed
// with AWS Signature Version 4 at a given time. Nothing is sent: the result
// is the request with its Authorization and x-amz-* headers added.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/number.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// http.send's request keys (OPA topdown/http.go allowedKeyNames).
constexpr std::string_view kAllowedRequestKeys[] = {
    "method", "url", "body", "enable_redirect", "force_json_decode", "force_yaml_decode", "headers", "raw_body",
    "tls_use_system_certs", "tls_ca_cert", "tls_ca_cert_file", "tls_ca_cert_env_variable", "tls_client_cert",
    "tls_client_cert_file", "tls_client_cert_env_variable", "tls_client_key", "tls_client_key_file",
    "tls_client_key_env_variable", "tls_insecure_skip_verify", "tls_server_name", "timeout", "cache", "force_cache",
    "force_cache_duration_seconds", "raise_error", "caching_mode", "max_retry_attempts", "cache_ignored_headers"};

constexpr std::string_view kRequiredAwsKeys[] = {"aws_access_key", "aws_region", "aws_secret_access_key",
                                                 "aws_service"};

// A set of strings as OPA prints it: {"a", "b"} (sorted).
std::string set_text(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out + "}";
}

std::string string_of(const Value* v) { return v && v->is_string() ? v->as_string() : ""; }

void validate_aws_config(const Value& config) {
  std::vector<std::string> missing, invalid;
  for (std::string_view key : kRequiredAwsKeys) {
    const Value* v = config.find(key);
    if (v == nullptr) missing.emplace_back(key);
    else if (!v->is_string()) invalid.emplace_back(key);
  }
  if (!missing.empty()) throw_operand_error(2, "missing required AWS config parameters(s): " + set_text(missing));
  if (!invalid.empty())
    throw_operand_error(2, "invalid values for required AWS config parameters(s): " + set_text(invalid));
}

// OPA's validateHTTPRequestOperand: only http.send's keys, and method and url present.
void validate_request_keys(const Value& request, int pos) {
  std::vector<std::string> invalid, missing;
  for (const auto& [k, v] : request.entries()) {
    const bool allowed = k.is_string() && std::find(std::begin(kAllowedRequestKeys), std::end(kAllowedRequestKeys),
                                                    k.as_string()) != std::end(kAllowedRequestKeys);
    if (!allowed) invalid.push_back(k.is_string() ? k.as_string() : go_json_marshal(k));
  }
  if (!invalid.empty()) throw_operand_error(pos, "invalid request parameters(s): " + set_text(invalid));
  for (std::string_view key : {std::string_view("method"), std::string_view("url")})
    if (request.find(key) == nullptr) missing.emplace_back(key);
  if (!missing.empty()) throw_operand_error(pos, "missing required request parameters(s): " + set_text(missing));
}

std::string hex(const unsigned char* bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xF]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_sha256(), nullptr);
  return hex(out, n);
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

// The parts of a URL SigV4 signs (Go's url.URL Host, EscapedPath, RawQuery).
struct UrlParts {
  std::string host, path, query;
};

UrlParts parse_url(std::string_view url) {
  UrlParts out;
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    out.query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  if (size_t colon = url.find(':'); colon != std::string_view::npos && url.find('/') > colon) url.remove_prefix(colon + 1);
  if (url.substr(0, 2) == "//") {
    url.remove_prefix(2);
    const size_t slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    out.host = std::string(authority);
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  out.path = std::string(url);
  return out;
}

std::string format_utc(int64_t seconds, const char* layout) {
  const time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, layout, &tm);
  return buf;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Result sign_req(Args args, BuiltinContext&) {
  // OPA checks the config and the timestamp as "operand 1" too.
  const Value& request = object_operand(args, 1);
  if (!args[1].is_object()) throw_operand_type_error(1, args[1], {"object"});
  const Value& config = args[1];
  validate_aws_config(config);
  const std::string service = string_of(config.find("aws_service"));
  const std::string access_key = string_of(config.find("aws_access_key"));
  const std::string secret_key = string_of(config.find("aws_secret_access_key"));
  const std::string region = string_of(config.find("aws_region"));
  const std::string session_token = string_of(config.find("aws_session_token"));

  if (!args[2].is_number()) throw_operand_type_error(1, args[2], {"number"});
  int64_t time_ns = 0;
  // OPA reads it with json.Number.Int64: the text must be an integer, so -1e9 is refused.
  if (!integer_text(args[2]) || !integral_int64(args[2], &time_ns))
    throw_operand_error(3, "could not convert time_ns value into a unix timestamp");

  validate_request_keys(request, 1);
  const Value* url = request.find("url");
  const Value* method = request.find("method");
  const Value* headers = request.find("headers");
  if (headers != nullptr && !headers->is_object()) throw_operand_type_error(0, *headers, {"object"});
  std::vector<std::string> invalid;
  if (!url->is_string()) invalid.emplace_back("url");
  if (!method->is_string()) invalid.emplace_back("method");
  if (!invalid.empty())
    throw_operand_error(1, "invalid values for required request parameters(s): " + set_text(invalid));

  std::string body;
  if (const Value* raw = request.find("raw_body")) body = string_of(raw);
  else if (const Value* b = request.find("body")) body = go_json_marshal(*b);

  bool disable_payload_signing = false;
  if (const Value* d = config.find("disable_payload_signing")) {
    if (!d->is_bool()) throw_operand_error(2, "invalid value for 'disable_payload_signing' in AWS config");
    disable_payload_signing = d->as_bool();
  }

  // The request's own headers (keys and values as strings).
  std::map<std::string, std::string> request_headers;
  if (headers != nullptr)
    for (const auto& [k, v] : headers->entries()) request_headers[string_of(&k)] = string_of(&v);

  const UrlParts parts = parse_url(url->as_string());
  const std::string content_sha256 = disable_payload_signing ? "UNSIGNED-PAYLOAD" : sha256_hex(body);
  const int64_t seconds = floor_div(time_ns, 1000000000);
  const std::string date = format_utc(seconds, "%Y%m%d");
  const std::string timestamp = format_utc(seconds, "%Y%m%dT%H%M%SZ");

  std::map<std::string, std::string> aws_headers = {{"host", parts.host}, {"x-amz-date", timestamp}};
  if (service == "s3" || service == "glacier") aws_headers["x-amz-content-sha256"] = content_sha256;
  if (!session_token.empty()) aws_headers["x-amz-security-token"] = session_token;

  std::map<std::string, std::string> to_sign = aws_headers;
  for (const auto& [k, v] : request_headers) {
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "authorization" || lower == "user-agent" || lower == "x-amzn-trace-id") continue;
    to_sign[lower] = v;
  }

  std::string canonical = method->as_string() + "\n" + parts.path + "\n" + parts.query + "\n";
  std::string signed_headers;
  for (const auto& [k, v] : to_sign) {
    canonical += k + ":" + v + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + k;
  }
  canonical += "\n" + signed_headers + "\n" + content_sha256;

  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  const std::string to_sign_text = "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + sha256_hex(canonical);
  std::string key = hmac_sha256("AWS4" + secret_key, date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  const std::string signature = hmac_sha256(key, to_sign_text);
  const std::string authorization = "AWS4-HMAC-SHA256 Credential=" + access_key + "/" + scope +
                                    ",SignedHeaders=" + signed_headers + ",Signature=" +
                                    hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());

  std::map<std::string, std::string> out_headers = request_headers;
  out_headers["Authorization"] = authorization;
  for (const auto& [k, v] : aws_headers) out_headers[k] = v;
  std::vector<Value::Entry> header_entries;
  for (const auto& [k, v] : out_headers) header_entries.emplace_back(Value::string(k), Value::string(v));

  std::vector<Value::Entry> entries;
  for (const auto& [k, v] : request.entries())
    if (!(k.is_string() && k.as_string() == "headers")) entries.emplace_back(k, v);
  entries.emplace_back(Value::string("headers"), Value::object(std::move(header_entries)));
  return Value::object(std::move(entries));
}

}  // namespace

void register_aws_builtins(BuiltinRegistry& r) {
  r.add({.name = "providers.aws.sign_req", .arity = 3, .function = sign_req});
}

}  // namespace tollgate::rego
