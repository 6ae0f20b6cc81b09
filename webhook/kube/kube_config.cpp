#include "webhook/kube/kube_config.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/value/base64.h"
#include "rules/value/yaml.h"

namespace tollgate::webhook::kube {
namespace {

namespace fs = std::filesystem;
using value::Value;

bool read_whole_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return !in.bad();
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The entry of a kubeconfig list (`clusters`, `users`, `contexts`) named `name`.
const Value* named_entry(const Value& config, std::string_view list, std::string_view name, std::string_view field) {
  const Value& items = config[list];
  if (!items.is_array()) return nullptr;
  for (const Value& item : items.items()) {
    if (item["name"].string_or("") == name) {
      const Value* inner = item.find(field);
      return inner != nullptr && inner->is_object() ? inner : nullptr;
    }
  }
  return nullptr;
}

// `<field>-data` (base64) or `<field>` (a file, relative to the kubeconfig).
bool pem_field(const Value& section, const std::string& field, const fs::path& base, std::string* out,
               std::string* error) {
  std::string_view data = section[field + "-data"].string_or("");
  if (!data.empty()) {
    if (!value::base64_decode(data, out)) {
      *error = field + "-data is not valid base64";
      return false;
    }
    return true;
  }
  std::string_view file = section[field].string_or("");
  if (file.empty()) return true;
  fs::path path = fs::path(file).is_absolute() ? fs::path(file) : base / file;
  if (!read_whole_file(path.string(), out)) {
    *error = "cannot read " + field + " " + path.string();
    return false;
  }
  return true;
}

}  // namespace

bool parse_server_url(const std::string& url, ClusterConfig* config, std::string* error) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) {
    *error = "server " + url + " is not an https:// URL";
    return false;
  }
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  config->base_path = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!config->base_path.empty() && config->base_path.back() == '/') config->base_path.pop_back();
  config->port = "443";
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) {
      *error = "server " + url + " has an unclosed IPv6 literal";
      return false;
    }
    config->host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') config->port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    config->host = authority.substr(0, colon);
    if (colon != std::string::npos) config->port = authority.substr(colon + 1);
  }
  if (config->host.empty() || config->port.empty()) {
    *error = "server " + url + " names no host";
    return false;
  }
  return true;
}

std::optional<ClusterConfig> in_cluster_config(std::string* error, const std::string& service_account_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0') {
    *error = "KUBERNETES_SERVICE_HOST is not set: not running in a pod";
    return std::nullopt;
  }
  ClusterConfig config;
  config.host = host;
  config.port = port != nullptr && *port != '\0' ? port : "443";
  config.token_file = service_account_dir + "/token";
  std::string token;
  if (!read_whole_file(config.token_file, &token)) {
    *error = "cannot read the service account token " + config.token_file +
             " (is automountServiceAccountToken off?)";
    return std::nullopt;
  }
  if (!read_whole_file(service_account_dir + "/ca.crt", &config.ca_pem)) {
    *error = "cannot read the cluster CA " + service_account_dir + "/ca.crt";
    return std::nullopt;
  }
  std::string ns;
  if (read_whole_file(service_account_dir + "/namespace", &ns)) config.namespace_name = trim(ns);
  config.description = "in-cluster";
  return config;
}

std::optional<ClusterConfig> load_kubeconfig(const std::string& path, std::string* error) {
  std::string text;
  if (!read_whole_file(path, &text)) {
    *error = "cannot read kubeconfig " + path;
    return std::nullopt;
  }
  std::vector<value::YamlDocument> docs;
  value::YamlError yaml_error;
  if (!value::parse_yaml(text, &docs, &yaml_error)) {
    *error = "kubeconfig " + path + ":" + std::to_string(yaml_error.location.line) + ": " + yaml_error.message;
    return std::nullopt;
  }
  if (docs.empty() || !docs.front().value.is_object()) {
    *error = "kubeconfig " + path + " is empty";
    return std::nullopt;
  }
  const Value& config = docs.front().value;
  fs::path base = fs::path(path).parent_path();
  std::string context_name(config["current-context"].string_or(""));
  if (context_name.empty()) {
    *error = "kubeconfig " + path + " has no current-context";
    return std::nullopt;
  }
  const Value* context = named_entry(config, "contexts", context_name, "context");
  if (context == nullptr) {
    *error = "kubeconfig " + path + ": context \"" + context_name + "\" not found";
    return std::nullopt;
  }
  std::string cluster_name((*context)["cluster"].string_or(""));
  std::string user_name((*context)["user"].string_or(""));
  const Value* cluster = named_entry(config, "clusters", cluster_name, "cluster");
  if (cluster == nullptr) {
    *error = "kubeconfig " + path + ": cluster \"" + cluster_name + "\" not found";
    return std::nullopt;
  }
  ClusterConfig out;
  out.description = "kubeconfig " + path + ", context " + context_name;
  out.namespace_name = std::string((*context)["namespace"].string_or(""));
  std::string problem;
  if (!parse_server_url(std::string((*cluster)["server"].string_or("")), &out, &problem) ||
      !pem_field(*cluster, "certificate-authority", base, &out.ca_pem, &problem)) {
    *error = "kubeconfig " + path + ": cluster \"" + cluster_name + "\": " + problem;
    return std::nullopt;
  }
  const Value& insecure = (*cluster)["insecure-skip-tls-verify"];
  out.insecure_skip_tls_verify = insecure.is_bool() && insecure.as_bool();
  if (!user_name.empty()) {
    const Value* user = named_entry(config, "users", user_name, "user");
    if (user == nullptr) {
      *error = "kubeconfig " + path + ": user \"" + user_name + "\" not found";
      return std::nullopt;
    }
    if (user->find("exec") != nullptr || user->find("auth-provider") != nullptr) {
      *error = "kubeconfig " + path + ": user \"" + user_name +
               "\" gets its credentials from an exec plugin or auth-provider, which tollgate does not run; "
               "use a token, tokenFile or client certificate";
      return std::nullopt;
    }
    if (!pem_field(*user, "client-certificate", base, &out.client_cert_pem, &problem) ||
        !pem_field(*user, "client-key", base, &out.client_key_pem, &problem)) {
      *error = "kubeconfig " + path + ": user \"" + user_name + "\": " + problem;
      return std::nullopt;
    }
    if (out.client_cert_pem.empty() != out.client_key_pem.empty()) {
      *error = "kubeconfig " + path + ": user \"" + user_name + "\" has a client certificate without its key, or a key without its certificate";
      return std::nullopt;
    }
    out.token = std::string((*user)["token"].string_or(""));
    std::string_view token_file = (*user)["tokenFile"].string_or("");
    if (out.token.empty() && !token_file.empty()) {
      out.token_file = fs::path(token_file).is_absolute() ? std::string(token_file) : (base / token_file).string();
    }
  }
  return out;
}

TokenSource::TokenSource(const ClusterConfig& config, std::chrono::seconds max_age)
    : fixed_(config.token), file_(config.token_file), max_age_(max_age) {}

void TokenSource::read_locked() {
  struct stat st {};
  long long stamp = -1;
  if (::stat(file_.c_str(), &st) == 0) {
    stamp = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec + st.st_size;
  }
  auto now = std::chrono::steady_clock::now();
  if (!stale_ && stamp == file_stamp_ && now - read_at_ < max_age_) return;
  std::string text;
  if (read_whole_file(file_, &text)) {
    current_ = trim(text);
    ++reads_;
  }  // else keep the last token: a kubelet swapping the file may make it briefly unreadable
  file_stamp_ = stamp;
  read_at_ = now;
  stale_ = false;
}

std::string TokenSource::token() {
  if (file_.empty()) return fixed_;
  std::lock_guard<std::mutex> lock(mutex_);
  read_locked();
  return current_;
}

void TokenSource::invalidate() {
  std::lock_guard<std::mutex> lock(mutex_);
  stale_ = true;
}

int TokenSource::reads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reads_;
}

}  // namespace tollgate::webhook::kube
