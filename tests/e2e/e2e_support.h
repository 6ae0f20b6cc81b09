// What the end-to-end tests need around the real `tollgate` binary: temp
// dirs, the dev certificate script, a child process with a ready file, and
// small HTTP(S) clients that verify the server like kube-apiserver does.
#pragma once

#include <algorithm>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace tollgate::e2e {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using HttpResponse = http::response<http::string_body>;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

inline fs::path source_dir() { return TOLLGATE_SOURCE_DIR; }
inline fs::path fixture(const std::string& name) { return source_dir() / "tests/e2e/fixtures" / name; }
inline fs::path library_dir(const std::string& policy) {
  return fs::path(TOLLGATE_SHARED_DIR) / "testdata/gatekeeper-library/library/general" / policy;
}

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tollgate-e2e-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path path;
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// certs/make-dev-certs.sh into dir: ca.crt, ca.key, tls.crt, tls.key.
inline void make_dev_certs(const fs::path& dir) {
  std::string command = "bash " + shell_quote((source_dir() / "certs/make-dev-certs.sh").string()) + " " +
                        shell_quote(dir.string()) + " > " + shell_quote((dir.parent_path() / "certs.log").string()) +
                        " 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  REQUIRE(fs::exists(dir / "tls.crt"));
}

// A child process with stdout and stderr captured in files; killed if the
// test ends without having stopped it.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const fs::path& stdout_file, const fs::path& stderr_file)
      : stderr_file_(stderr_file) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) FAIL("cannot start " << argv[0] << ": " << std::strerror(rc));
  }
  ~ChildProcess() {
    if (!exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void signal(int sig) { ::kill(pid_, sig); }
  // The exit code (128 + signal when killed by one) once the process ends
  // within the timeout; nullopt while it still runs.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    auto give_up = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (std::chrono::steady_clock::now() >= give_up) {
        break;
      } else {
        std::this_thread::sleep_for(10ms);
      }
    }
    return exit_code_;
  }
  bool running() { return !wait_exit(0ms); }
  std::string stderr_text() const { return read_file(stderr_file_); }

 private:
  pid_t pid_ = -1;
  fs::path stderr_file_;
  std::optional<int> exit_code_;
};

// `tollgate serve` on 127.0.0.1 with port 0 for both listeners; the ports
// come from its ready file.
class WebhookServer {
 public:
  WebhookServer(const fs::path& work_dir, const std::vector<fs::path>& policy_paths, const fs::path& cert_dir,
                std::vector<std::string> extra_args = {}) {
    fs::path ready_file = work_dir / "ready";
    std::vector<std::string> argv = {TOLLGATE_BINARY, "serve"};
    for (const fs::path& policies : policy_paths) {
      argv.push_back("--policies");
      argv.push_back(policies.string());
    }
    for (std::string arg : {std::string("--tls-cert"), (cert_dir / "tls.crt").string(), std::string("--tls-key"),
                            (cert_dir / "tls.key").string(), std::string("--addr"), std::string("127.0.0.1:0"),
                            std::string("--metrics-addr"), std::string("127.0.0.1:0"), std::string("--threads"),
                            std::string("2"), std::string("--ready-file"), ready_file.string()}) {
      argv.push_back(arg);
    }
    // A test machine that is itself a pod (KUBERNETES_SERVICE_HOST and a token) would make `--kube-api auto`
    // wait for that cluster's Namespaces; tests talk to a cluster only when they name one.
    bool names_cluster = std::any_of(extra_args.begin(), extra_args.end(),
                                     [](const std::string& a) { return a == "--kubeconfig" || a == "--kube-api"; });
    if (!names_cluster) {
      argv.push_back("--kube-api");
      argv.push_back("off");
    }
    for (std::string& arg : extra_args) argv.push_back(std::move(arg));
    process_.emplace(argv, work_dir / "serve.stdout", work_dir / "serve.stderr");
    wait_until_ready(ready_file);
  }

  ChildProcess& process() { return *process_; }
  unsigned short port = 0;
  unsigned short metrics_port = 0;

 private:
  static unsigned short port_after(const std::string& text, const std::string& prefix) {
    size_t at = text.find(prefix);
    if (at == std::string::npos) return 0;
    return static_cast<unsigned short>(std::stoi(text.substr(at + prefix.size())));
  }

  void wait_until_ready(const fs::path& ready_file) {
    auto give_up = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < give_up) {
      if (fs::exists(ready_file)) {
        std::string text = read_file(ready_file);
        port = port_after(text, "listening on https://127.0.0.1:");
        metrics_port = port_after(text, "metrics on http://127.0.0.1:");
        if (port != 0 && metrics_port != 0) return;
      }
      if (auto code = process_->wait_exit(0ms)) {
        FAIL("tollgate serve exited with " << *code << " before it was ready:\n" << process_->stderr_text());
      }
      std::this_thread::sleep_for(20ms);
    }
    FAIL("tollgate serve did not write its ready file within 60 s:\n" << process_->stderr_text());
  }

  std::optional<ChildProcess> process_;
};

// One HTTP/1.1 connection to 127.0.0.1:port, over TLS when Tls is true
// (verifying the certificate chain against ca_file and the name `verify_host`,
// as kube-apiserver does with the webhook's caBundle). Every step has a
// timeout; failures throw boost::system::system_error.
template <bool Tls>
class Client {
 public:
  using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  explicit Client(unsigned short port, const fs::path& ca_file = {}, const std::string& verify_host = "127.0.0.1") {
    if constexpr (Tls) {
      tls_.load_verify_file(ca_file.string());
      tls_.set_verify_mode(ssl::verify_peer);
      stream_.emplace(io_, tls_);
      SSL* native = stream_->native_handle();
      boost::system::error_code ec;
      net::ip::make_address(verify_host, ec);  // only whether it is an address
      X509_VERIFY_PARAM* param = SSL_get0_param(native);
      if (ec) {
        SSL_set_tlsext_host_name(native, verify_host.c_str());
        X509_VERIFY_PARAM_set1_host(param, verify_host.c_str(), 0);
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(param, verify_host.c_str());
      }
    } else {
      stream_.emplace(io_);
    }
    lowest().expires_after(10s);
    await([&](auto done) { lowest().async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), done); },
          "connect");
    if constexpr (Tls) {
      await([&](auto done) { stream_->async_handshake(ssl::stream_base::client, done); }, "TLS handshake");
    }
  }

  HttpResponse send(http::request<http::string_body> request) {
    request.version(11);
    request.set(http::field::host, "127.0.0.1");
    request.prepare_payload();
    lowest().expires_after(10s);
    await([&](auto done) { http::async_write(*stream_, request, [done](auto ec, size_t) { done(ec); }); }, "write");
    return read_response();
  }

  HttpResponse post(const std::string& target, std::string body, const std::string& content_type = "application/json") {
    http::request<http::string_body> request(http::verb::post, target, 11);
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    return send(std::move(request));
  }

  HttpResponse get(const std::string& target) { return send(http::request<http::string_body>(http::verb::get, target, 11)); }

  // Bytes as they are, for requests a well-behaved client would not send.
  void write_raw(const std::string& bytes) {
    lowest().expires_after(10s);
    await([&](auto done) { net::async_write(*stream_, net::buffer(bytes), [done](auto ec, size_t) { done(ec); }); },
          "write");
  }

  HttpResponse read_response() {
    HttpResponse response;
    lowest().expires_after(10s);
    await([&](auto done) { http::async_read(*stream_, buffer_, response, [done](auto ec, size_t) { done(ec); }); },
          "read response");
    return response;
  }

  // True when the server closed the connection (reading gets end of stream).
  bool closed_by_server() {
    lowest().expires_after(10s);
    char byte;
    boost::system::error_code result;
    stream_->async_read_some(net::buffer(&byte, 1), [&](boost::system::error_code ec, size_t) { result = ec; });
    io_.restart();
    io_.run();
    return result == net::error::eof || result == ssl::error::stream_truncated ||
           result == net::error::connection_reset;
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(*stream_); }

  template <class Start>
  void await(Start start, const char* what) {
    boost::system::error_code result;
    start([&result](boost::system::error_code ec) { result = ec; });
    io_.restart();
    io_.run();
    if (result) throw boost::system::system_error(result, what);
  }

  net::io_context io_;
  ssl::context tls_{ssl::context::tls_client};
  std::optional<Stream> stream_;
  beast::flat_buffer buffer_;
};

using HttpsClient = Client<true>;
using HttpClient = Client<false>;

inline nlohmann::json load_json(const fs::path& path) { return nlohmann::json::parse(read_file(path)); }

// The AdmissionReview kube-apiserver would send for creating `object`.
inline std::string admission_review(const nlohmann::json& object, const std::string& uid,
                                    const std::string& api_version = "admission.k8s.io/v1") {
  std::string kind = object.at("kind");
  std::string name = object.at("metadata").at("name");
  nlohmann::json request = {
      {"uid", uid},
      {"kind", {{"group", ""}, {"version", "v1"}, {"kind", kind}}},
      {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "namespaces"}}},
      {"requestKind", {{"group", ""}, {"version", "v1"}, {"kind", kind}}},
      {"requestResource", {{"group", ""}, {"version", "v1"}, {"resource", "namespaces"}}},
      {"name", name},
      {"operation", "CREATE"},
      {"userInfo", {{"username", "kubernetes-admin"}, {"groups", {"system:masters", "system:authenticated"}}}},
      {"object", object},
      {"oldObject", nullptr},
      {"dryRun", false},
      {"options", {{"kind", "CreateOptions"}, {"apiVersion", "meta.k8s.io/v1"}}},
  };
  return nlohmann::json{{"kind", "AdmissionReview"}, {"apiVersion", api_version}, {"request", request}}.dump();
}

// The AdmissionReview kube-apiserver would send for creating `object`, a
// `resource` of `group` ("" for the core group) at `version`, in the object's namespace.
inline std::string admission_create_review(const nlohmann::json& object, const std::string& group, const std::string& version,
                                 const std::string& resource, const std::string& uid = "e2e-create") {
  nlohmann::json kind = {{"group", group}, {"version", version}, {"kind", object.at("kind")}};
  nlohmann::json gvr = {{"group", group}, {"version", version}, {"resource", resource}};
  nlohmann::json request = {{"uid", uid},
                            {"kind", kind},
                            {"resource", gvr},
                            {"requestKind", kind},
                            {"requestResource", gvr},
                            {"name", object.at("metadata").at("name")},
                            {"namespace", object.at("metadata").value("namespace", "")},
                            {"operation", "CREATE"},
                            {"userInfo", {{"username", "alice"}, {"groups", {"system:authenticated"}}}},
                            {"object", object},
                            {"oldObject", nullptr},
                            {"dryRun", false}};
  return nlohmann::json{{"kind", "AdmissionReview"}, {"apiVersion", "admission.k8s.io/v1"}, {"request", request}}.dump();
}

// Polls `condition` every 20 ms until it holds or `timeout` has passed.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  for (auto give_up = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < give_up;) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

// Whether serve's /readyz answers 200 within `timeout` (it waits for the cluster's Namespaces).
inline bool eventually_ready(unsigned short port, const fs::path& ca, std::chrono::milliseconds timeout = 10s) {
  return eventually([&] { return HttpsClient(port, ca).get("/readyz").result() == http::status::ok; }, timeout);
}

// The value of one series in a Prometheus exposition, 0 when absent.
inline double metric_value(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, series.size(), series) == 0 && line.size() > series.size() && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return 0;
}

// A policy directory with the gatekeeper-library's required-labels template,
// its all-must-have-owner sample (deny) and a warn constraint, copied at test time.
inline fs::path required_labels_policies(const fs::path& work_dir) {
  fs::path dir = work_dir / "policies";
  fs::create_directories(dir);
  fs::copy_file(library_dir("requiredlabels") / "template.yaml", dir / "template.yaml");
  fs::copy_file(library_dir("requiredlabels") / "samples/all-must-have-owner/constraint.yaml",
                dir / "all-must-have-owner.yaml");
  fs::copy_file(fixture("warn_cost_center_constraint.yaml"), dir / "should-have-cost-center.yaml");
  return dir;
}

}  // namespace tollgate::e2e
