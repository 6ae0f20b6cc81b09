// The container image as a cluster would run it: image/build.sh builds it from
// this build's tollgate, buildah unpacks the oci-archive into a store of the
// test's own and runs the image's entrypoint and default command (only the
// listen addresses moved to free loopback ports) as the image's user, on a
// read-only root, with the dev certificates mounted at /certs; the platform
// pack the image ships then denies a Pod over verified TLS.
#include "tests/e2e/e2e_support.h"

#include <sys/mount.h>

#include <cctype>
#include <map>
#include <set>

using namespace tollgate::e2e;

namespace {

// A shell command's exit code, its output in `log`.
int run(const std::string& command, const fs::path& log) {
  int status = std::system((command + " > " + shell_quote(log.string()) + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The same, failing the test with the output when the command fails.
void require_success(const std::string& command, const fs::path& log) {
  int code = run(command, log);
  if (code != 0) FAIL(command << " exited with " << code << ":\n" << read_file(log));
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

std::string cmake_cache_value(const std::string& key) {
  std::istringstream lines(read_file(fs::path(TOLLGATE_BINARY_DIR) / "CMakeCache.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, key.size() + 1, key + ":") == 0) return line.substr(line.find('=') + 1);
  }
  return "";
}

// buildah with a vfs store under `dir`, so nothing depends on (or changes) the host's.
struct BuildahStore {
  explicit BuildahStore(const fs::path& dir) : dir(dir) {}
  ~BuildahStore() {
    std::error_code ignored;
    if (!rootfs.empty()) ::umount2(rootfs.c_str(), MNT_DETACH);
    if (!container.empty()) std::system((command() + " rm " + shell_quote(container) + " > /dev/null 2>&1").c_str());
    fs::remove_all(dir, ignored);
  }
  std::string command() const {
    return "buildah --storage-driver vfs --root " + shell_quote((dir / "root").string()) + " --runroot " +
           shell_quote((dir / "runroot").string());
  }
  std::vector<std::string> argv() const {
    return {"buildah", "--storage-driver", "vfs", "--root", (dir / "root").string(), "--runroot",
            (dir / "runroot").string()};
  }
  fs::path dir;
  std::string container;
  fs::path rootfs;  // bind-mounted read-only over itself while set
};

// A process in a process group of its own: buildah's chroot runtime and the
// server below it go with it, whatever happens to the test.
class ProcessGroup {
 public:
  ProcessGroup(const std::vector<std::string>& argv, const fs::path& output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) FAIL("cannot start " << argv[0] << ": " << std::strerror(rc));
  }
  ~ProcessGroup() { stop(); }
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  pid_t pid() const { return pid_; }
  bool exited() {
    if (!reaped_ && ::waitpid(pid_, nullptr, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }
  // SIGTERM to the whole group, SIGKILL after 10 s.
  void stop() {
    if (reaped_) return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 1000 && !exited(); ++i) std::this_thread::sleep_for(10ms);
    ::kill(-pid_, SIGKILL);
    if (!reaped_) ::waitpid(pid_, nullptr, 0);
    reaped_ = true;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// The server inside the container: the `tollgate` process of the group.
std::optional<int> server_pid(pid_t group) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_file(entry.path() / "stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos || trimmed(read_file(entry.path() / "comm")) != "tollgate") continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::string state;
    pid_t parent = 0, pgrp = 0;
    fields >> state >> parent >> pgrp;
    if (pgrp == group) return std::stoi(name);
  }
  return std::nullopt;
}

std::string status_line(int pid, const std::string& key) {
  std::istringstream lines(read_file(fs::path("/proc") / std::to_string(pid) / "status"));
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, key.size() + 1, key + ":") == 0) return line;
  }
  return "";
}

// The mount options of "/" as the process sees it (its chroot is its root).
std::string root_mount_options(int pid) {
  std::istringstream lines(read_file(fs::path("/proc") / std::to_string(pid) / "mountinfo"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point, options;
    fields >> id >> parent >> device >> root >> mount_point >> options;
    if (mount_point == "/") return options;
  }
  return "";
}

// A Pod that every shipped constraint accepts but for its image's registry.
nlohmann::json pod(const std::string& image) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"labels", {{"owner", "jane.doe"}, {"team", "payments"}}}}},
          {"spec",
           {{"securityContext", {{"runAsNonRoot", true}, {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
            {"containers",
             {{{"name", "web"},
               {"image", image},
               {"securityContext", {{"allowPrivilegeEscalation", false}}},
               {"resources", {{"limits", {{"cpu", "500m"}, {"memory", "256Mi"}}}}}}}}}}};
}

std::string pod_review(const std::string& image, const std::string& uid) {
  nlohmann::json request = {
      {"uid", uid},
      {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
      {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
      {"name", "web"},
      {"namespace", "shop"},
      {"operation", "CREATE"},
      {"userInfo", {{"username", "jane.doe"}, {"groups", {"system:authenticated"}}}},
      {"object", pod(image)},
      {"oldObject", nullptr},
      {"dryRun", false},
  };
  return nlohmann::json{{"kind", "AdmissionReview"}, {"apiVersion", "admission.k8s.io/v1"}, {"request", request}}
      .dump();
}

nlohmann::json review_response(const HttpResponse& response) {
  INFO(response.body());
  REQUIRE(response.result() == http::status::ok);
  return nlohmann::json::parse(response.body())["response"];
}

}  // namespace

TEST_CASE("the container image serves the platform pack's denial over TLS as uid 65532 on a read-only root",
          "[e2e][image]") {
  // The image is a Release artifact: a sanitizer or debug build makes another binary
  // (larger, with its own runtime needs), so this test only has a meaning in a Release build.
  if (cmake_cache_value("CMAKE_BUILD_TYPE") != "Release" || cmake_cache_value("TOLLGATE_SANITIZE") == "ON") {
    WARN("not a plain Release build (" << cmake_cache_value("CMAKE_BUILD_TYPE")
                                       << "): the image test runs in the Release build only");
    return;
  }
  INFO("buildah must be installed: .ci/install-deps.sh --test installs it");
  REQUIRE(std::system("command -v buildah > /dev/null 2>&1") == 0);

  TempDir work;
  const fs::path build_dir = TOLLGATE_BINARY_DIR;
  const std::string version = TOLLGATE_VERSION;
  const std::string image = "localhost/tollgate:" + version;

  // ---- build: the archive, its size, the docker-archive's tag ----
  fs::path build_log = work.path / "build.log";
  int built = run("bash " + shell_quote((source_dir() / "image/build.sh").string()) + " " +
                      shell_quote(build_dir.string()) + " --docker-archive",
                  build_log);
  std::string build_output = read_file(build_log);
  INFO(build_output);
  REQUIRE(built == 0);
  const fs::path archive = build_dir / "tollgate-image.tar";
  REQUIRE(fs::exists(archive));
  size_t size_at = build_output.find("uncompressed size: ");
  REQUIRE(size_at != std::string::npos);
  const double uncompressed = std::stod(build_output.substr(size_at + std::strlen("uncompressed size: ")));
  CHECK(uncompressed > 5e6);  // the binary and its libraries are in there
  CHECK(uncompressed <= 25e6);
  CHECK(static_cast<double>(fs::file_size(archive)) <= 25e6);
  fs::path docker_manifest = work.path / "docker-manifest.json";
  require_success("tar -xOf " + shell_quote((build_dir / "tollgate-image.docker.tar").string()) + " manifest.json",
                  docker_manifest);
  CHECK(load_json(docker_manifest)[0]["RepoTags"] == nlohmann::json::array({image}));

  // ---- the archive, unpacked into a store of the test's own ----
  BuildahStore store(work.path / "store");
  fs::path log = work.path / "buildah.log";
  require_success(
      store.command() + " from --quiet --name tollgate-image-test " + shell_quote("oci-archive:" + archive.string()),
      log);
  store.container = "tollgate-image-test";

  fs::path inspect_file = work.path / "inspect.json";
  // The image is found by its tag: the archive carries it.
  require_success(store.command() + " inspect --type image " + shell_quote(image), inspect_file);
  nlohmann::json config = load_json(inspect_file)["OCIv1"]["config"];
  INFO(config.dump(2));
  CHECK(config["User"] == "65532:65532");
  REQUIRE(config["Entrypoint"] == nlohmann::json::array({"/usr/local/bin/tollgate"}));
  nlohmann::json labels = config["Labels"];
  CHECK(labels["org.opencontainers.image.title"] == "tollgate");
  CHECK(labels["org.opencontainers.image.version"] == version);
  for (const char* label : {"org.opencontainers.image.source", "org.opencontainers.image.licenses",
                            "org.opencontainers.image.description", "org.opencontainers.image.revision"}) {
    CHECK(labels.contains(label));
  }
  // image/Dockerfile (not built here) must describe the same image.
  std::istringstream dockerfile(read_file(source_dir() / "image/Dockerfile"));
  std::map<std::string, std::string> instructions;
  for (std::string line; std::getline(dockerfile, line);) {
    for (const char* key : {"ENTRYPOINT ", "CMD ", "USER ", "ARG VERSION="}) {
      if (line.rfind(key, 0) == 0) instructions[key] = line.substr(std::strlen(key));
    }
  }
  CHECK(nlohmann::json::parse(instructions["ENTRYPOINT "]) == config["Entrypoint"]);
  CHECK(nlohmann::json::parse(instructions["CMD "]) == config["Cmd"]);
  CHECK(instructions["USER "] == config["User"]);
  CHECK(instructions["ARG VERSION="] == version);
  // The default command serves on all interfaces with the chart's mount paths.
  std::vector<std::string> command = config["Cmd"].get<std::vector<std::string>>();
  auto flag = [&](const std::string& name) -> std::string* {
    for (size_t i = 0; i + 1 < command.size(); ++i) {
      if (command[i] == name) return &command[i + 1];
    }
    return nullptr;
  };
  REQUIRE(!command.empty());
  CHECK(command[0] == "serve");
  REQUIRE(flag("--addr"));
  REQUIRE(flag("--metrics-addr"));
  CHECK(*flag("--addr") == "0.0.0.0:8443");
  CHECK(*flag("--metrics-addr") == "0.0.0.0:9090");
  REQUIRE(flag("--tls-cert"));
  REQUIRE(flag("--tls-key"));
  CHECK(*flag("--tls-cert") == "/certs/tls.crt");
  CHECK(*flag("--tls-key") == "/certs/tls.key");
  REQUIRE(flag("--policies"));
  CHECK(*flag("--policies") == "/policies/platform");

  // ---- read-only root: buildah run has no --read-only, so the container's
  // rootfs is bind-mounted read-only over itself, after the mount points
  // buildah's chroot runtime creates at every run are there ----
  require_success(store.command() + " mount tollgate-image-test", log);
  const fs::path rootfs = trimmed(read_file(log));
  REQUIRE(fs::is_directory(rootfs / "usr/local/bin"));
  // A stripped copy of this build's binary, and exactly the shared objects ldd lists for it.
  CHECK(fs::file_size(rootfs / "usr/local/bin/tollgate") < fs::file_size(TOLLGATE_BINARY));
  std::set<std::string> linked, shipped;
  fs::path ldd_output = work.path / "ldd.txt";
  require_success("ldd " + shell_quote(TOLLGATE_BINARY), ldd_output);
  std::istringstream ldd_lines(read_file(ldd_output));
  for (std::string line; std::getline(ldd_lines, line);) {
    size_t arrow = line.find("=> /");
    size_t start = arrow != std::string::npos ? arrow + 3 : line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] != '/') continue;  // the vDSO
    linked.insert(line.substr(start, line.find(' ', start) - start));
  }
  for (const auto& entry : fs::recursive_directory_iterator(rootfs)) {
    if (entry.is_regular_file() && entry.path().filename().string().find(".so") != std::string::npos) {
      shipped.insert("/" + fs::relative(entry.path(), rootfs).string());
    }
  }
  CHECK(shipped == linked);
  CHECK(shipped.size() > 5);
  for (const char* dir : {"dev", "proc", "sys", "run"}) fs::create_directories(rootfs / dir);
  for (const char* file : {"etc/hosts", "etc/resolv.conf", "etc/hostname", "run/.containerenv"}) {
    write_file(rootfs / file, "");
  }
  if (::mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    FAIL("bind-mounting the rootfs (the test runs as root, as buildah does): " << std::strerror(errno));
  }
  store.rootfs = rootfs;
  if (::mount(nullptr, rootfs.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    FAIL("remounting the rootfs read-only: " << std::strerror(errno));
  }

  // ---- the certificates as a Secret volume with fsGroup 65532 has them; /tmp writable ----
  const fs::path dev_certs = work.path / "dev-certs";
  make_dev_certs(dev_certs);
  const fs::path certs = work.path / "certs";
  const fs::path scratch = work.path / "tmp";
  fs::create_directories(certs);
  fs::create_directories(scratch);
  fs::copy_file(dev_certs / "tls.crt", certs / "tls.crt");
  fs::copy_file(dev_certs / "tls.key", certs / "tls.key");
  REQUIRE(::chown((certs / "tls.key").c_str(), 0, 65532) == 0);
  fs::permissions(certs, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(certs / "tls.crt", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                         fs::perms::others_read);
  fs::permissions(certs / "tls.key", fs::perms::owner_read | fs::perms::group_read);
  fs::permissions(scratch, fs::perms::all | fs::perms::sticky_bit);

  // ---- the image's entrypoint and default command, on free loopback ports ----
  *flag("--addr") = "127.0.0.1:0";
  *flag("--metrics-addr") = "127.0.0.1:0";
  for (std::string arg : {"--ready-file", "/tmp/ready", "--threads", "2", "--shutdown-timeout", "1"}) {
    command.push_back(arg);
  }
  // No --user: the image's own User (65532:65532) must take effect.
  std::vector<std::string> argv = store.argv();
  for (std::string arg : {std::string("run"), std::string("--isolation"), std::string("chroot"), std::string("-v"),
                          certs.string() + ":/certs:ro", std::string("-v"), scratch.string() + ":/tmp",
                          std::string("tollgate-image-test"), std::string("--"),
                          config["Entrypoint"][0].get<std::string>()}) {
    argv.push_back(arg);
  }
  argv.insert(argv.end(), command.begin(), command.end());
  const fs::path run_log = work.path / "run.log";
  ProcessGroup container(argv, run_log);

  unsigned short port = 0;
  const fs::path ready = scratch / "ready";
  for (auto give_up = std::chrono::steady_clock::now() + 30s; port == 0;) {
    if (fs::exists(ready)) {
      std::string text = read_file(ready);
      const std::string prefix = "listening on https://127.0.0.1:";
      size_t at = text.find(prefix);
      if (at != std::string::npos && text.find("metrics on") != std::string::npos) {
        port = static_cast<unsigned short>(std::stoi(text.substr(at + prefix.size())));
      }
    }
    if (port == 0 && container.exited()) FAIL("buildah run ended before the server was ready:\n" << read_file(run_log));
    if (port == 0 && std::chrono::steady_clock::now() > give_up) FAIL("no ready file in 30 s:\n" << read_file(run_log));
    std::this_thread::sleep_for(20ms);
  }

  // ---- who runs, on what root ----
  std::optional<int> server = server_pid(container.pid());
  REQUIRE(server);
  CHECK(status_line(*server, "Uid") == "Uid:\t65532\t65532\t65532\t65532");
  CHECK(status_line(*server, "Gid") == "Gid:\t65532\t65532\t65532\t65532");
  CHECK_THAT(root_mount_options(*server), Catch::StartsWith("ro"));

  // ---- the shipped platform pack judges over verified TLS ----
  auto denied = review_response(
      HttpsClient(port, dev_certs / "ca.crt").post("/validate", pod_review("docker.io/library/nginx:1.25.3", "img-1")));
  CHECK(denied["uid"] == "img-1");
  CHECK(denied["allowed"] == false);
  CHECK(denied["status"]["code"] == 403);
  CHECK(denied["status"]["message"] ==
        "[images-from-approved-registries] images must come from an approved registry (registry.corp/, "
        "ghcr.io/platform/): container web uses docker.io/library/nginx:1.25.3");
  auto allowed = review_response(
      HttpsClient(port, dev_certs / "ca.crt").post("/validate", pod_review("registry.corp/web/nginx:1.25.3", "img-2")));
  CHECK(allowed["uid"] == "img-2");
  CHECK(allowed["allowed"] == true);
}
