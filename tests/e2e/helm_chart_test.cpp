// The Helm chart charts/tollgate, as a platform team installs it: `helm lint`,
// `helm template` with the default values and with each option on, and the
// wiring a cluster needs checked on the rendered objects (certificate and
// caBundle, policy mounts, RBAC, webhook rules and exemptions, probes,
// securityContext). The rendered Deployment is then run: its arguments start
// `tollgate serve` on the rendered Secret and ConfigMaps, and a request is
// denied over TLS verified with the rendered caBundle, as the API server would.
// Helm must be installed (.ci/install-helm.sh): without it these tests fail.
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "e2e_support.h"
#include "policies/model/atomic_writer_volume_test_support.h"
#include "webhook/kube/test_api_server.h"

namespace tollgate::e2e {
namespace {

const std::string kRelease = "tg";
const std::string kNamespace = "tollgate-system";
const std::string kFullname = "tg-tollgate";

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs a shell command, stdout and stderr together.
CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

fs::path chart_dir() { return source_dir() / "charts/tollgate"; }

std::string helm() {
  static const bool present = [] {
    CommandResult version = run("helm version --short");
    INFO("helm is needed for the chart tests (.ci/install-helm.sh installs it):\n" << version.output);
    REQUIRE(version.exit_code == 0);
    REQUIRE(version.output.rfind("v3.", 0) == 0);
    return true;
  }();
  (void)present;
  return "helm";
}

std::string join_args(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) out += " " + shell_quote(arg);
  return out;
}

struct Render {
  std::vector<YAML::Node> objects;
  std::string text;

  std::vector<YAML::Node> all(const std::string& kind) const {
    std::vector<YAML::Node> found;
    for (const YAML::Node& object : objects) {
      if (object["kind"].as<std::string>() == kind) found.push_back(object);
    }
    return found;
  }
  std::optional<YAML::Node> find(const std::string& kind, const std::string& name) const {
    for (const YAML::Node& object : all(kind)) {
      if (object["metadata"]["name"].as<std::string>() == name) return object;
    }
    return std::nullopt;
  }
  YAML::Node get(const std::string& kind, const std::string& name) const {
    std::optional<YAML::Node> object = find(kind, name);
    INFO("the render has no " << kind << " " << name);
    REQUIRE(object.has_value());
    return *object;
  }
  YAML::Node only(const std::string& kind) const {
    std::vector<YAML::Node> found = all(kind);
    INFO("the render should have exactly one " << kind);
    REQUIRE(found.size() == 1);
    return found.front();
  }
  std::set<std::string> kinds_and_names() const {
    std::set<std::string> out;
    for (const YAML::Node& object : objects) {
      out.insert(object["kind"].as<std::string>() + "/" + object["metadata"]["name"].as<std::string>());
    }
    return out;
  }
};

// `helm template tg charts/tollgate -n <namespace> <args>`, parsed.
// With a kubeconfig, `--dry-run=server` lets the chart's lookup read the (test) API server.
Render helm_template(const std::vector<std::string>& args = {}, const std::string& namespace_name = kNamespace,
                     const fs::path& kubeconfig = {}) {
  std::string command = (kubeconfig.empty() ? std::string() : "KUBECONFIG=" + shell_quote(kubeconfig.string()) + " ") +
                        helm() + " template " + kRelease + " " + shell_quote(chart_dir().string()) + " -n " +
                        shell_quote(namespace_name) + join_args(args) + (kubeconfig.empty() ? "" : " --dry-run=server");
  CommandResult result = run(command);
  INFO(command << "\n" << result.output);
  REQUIRE(result.exit_code == 0);
  Render render;
  render.text = result.output;
  for (const YAML::Node& document : YAML::LoadAll(result.output)) {
    if (document.IsMap()) render.objects.push_back(document);
  }
  return render;
}

// A map's (key, value) pairs, the key as a string.
std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& map) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  if (!map) return out;
  for (YAML::const_iterator it = map.begin(); it != map.end(); ++it) {
    out.emplace_back(it->first.as<std::string>(), it->second);
  }
  return out;
}

std::vector<std::string> strings(const YAML::Node& sequence) {
  std::vector<std::string> out;
  if (!sequence) return out;
  for (const YAML::Node& item : sequence) out.push_back(item.as<std::string>());
  return out;
}

YAML::Node container(const YAML::Node& deployment) {
  YAML::Node containers = deployment["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 1);
  return containers[0];
}

std::vector<std::string> args_of(const YAML::Node& deployment) { return strings(container(deployment)["args"]); }

// The values of every `--flag VALUE` pair in args.
std::vector<std::string> flag_values(const std::vector<std::string>& args, const std::string& flag) {
  std::vector<std::string> values;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) values.push_back(args[i + 1]);
  }
  return values;
}

std::string flag_value(const std::vector<std::string>& args, const std::string& flag) {
  std::vector<std::string> values = flag_values(args, flag);
  INFO("expected one " << flag << " in the container's args");
  REQUIRE(values.size() == 1);
  return values.front();
}

// mountPath -> the volume mounted there (its YAML), for the one container.
std::map<std::string, YAML::Node> volumes_by_mount_path(const YAML::Node& deployment) {
  std::map<std::string, YAML::Node> volumes;
  for (const YAML::Node& volume : deployment["spec"]["template"]["spec"]["volumes"]) {
    volumes[volume["name"].as<std::string>()] = volume;
  }
  std::map<std::string, YAML::Node> out;
  for (const YAML::Node& mount : container(deployment)["volumeMounts"]) {
    std::string name = mount["name"].as<std::string>();
    INFO("volumeMount " << name << " has no volume");
    REQUIRE(volumes.count(name) == 1);
    CHECK(mount["readOnly"].as<bool>());
    out[mount["mountPath"].as<std::string>()] = volumes[name];
  }
  return out;
}

std::string base64_decode(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  }
  std::string out((clean.size() / 4) * 3 + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  REQUIRE(n >= 0);
  size_t padding = 0;
  if (!clean.empty() && clean.back() == '=') ++padding;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr parse_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  INFO("not a PEM certificate:\n" << pem);
  REQUIRE(certificate != nullptr);
  return certificate;
}

// True when `ca_pem` signed `leaf_pem` and the chain verifies for TLS server use.
bool ca_signed(const std::string& ca_pem, const std::string& leaf_pem, std::string& error) {
  X509Ptr ca = parse_certificate(ca_pem);
  X509Ptr leaf = parse_certificate(leaf_pem);
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), nullptr);
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  bool ok = X509_verify_cert(context.get()) == 1;
  if (!ok) error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
  return ok;
}

bool certificate_names_host(const std::string& pem, const std::string& host) {
  X509Ptr certificate = parse_certificate(pem);
  return X509_check_host(certificate.get(), host.data(), host.size(), 0, nullptr) == 1;
}

std::string service_host() { return kFullname + "." + kNamespace + ".svc"; }

// Every ValidatingWebhookConfiguration and MutatingWebhookConfiguration webhook in the render.
std::vector<YAML::Node> webhooks(const Render& render) {
  std::vector<YAML::Node> out;
  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    for (const YAML::Node& configuration : render.all(kind)) {
      for (const YAML::Node& webhook : configuration["webhooks"]) out.push_back(webhook);
    }
  }
  return out;
}

// Every option the chart has, on at once.
const std::vector<std::string> kAllOptions = {
    "--set", "certManager.enabled=true",
    "--set", "networkPolicy.enabled=true",
    "--set", "serviceMonitor.enabled=true",
    "--set", "autoscaling.enabled=true",
    "--set", "priorityClass.enabled=true",
    "--set", "priorityClass.resourceQuota=true",
    "--set", "webhook.validate.deleteOperations=true",
    "--set", "webhook.matchConditions[0].name=not-leases",
    "--set", "webhook.matchConditions[0].expression=request.resource.resource != 'leases'",
    "--set", "policies.configMaps={team-a-policies,team-b-policies}",
    "--set", "platformPack.enabled=false",
    "--set", "sync.resources[0].group=networking.k8s.io",
    "--set", "sync.resources[0].version=v1",
    "--set", "sync.resources[0].resources={ingresses}",
};

TEST_CASE("helm lint passes, also with --strict, with the default values and with every option on", "[helm]") {
  for (const std::vector<std::string>& values : {std::vector<std::string>{}, kAllOptions}) {
    for (const char* strict : {"", " --strict"}) {
      std::string command = helm() + " lint" + strict + " " + shell_quote(chart_dir().string()) + join_args(values);
      CommandResult result = run(command);
      INFO(command << "\n" << result.output);
      CHECK(result.exit_code == 0);
      CHECK(result.output.find("0 chart(s) failed") != std::string::npos);
    }
  }
}

TEST_CASE("the chart's platform pack is a current copy of policies/library", "[helm]") {
  // charts/tollgate/sync-platform-pack.sh makes the copy; run it after editing policies/library.
  fs::path library = source_dir() / "policies/library";
  fs::path copy = chart_dir() / "policies";
  std::set<std::string> library_files;
  std::set<std::string> copied_files;
  for (const char* folder : {"templates", "constraints", "mutators"}) {
    for (const auto& entry : fs::recursive_directory_iterator(library / folder)) {
      if (entry.is_regular_file()) library_files.insert(fs::relative(entry.path(), library).string());
    }
  }
  for (const auto& entry : fs::recursive_directory_iterator(copy)) {
    if (entry.is_regular_file()) copied_files.insert(fs::relative(entry.path(), copy).string());
  }
  REQUIRE(library_files.size() > 20);
  CHECK(copied_files == library_files);
  for (const std::string& file : library_files) {
    INFO(file << " differs from policies/library: run charts/tollgate/sync-platform-pack.sh");
    CHECK(read_file(copy / file) == read_file(library / file));
  }
  CommandResult check = run("bash " + shell_quote((chart_dir() / "sync-platform-pack.sh").string()) + " --check");
  INFO(check.output);
  CHECK(check.exit_code == 0);
}

TEST_CASE("helm template with the default values renders a complete webhook and nothing optional", "[helm]") {
  Render render = helm_template();
  std::set<std::string> expected = {
      "ServiceAccount/" + kFullname,
      "ClusterRole/" + kFullname,
      "ClusterRoleBinding/" + kFullname,
      "Role/" + kFullname + "-leader-election",
      "RoleBinding/" + kFullname + "-leader-election",
      "Secret/" + kFullname + "-tls",
      "ConfigMap/" + kFullname + "-platform-pack",
      "ConfigMap/" + kFullname + "-policies",
      "ConfigMap/" + kFullname + "-dashboard",
      "Service/" + kFullname,
      "Deployment/" + kFullname,
      "PodDisruptionBudget/" + kFullname,
      "ValidatingWebhookConfiguration/" + kFullname,
      "MutatingWebhookConfiguration/" + kFullname,
  };
  CHECK(render.kinds_and_names() == expected);

  YAML::Node deployment = render.get("Deployment", kFullname);
  CHECK(deployment["spec"]["replicas"].as<int>() == 3);
  YAML::Node pdb = render.get("PodDisruptionBudget", kFullname);
  CHECK(pdb["spec"]["minAvailable"].as<int>() == 1);
  CHECK(pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"].as<std::string>() == kRelease);
  CHECK_FALSE(deployment["spec"]["template"]["spec"]["priorityClassName"]);
  // The image image/build.sh builds: tollgate:<appVersion>, where appVersion is the project's version.
  YAML::Node chart = YAML::LoadFile((chart_dir() / "Chart.yaml").string());
  std::smatch version;
  std::string cmake = read_file(source_dir() / "CMakeLists.txt");
  REQUIRE(std::regex_search(cmake, version, std::regex("project\\(tollgate VERSION ([0-9.]+)")));
  CHECK(chart["appVersion"].as<std::string>() == version[1].str());
  CHECK(container(deployment)["image"].as<std::string>() == "tollgate:" + chart["appVersion"].as<std::string>());
  CHECK(container(deployment)["imagePullPolicy"].as<std::string>() == "IfNotPresent");
  for (const YAML::Node& object : render.objects) {
    if (object["kind"].as<std::string>().find("Cluster") == std::string::npos &&
        object["kind"].as<std::string>().find("WebhookConfiguration") == std::string::npos) {
      INFO(object["kind"] << " " << object["metadata"]["name"]);
      CHECK(object["metadata"]["namespace"].as<std::string>() == kNamespace);
    }
  }
}

TEST_CASE("the caBundle of both webhooks is the CA that signed the certificate the Deployment mounts", "[helm]") {
  Render render = helm_template();
  YAML::Node deployment = render.get("Deployment", kFullname);
  std::vector<std::string> args = args_of(deployment);
  std::string cert_path = flag_value(args, "--tls-cert");
  std::string key_path = flag_value(args, "--tls-key");
  REQUIRE(fs::path(cert_path).parent_path() == fs::path(key_path).parent_path());
  std::map<std::string, YAML::Node> volumes = volumes_by_mount_path(deployment);
  std::string mount = fs::path(cert_path).parent_path().string();
  REQUIRE(volumes.count(mount) == 1);
  std::string secret_name = volumes[mount]["secret"]["secretName"].as<std::string>();
  YAML::Node secret = render.get("Secret", secret_name);
  CHECK(secret["type"].as<std::string>() == "kubernetes.io/tls");
  std::string ca = base64_decode(secret["data"]["ca.crt"].as<std::string>());
  std::string cert = base64_decode(secret["data"][fs::path(cert_path).filename().string()].as<std::string>());
  std::string key = base64_decode(secret["data"][fs::path(key_path).filename().string()].as<std::string>());
  CHECK(key.find("PRIVATE KEY-----") != std::string::npos);

  std::string error;
  CHECK(ca_signed(ca, cert, error));
  INFO(error);
  // The name the API server calls the Service by.
  CHECK(certificate_names_host(cert, service_host()));
  CHECK(certificate_names_host(cert, kFullname + "." + kNamespace + ".svc.cluster.local"));

  std::vector<YAML::Node> hooks = webhooks(render);
  REQUIRE(hooks.size() == 2);
  for (const YAML::Node& webhook : hooks) {
    std::string bundle = webhook["clientConfig"]["caBundle"].as<std::string>();
    REQUIRE_FALSE(bundle.empty());
    CHECK(base64_decode(bundle) == ca);
    CHECK(ca_signed(base64_decode(bundle), cert, error));
  }

  // A second render (no cluster to look the Secret up in) makes a new pair, still consistent.
  Render again = helm_template();
  std::string ca_again = base64_decode(again.get("Secret", secret_name)["data"]["ca.crt"].as<std::string>());
  CHECK(ca_again != ca);
  for (const YAML::Node& webhook : webhooks(again)) {
    CHECK(base64_decode(webhook["clientConfig"]["caBundle"].as<std::string>()) == ca_again);
  }
}

TEST_CASE("with certs.existingSecret the Deployment mounts the user's Secret and the webhooks trust the CA given",
          "[helm]") {
  const std::string ca_bundle = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==";
  Render render = helm_template({"--set", "certs.existingSecret=corp-webhook-tls", "--set", "certs.caBundle=" + ca_bundle});
  CHECK(render.all("Secret").empty());
  YAML::Node deployment = render.get("Deployment", kFullname);
  std::string mount = fs::path(flag_value(args_of(deployment), "--tls-cert")).parent_path().string();
  CHECK(volumes_by_mount_path(deployment)[mount]["secret"]["secretName"].as<std::string>() == "corp-webhook-tls");
  std::vector<YAML::Node> hooks = webhooks(render);
  REQUIRE(hooks.size() == 2);
  for (const YAML::Node& webhook : hooks) CHECK(webhook["clientConfig"]["caBundle"].as<std::string>() == ca_bundle);

  // Without the CA, or together with cert-manager, the chart refuses to render and says why.
  CommandResult no_ca = run(helm() + " template " + kRelease + " " + shell_quote(chart_dir().string()) + " -n " +
                            kNamespace + " --set certs.existingSecret=corp-webhook-tls");
  CHECK(no_ca.exit_code != 0);
  CHECK(no_ca.output.find("certs.caBundle") != std::string::npos);
  CommandResult both = run(helm() + " template " + kRelease + " " + shell_quote(chart_dir().string()) + " -n " +
                           kNamespace + " --set certs.existingSecret=x --set certs.caBundle=" + ca_bundle +
                           " --set certManager.enabled=true");
  CHECK(both.exit_code != 0);
  CHECK(both.output.find("choose one") != std::string::npos);
}

TEST_CASE("an upgrade keeps the certificates of the existing Secret, and renews them when they near expiry",
          "[helm]") {
  // The first install's Secret, as the API server would return it to the chart's lookup on the next upgrade.
  Render first = helm_template();
  const std::string secret_name = kFullname + "-tls";
  YAML::Node installed = first.get("Secret", secret_name);
  long long not_after = std::stoll(installed["metadata"]["annotations"]["tollgate.dev/not-after"].as<std::string>());
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  // certs.validityDays (3650) from now.
  CHECK(std::llabs(not_after - (now + 3650LL * 86400)) < 3600);

  std::atomic<long long> served_not_after{not_after};
  auto secret_json = [&] {
    nlohmann::json data;
    for (const char* key : {"ca.crt", "tls.crt", "tls.key"}) data[key] = installed["data"][key].as<std::string>();
    return nlohmann::json{
        {"kind", "Secret"},
        {"apiVersion", "v1"},
        {"metadata",
         {{"name", secret_name},
          {"namespace", kNamespace},
          {"resourceVersion", "7"},
          {"annotations", {{"tollgate.dev/not-after", std::to_string(served_not_after.load())}}}}},
        {"type", "kubernetes.io/tls"},
        {"data", data}}
        .dump();
  };
  TempDir dir;
  REQUIRE(webhook::kube::testing::make_test_certs(dir.path / "api"));
  using webhook::kube::testing::ApiReply;
  using webhook::kube::testing::ApiRequest;
  webhook::kube::testing::TestApiServer api(dir.path / "api", [&](const ApiRequest& request) {
    ApiReply reply;
    if (request.path == "/api/v1") {
      reply.body = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[)"
                   R"({"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",)"
                   R"("verbs":["create","delete","get","list","patch","update","watch"]}]})";
    } else if (request.path == "/api/v1/namespaces/" + kNamespace + "/secrets/" + secret_name) {
      reply.body = secret_json();
    } else {
      reply.status = 404;
      reply.body = webhook::kube::testing::status_json(404, "NotFound", "the server could not find the requested resource");
    }
    return reply;
  });
  fs::path kubeconfig = dir.path / "kubeconfig";
  write_file(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: " + api.url() +
                             "\n    certificate-authority: " + (dir.path / "api/ca.crt").string() +
                             "\nusers:\n- name: test\n  user:\n    token: test-token\ncontexts:\n- name: test\n"
                             "  context:\n    cluster: test\n    user: test\ncurrent-context: test\n");

  SECTION("far from expiry: the same CA, certificate and key, and the same CA in both caBundles") {
    Render upgrade = helm_template({}, kNamespace, kubeconfig);
    YAML::Node kept = upgrade.get("Secret", secret_name);
    for (const char* key : {"ca.crt", "tls.crt", "tls.key"}) {
      INFO(key);
      CHECK(kept["data"][key].as<std::string>() == installed["data"][key].as<std::string>());
    }
    CHECK(kept["metadata"]["annotations"]["tollgate.dev/not-after"].as<std::string>() == std::to_string(not_after));
    for (const YAML::Node& webhook : webhooks(upgrade)) {
      CHECK(webhook["clientConfig"]["caBundle"].as<std::string>() == installed["data"]["ca.crt"].as<std::string>());
    }
  }
  SECTION("within certs.renewBeforeDays of expiry: a new CA and certificate, still matching") {
    served_not_after = now + 10LL * 86400;
    Render upgrade = helm_template({}, kNamespace, kubeconfig);
    YAML::Node renewed = upgrade.get("Secret", secret_name);
    std::string ca = base64_decode(renewed["data"]["ca.crt"].as<std::string>());
    CHECK(renewed["data"]["ca.crt"].as<std::string>() != installed["data"]["ca.crt"].as<std::string>());
    std::string error;
    CHECK(ca_signed(ca, base64_decode(renewed["data"]["tls.crt"].as<std::string>()), error));
    for (const YAML::Node& webhook : webhooks(upgrade)) {
      CHECK(base64_decode(webhook["clientConfig"]["caBundle"].as<std::string>()) == ca);
    }
    CHECK(std::stoll(renewed["metadata"]["annotations"]["tollgate.dev/not-after"].as<std::string>()) > now + 3000LL * 86400);
  }
  // The chart read the Secret through the API server, not from somewhere else.
  bool looked_up = false;
  for (const ApiRequest& request : api.requests()) {
    if (request.path.find("/secrets/" + secret_name) != std::string::npos) looked_up = true;
  }
  CHECK(looked_up);
}

TEST_CASE("with certManager.enabled the webhooks get the CA of the cert-manager Certificate the Deployment mounts",
          "[helm]") {
  Render render = helm_template({"--set", "certManager.enabled=true"});
  CHECK_FALSE(render.find("Secret", kFullname + "-tls"));
  YAML::Node deployment = render.get("Deployment", kFullname);
  std::string mount = fs::path(flag_value(args_of(deployment), "--tls-cert")).parent_path().string();
  std::string secret_name = volumes_by_mount_path(deployment)[mount]["secret"]["secretName"].as<std::string>();

  // The serving Certificate writes that Secret, for the Service's names...
  std::optional<YAML::Node> serving;
  for (const YAML::Node& certificate : render.all("Certificate")) {
    if (certificate["spec"]["secretName"].as<std::string>() == secret_name) serving = certificate;
  }
  INFO("no Certificate writes the Secret " << secret_name);
  REQUIRE(serving.has_value());
  std::vector<std::string> names = strings((*serving)["spec"]["dnsNames"]);
  CHECK(std::find(names.begin(), names.end(), service_host()) != names.end());
  CHECK_FALSE((*serving)["spec"]["isCA"]);
  // ...issued by a CA Issuer whose CA Certificate is issued by a self-signed Issuer.
  REQUIRE((*serving)["spec"]["issuerRef"]["kind"].as<std::string>() == "Issuer");
  YAML::Node ca_issuer = render.get("Issuer", (*serving)["spec"]["issuerRef"]["name"].as<std::string>());
  std::string ca_secret = ca_issuer["spec"]["ca"]["secretName"].as<std::string>();
  std::optional<YAML::Node> ca_certificate;
  for (const YAML::Node& certificate : render.all("Certificate")) {
    if (certificate["spec"]["secretName"].as<std::string>() == ca_secret) ca_certificate = certificate;
  }
  REQUIRE(ca_certificate.has_value());
  CHECK((*ca_certificate)["spec"]["isCA"].as<bool>());
  YAML::Node root_issuer = render.get("Issuer", (*ca_certificate)["spec"]["issuerRef"]["name"].as<std::string>());
  CHECK(root_issuer["spec"]["selfSigned"].IsMap());

  // cainjector fills both webhook configurations from the serving Certificate.
  std::string expected = kNamespace + "/" + (*serving)["metadata"]["name"].as<std::string>();
  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    YAML::Node configuration = render.only(kind);
    CHECK(configuration["metadata"]["annotations"]["cert-manager.io/inject-ca-from"].as<std::string>() == expected);
    CHECK_FALSE(configuration["webhooks"][0]["clientConfig"]["caBundle"]);
  }
}

// Checks that every --policies flag of the Deployment is a read-only mount of
// a ConfigMap that the render has or that `user_configmaps` lists; returns the
// ConfigMap names in flag order.
std::vector<std::string> check_policy_mounts(const Render& render, const std::set<std::string>& user_configmaps) {
  YAML::Node deployment = render.get("Deployment", kFullname);
  std::map<std::string, YAML::Node> volumes = volumes_by_mount_path(deployment);
  std::vector<std::string> names;
  std::vector<std::string> paths = flag_values(args_of(deployment), "--policies");
  REQUIRE_FALSE(paths.empty());
  for (const std::string& path : paths) {
    INFO("--policies " << path);
    REQUIRE(volumes.count(path) == 1);
    REQUIRE(volumes[path]["configMap"]);
    std::string name = volumes[path]["configMap"]["name"].as<std::string>();
    CHECK(path == "/policies/" + name);
    CHECK((render.find("ConfigMap", name).has_value() || user_configmaps.count(name) == 1));
    names.push_back(name);
  }
  // And nothing mounted under /policies that is not passed.
  size_t policy_mounts = 0;
  for (const auto& [mount_path, volume] : volumes) {
    if (mount_path.rfind("/policies/", 0) == 0) ++policy_mounts;
  }
  CHECK(policy_mounts == paths.size());
  return names;
}

TEST_CASE("every --policies flag is a mounted ConfigMap the chart renders or the user names", "[helm]") {
  SECTION("default: the platform pack and the chart's own ConfigMap") {
    Render render = helm_template();
    CHECK(check_policy_mounts(render, {}) ==
          std::vector<std::string>{kFullname + "-platform-pack", kFullname + "-policies"});
    YAML::Node pack = render.get("ConfigMap", kFullname + "-platform-pack");
    CHECK(pack["data"].size() == 33);
    CHECK(pack["data"]["templates-platformrunasnonroot.yaml"].as<std::string>() ==
          read_file(source_dir() / "policies/library/templates/platformrunasnonroot.yaml"));
    CHECK(pack["data"]["mutators-pod-security.yaml"].as<std::string>() ==
          read_file(source_dir() / "policies/library/mutators/pod-security.yaml"));
  }
  SECTION("user ConfigMaps by name (one listed twice), policies from files, no platform pack") {
    Render render = helm_template({"--set", "policies.configMaps={team-a-policies,team-b-policies,team-a-policies}", "--set",
                                   "platformPack.enabled=false", "--set-file",
                                   "policies.files.required-labels\\.yaml=" +
                                       (library_dir("requiredlabels") / "template.yaml").string()});
    CHECK(check_policy_mounts(render, {"team-a-policies", "team-b-policies"}) ==
          std::vector<std::string>{kFullname + "-policies", "team-a-policies", "team-b-policies"});
    CHECK_FALSE(render.find("ConfigMap", kFullname + "-platform-pack"));
    CHECK_FALSE(render.find("ConfigMap", "team-a-policies"));
    YAML::Node own = render.get("ConfigMap", kFullname + "-policies");
    CHECK(own["data"]["required-labels.yaml"].as<std::string>() ==
          read_file(library_dir("requiredlabels") / "template.yaml"));
  }
}

// The ClusterRole's rules as "group|resource|verb" triples.
std::set<std::string> rbac_rights(const YAML::Node& role) {
  std::set<std::string> rights;
  for (const YAML::Node& rule : role["rules"]) {
    CHECK_FALSE(rule["resourceNames"]);
    CHECK_FALSE(rule["nonResourceURLs"]);
    for (const std::string& group : strings(rule["apiGroups"])) {
      for (const std::string& resource : strings(rule["resources"])) {
        for (const std::string& verb : strings(rule["verbs"])) rights.insert(group + "|" + resource + "|" + verb);
      }
    }
  }
  return rights;
}

void check_binding(const Render& render) {
  YAML::Node deployment = render.get("Deployment", kFullname);
  std::string account = deployment["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>();
  render.get("ServiceAccount", account);
  YAML::Node binding = render.only("ClusterRoleBinding");
  CHECK(binding["roleRef"]["kind"].as<std::string>() == "ClusterRole");
  CHECK(binding["roleRef"]["name"].as<std::string>() == render.only("ClusterRole")["metadata"]["name"].as<std::string>());
  REQUIRE(binding["subjects"].size() == 1);
  CHECK(binding["subjects"][0]["kind"].as<std::string>() == "ServiceAccount");
  CHECK(binding["subjects"][0]["name"].as<std::string>() == account);
  CHECK(binding["subjects"][0]["namespace"].as<std::string>() == kNamespace);
}

TEST_CASE("RBAC grants exactly get, list and watch on Namespaces and on the kinds the Config syncs, and what audit reads",
          "[helm]") {
  SECTION("default: Namespaces, and get and list on everything for the audit every 60 s") {
    Render render = helm_template();
    CHECK(rbac_rights(render.only("ClusterRole")) ==
          std::set<std::string>{"|namespaces|get", "|namespaces|list", "|namespaces|watch", "*|*|get", "*|*|list"});
    check_binding(render);
    CHECK(flag_value(args_of(render.get("Deployment", kFullname)), "--kube-api") == "auto");
    CHECK(flag_value(args_of(render.get("Deployment", kFullname)), "--audit-interval") == "60");
    // The one Role is leader election's (its own test case).
    CHECK(render.all("Role").size() == 1);
    CHECK(render.all("RoleBinding").size() == 1);
  }
  SECTION("audit.interval reaches --audit-interval; 0 turns audit off and its read rights with it") {
    Render every_5m = helm_template({"--set", "audit.interval=300"});
    CHECK(flag_value(args_of(every_5m.get("Deployment", kFullname)), "--audit-interval") == "300");
    CHECK(rbac_rights(every_5m.only("ClusterRole")).count("*|*|list") == 1);
    Render off = helm_template({"--set", "audit.interval=0"});
    CHECK(flag_value(args_of(off.get("Deployment", kFullname)), "--audit-interval") == "0");
    CHECK(rbac_rights(off.only("ClusterRole")) ==
          std::set<std::string>{"|namespaces|get", "|namespaces|list", "|namespaces|watch"});
  }
  SECTION("sync.resources adds read rights on those kinds, nothing else") {
    Render render = helm_template({"--set", "audit.interval=0", "--set", "sync.resources[0].group=networking.k8s.io", "--set",
                                   "sync.resources[0].version=v1", "--set", "sync.resources[0].resources={ingresses}",
                                   "--set", "sync.resources[1].group=", "--set",
                                   "sync.resources[1].resources={services,pods}"});
    CHECK(rbac_rights(render.only("ClusterRole")) ==
          std::set<std::string>{"|namespaces|get", "|namespaces|list", "|namespaces|watch",
                                "networking.k8s.io|ingresses|get", "networking.k8s.io|ingresses|list",
                                "networking.k8s.io|ingresses|watch", "|services|get", "|services|list",
                                "|services|watch", "|pods|get", "|pods|list", "|pods|watch"});
    check_binding(render);
  }
  SECTION("kubeApi=off: no cluster rights and no token") {
    Render render = helm_template({"--set", "kubeApi=off"});
    CHECK(render.all("ClusterRole").empty());
    CHECK(render.all("ClusterRoleBinding").empty());
    YAML::Node deployment = render.get("Deployment", kFullname);
    CHECK(flag_value(args_of(deployment), "--kube-api") == "off");
    CHECK_FALSE(deployment["spec"]["template"]["spec"]["automountServiceAccountToken"].as<bool>());
  }
}

// group|resource|verb|resourceName ("" for any) of each right a Role grants.
std::set<std::string> named_rights(const YAML::Node& role) {
  std::set<std::string> rights;
  for (const YAML::Node& rule : role["rules"]) {
    std::vector<std::string> names = strings(rule["resourceNames"]);
    if (names.empty()) names.push_back("");
    for (const std::string& group : strings(rule["apiGroups"])) {
      for (const std::string& resource : strings(rule["resources"])) {
        for (const std::string& verb : strings(rule["verbs"])) {
          for (const std::string& name : names) rights.insert(group + "|" + resource + "|" + verb + "|" + name);
        }
      }
    }
  }
  return rights;
}

TEST_CASE("leader election: the pods elect their auditor on one Lease of the release namespace, which a Role lets "
          "them create, read and renew",
          "[helm]") {
  SECTION("default: on") {
    Render render = helm_template();
    YAML::Node deployment = render.get("Deployment", kFullname);
    std::vector<std::string> args = args_of(deployment);
    CHECK(std::count(args.begin(), args.end(), "--leader-election=true") == 1);
    std::string lease = flag_value(args, "--leader-election-lease");
    CHECK(lease == kFullname + "-audit");
    CHECK(flag_value(args, "--leader-election-namespace") == kNamespace);
    YAML::Node role = render.get("Role", kFullname + "-leader-election");
    CHECK(role["metadata"]["namespace"].as<std::string>() == kNamespace);
    CHECK(named_rights(role) == std::set<std::string>{"coordination.k8s.io|leases|create|",
                                                       "coordination.k8s.io|leases|get|" + lease,
                                                       "coordination.k8s.io|leases|update|" + lease});
    YAML::Node binding = render.get("RoleBinding", kFullname + "-leader-election");
    CHECK(binding["metadata"]["namespace"].as<std::string>() == kNamespace);
    CHECK(binding["roleRef"]["kind"].as<std::string>() == "Role");
    CHECK(binding["roleRef"]["name"].as<std::string>() == kFullname + "-leader-election");
    REQUIRE(binding["subjects"].size() == 1);
    CHECK(binding["subjects"][0]["name"].as<std::string>() ==
          deployment["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>());
    CHECK(binding["subjects"][0]["namespace"].as<std::string>() == kNamespace);
    // The identity is the pod's name (and a random suffix); the pod's namespace comes from the downward API.
    std::map<std::string, std::string> env;
    for (const YAML::Node& variable : container(deployment)["env"]) {
      if (variable["valueFrom"]) {
        env[variable["name"].as<std::string>()] = variable["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>();
      }
    }
    CHECK(env["POD_NAME"] == "metadata.name");
    CHECK(env["POD_NAMESPACE"] == "metadata.namespace");
    // POD_NAMESPACE would be --gatekeeper-namespace's default: the chart keeps Gatekeeper's own.
    CHECK(flag_value(args, "--gatekeeper-namespace") == "gatekeeper-system");
  }
  SECTION("leaderElection.enabled=false: every pod audits, and no Lease rights") {
    Render render = helm_template({"--set", "leaderElection.enabled=false"});
    std::vector<std::string> args = args_of(render.get("Deployment", kFullname));
    CHECK(std::count(args.begin(), args.end(), "--leader-election=false") == 1);
    CHECK(flag_values(args, "--leader-election-lease").empty());
    CHECK(render.all("Role").empty());
    CHECK(render.all("RoleBinding").empty());
  }
  SECTION("kubeApi=off: no election, no Lease rights") {
    Render render = helm_template({"--set", "kubeApi=off"});
    std::vector<std::string> args = args_of(render.get("Deployment", kFullname));
    for (const std::string& arg : args) CHECK(arg.rfind("--leader-election", 0) == std::string::npos);
    CHECK(render.all("Role").empty());
  }
}

TEST_CASE("the webhooks call the Service, intercept CREATE and UPDATE of everything, and exempt system namespaces",
          "[helm]") {
  Render render = helm_template({"--set", "webhook.exemptNamespaces={kube-node-lease,monitoring}"});
  YAML::Node service = render.get("Service", kFullname);
  YAML::Node deployment = render.get("Deployment", kFullname);
  // Service port 443 -> the container port the server listens on.
  std::string target_port;
  for (const YAML::Node& port : service["spec"]["ports"]) {
    if (port["port"].as<int>() == 443) target_port = port["targetPort"].as<std::string>();
  }
  REQUIRE_FALSE(target_port.empty());
  int container_port = 0;
  for (const YAML::Node& port : container(deployment)["ports"]) {
    if (port["name"].as<std::string>() == target_port) container_port = port["containerPort"].as<int>();
  }
  CHECK(container_port == 8443);
  CHECK(flag_value(args_of(deployment), "--addr") == "0.0.0.0:" + std::to_string(container_port));
  for (const auto& [key, value] : entries(service["spec"]["selector"])) {
    CHECK(deployment["spec"]["template"]["metadata"]["labels"][key].as<std::string>() ==
          value.as<std::string>());
  }

  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    INFO(kind);
    YAML::Node configuration = render.only(kind);
    REQUIRE(configuration["webhooks"].size() == 1);
    YAML::Node webhook = configuration["webhooks"][0];
    bool validating = std::string(kind) == "ValidatingWebhookConfiguration";
    CHECK(webhook["clientConfig"]["service"]["name"].as<std::string>() == kFullname);
    CHECK(webhook["clientConfig"]["service"]["namespace"].as<std::string>() == kNamespace);
    CHECK(webhook["clientConfig"]["service"]["port"].as<int>() == 443);
    CHECK(webhook["clientConfig"]["service"]["path"].as<std::string>() == (validating ? "/validate" : "/mutate"));
    CHECK(webhook["sideEffects"].as<std::string>() == "None");
    CHECK(strings(webhook["admissionReviewVersions"]) == std::vector<std::string>{"v1"});
    CHECK(webhook["failurePolicy"].as<std::string>() == "Fail");
    CHECK(webhook["timeoutSeconds"].as<int>() == 3);
    CHECK_FALSE(webhook["matchConditions"]);
    REQUIRE(webhook["rules"].size() == 1);
    YAML::Node rule = webhook["rules"][0];
    CHECK(strings(rule["apiGroups"]) == std::vector<std::string>{"*"});
    CHECK(strings(rule["apiVersions"]) == std::vector<std::string>{"*"});
    CHECK(strings(rule["resources"]) == std::vector<std::string>{"*", "pods/ephemeralcontainers"});
    CHECK(strings(rule["operations"]) == std::vector<std::string>{"CREATE", "UPDATE"});
    CHECK(rule["scope"].as<std::string>() == "*");

    YAML::Node expressions = webhook["namespaceSelector"]["matchExpressions"];
    REQUIRE(expressions.size() == 2);
    CHECK(expressions[0]["key"].as<std::string>() == "kubernetes.io/metadata.name");
    CHECK(expressions[0]["operator"].as<std::string>() == "NotIn");
    std::vector<std::string> exempt = strings(expressions[0]["values"]);
    CHECK(std::set<std::string>(exempt.begin(), exempt.end()) ==
          std::set<std::string>{kNamespace, "kube-system", "kube-node-lease", "monitoring"});
    CHECK(expressions[1]["key"].as<std::string>() == "admission.gatekeeper.sh/ignore");
    CHECK(expressions[1]["operator"].as<std::string>() == "DoesNotExist");
  }
  CHECK(render.only("MutatingWebhookConfiguration")["webhooks"][0]["reinvocationPolicy"].as<std::string>() ==
        "IfNeeded");
}

TEST_CASE("DELETE is judged only when asked, and matchConditions and failure policies reach the webhooks", "[helm]") {
  Render render = helm_template({"--set", "webhook.validate.deleteOperations=true", "--set",
                                 "webhook.matchConditions[0].name=not-leases", "--set",
                                 "webhook.matchConditions[0].expression=request.resource.resource != 'leases'",
                                 "--set", "webhook.mutate.failurePolicy=Ignore", "--set",
                                 "webhook.mutate.timeoutSeconds=2"});
  YAML::Node validating = render.only("ValidatingWebhookConfiguration")["webhooks"][0];
  YAML::Node mutating = render.only("MutatingWebhookConfiguration")["webhooks"][0];
  CHECK(strings(validating["rules"][0]["operations"]) == std::vector<std::string>{"CREATE", "UPDATE", "DELETE"});
  // A DELETE cannot be mutated.
  CHECK(strings(mutating["rules"][0]["operations"]) == std::vector<std::string>{"CREATE", "UPDATE"});
  for (const YAML::Node& webhook : {validating, mutating}) {
    REQUIRE(webhook["matchConditions"].size() == 1);
    CHECK(webhook["matchConditions"][0]["name"].as<std::string>() == "not-leases");
    CHECK(webhook["matchConditions"][0]["expression"].as<std::string>() == "request.resource.resource != 'leases'");
  }
  CHECK(validating["failurePolicy"].as<std::string>() == "Fail");
  CHECK(mutating["failurePolicy"].as<std::string>() == "Ignore");
  CHECK(mutating["timeoutSeconds"].as<int>() == 2);
}

TEST_CASE("the Deployment runs non-root, read-only, without capabilities, probed over HTTPS, spread over nodes",
          "[helm]") {
  Render render = helm_template();
  YAML::Node deployment = render.get("Deployment", kFullname);
  YAML::Node pod = deployment["spec"]["template"]["spec"];
  YAML::Node server = container(deployment);
  CHECK(pod["securityContext"]["runAsNonRoot"].as<bool>());
  CHECK(pod["securityContext"]["runAsUser"].as<int>() == 65532);
  CHECK(pod["securityContext"]["runAsGroup"].as<int>() == 65532);
  CHECK(pod["securityContext"]["seccompProfile"]["type"].as<std::string>() == "RuntimeDefault");
  YAML::Node security = server["securityContext"];
  CHECK(security["runAsNonRoot"].as<bool>());
  CHECK(security["runAsUser"].as<int>() == 65532);
  CHECK(security["readOnlyRootFilesystem"].as<bool>());
  CHECK_FALSE(security["allowPrivilegeEscalation"].as<bool>());
  CHECK_FALSE(security["privileged"].as<bool>());
  CHECK(strings(security["capabilities"]["drop"]) == std::vector<std::string>{"ALL"});
  CHECK_FALSE(security["capabilities"]["add"]);
  CHECK(server["resources"]["requests"]["cpu"]);
  CHECK(server["resources"]["requests"]["memory"]);
  CHECK(server["resources"]["limits"]["cpu"]);
  CHECK(server["resources"]["limits"]["memory"]);

  for (const auto& [probe, path] : std::vector<std::pair<std::string, std::string>>{
           {"readinessProbe", "/readyz"}, {"livenessProbe", "/healthz"}, {"startupProbe", "/healthz"}}) {
    INFO(probe);
    YAML::Node get = server[probe]["httpGet"];
    CHECK(get["path"].as<std::string>() == path);
    CHECK(get["port"].as<std::string>() == "webhook");
    CHECK(get["scheme"].as<std::string>() == "HTTPS");
  }

  // The kubelet waits longer than the server delays and drains.
  std::vector<std::string> args = args_of(deployment);
  int shutdown_delay = std::stoi(flag_value(args, "--shutdown-delay"));
  int shutdown_timeout = std::stoi(flag_value(args, "--shutdown-timeout"));
  CHECK(shutdown_delay > 0);
  CHECK(pod["terminationGracePeriodSeconds"].as<int>() > shutdown_delay + shutdown_timeout);
  Render longer = helm_template({"--set", "server.shutdownDelaySeconds=10", "--set", "server.shutdownTimeoutSeconds=40"});
  YAML::Node slower = longer.get("Deployment", kFullname);
  CHECK(flag_value(args_of(slower), "--shutdown-delay") == "10");
  CHECK(flag_value(args_of(slower), "--shutdown-timeout") == "40");
  CHECK(slower["spec"]["template"]["spec"]["terminationGracePeriodSeconds"].as<int>() > 50);

  YAML::Node anti = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"];
  REQUIRE(anti.size() == 1);
  CHECK(anti[0]["podAffinityTerm"]["topologyKey"].as<std::string>() == "kubernetes.io/hostname");
  CHECK(anti[0]["podAffinityTerm"]["labelSelector"]["matchLabels"]["app.kubernetes.io/instance"].as<std::string>() ==
        kRelease);
  std::set<std::string> spread;
  for (const YAML::Node& constraint : pod["topologySpreadConstraints"]) {
    spread.insert(constraint["topologyKey"].as<std::string>());
    CHECK(constraint["labelSelector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>() == "tollgate");
  }
  CHECK(spread == std::set<std::string>{"topology.kubernetes.io/zone", "kubernetes.io/hostname"});
}

TEST_CASE("options on: HPA, priority class, NetworkPolicy and ServiceMonitor are wired to the Deployment", "[helm]") {
  SECTION("HPA") {
    Render render = helm_template({"--set", "autoscaling.enabled=true"});
    YAML::Node hpa = render.get("HorizontalPodAutoscaler", kFullname);
    CHECK(hpa["apiVersion"].as<std::string>() == "autoscaling/v2");
    CHECK(hpa["spec"]["scaleTargetRef"]["kind"].as<std::string>() == "Deployment");
    CHECK(hpa["spec"]["scaleTargetRef"]["name"].as<std::string>() == kFullname);
    CHECK(hpa["spec"]["minReplicas"].as<int>() >= 2);
    // The HPA owns the replica count; the Deployment must not reset it on each upgrade.
    CHECK_FALSE(render.get("Deployment", kFullname)["spec"]["replicas"]);
  }
  SECTION("priority class") {
    Render render = helm_template({"--set", "priorityClass.enabled=true", "--set", "priorityClass.resourceQuota=true"});
    YAML::Node pod = render.get("Deployment", kFullname)["spec"]["template"]["spec"];
    CHECK(pod["priorityClassName"].as<std::string>() == "system-cluster-critical");
    YAML::Node quota = render.only("ResourceQuota");
    CHECK(strings(quota["spec"]["scopeSelector"]["matchExpressions"][0]["values"]) ==
          std::vector<std::string>{"system-cluster-critical"});
  }
  SECTION("NetworkPolicy") {
    Render render = helm_template({"--set", "networkPolicy.enabled=true", "--set",
                                   "networkPolicy.apiServerCIDRs={10.0.0.0/16}"});
    YAML::Node policy = render.get("NetworkPolicy", kFullname);
    YAML::Node labels = render.get("Deployment", kFullname)["spec"]["template"]["metadata"]["labels"];
    for (const auto& [key, value] : entries(policy["spec"]["podSelector"]["matchLabels"])) {
      CHECK(labels[key].as<std::string>() == value.as<std::string>());
    }
    CHECK(strings(policy["spec"]["policyTypes"]) == std::vector<std::string>{"Ingress"});
    YAML::Node ingress = policy["spec"]["ingress"];
    REQUIRE(ingress.size() == 2);
    CHECK(ingress[0]["ports"][0]["port"].as<std::string>() == "webhook");
    REQUIRE(ingress[0]["from"].size() == 1);
    CHECK(ingress[0]["from"][0]["ipBlock"]["cidr"].as<std::string>() == "10.0.0.0/16");
    CHECK(ingress[1]["ports"][0]["port"].as<std::string>() == "metrics");
    CHECK(ingress[1]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"].as<std::string>() ==
          "monitoring");
    CHECK(ingress[1]["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>() ==
          "prometheus");
  }
  SECTION("ServiceMonitor") {
    Render render = helm_template({"--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=kps"});
    YAML::Node monitor = render.get("ServiceMonitor", kFullname);
    YAML::Node service = render.get("Service", kFullname);
    CHECK(monitor["metadata"]["labels"]["release"].as<std::string>() == "kps");
    for (const auto& [key, value] : entries(monitor["spec"]["selector"]["matchLabels"])) {
      CHECK(service["metadata"]["labels"][key].as<std::string>() == value.as<std::string>());
    }
    std::string port_name = monitor["spec"]["endpoints"][0]["port"].as<std::string>();
    bool found = false;
    for (const YAML::Node& port : service["spec"]["ports"]) {
      if (port["name"].as<std::string>() == port_name) {
        found = true;
        CHECK(port["port"].as<int>() == 9090);
      }
    }
    CHECK(found);
    CHECK(flag_value(args_of(render.get("Deployment", kFullname)), "--metrics-addr") == "0.0.0.0:9090");
  }
  SECTION("all at once") {
    Render render = helm_template(kAllOptions);
    for (const char* kind : {"HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor", "ResourceQuota"}) {
      INFO(kind);
      CHECK(render.all(kind).size() == 1);
    }
    CHECK(render.all("Certificate").size() == 2);
    CHECK(render.all("Issuer").size() == 2);
    check_policy_mounts(render, {"team-a-policies", "team-b-policies"});
  }
}

TEST_CASE("the Grafana dashboard has Gatekeeper's panels on the metrics tollgate exports", "[helm]") {
  Render render = helm_template();
  YAML::Node config_map = render.get("ConfigMap", kFullname + "-dashboard");
  CHECK(config_map["metadata"]["labels"]["grafana_dashboard"].as<std::string>() == "1");
  nlohmann::json dashboard = nlohmann::json::parse(config_map["data"]["tollgate.json"].as<std::string>());
  std::set<std::string> titles;
  std::string metrics_source = read_file(source_dir() / "webhook/metrics.cpp");
  std::regex metric_name("\\b((gatekeeper|tollgate|certmanager)_[a-z_]+)");
  size_t tollgate_metrics = 0;
  for (const nlohmann::json& panel : dashboard.at("panels")) {
    titles.insert(panel.at("title").get<std::string>());
    for (const nlohmann::json& target : panel.at("targets")) {
      std::string expr = target.at("expr");
      CHECK(expr.find("__RELEASE_NAMESPACE__") == std::string::npos);
      for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric_name); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1];
        if (name.rfind("certmanager_", 0) == 0) {
          CHECK(name == "certmanager_certificate_expiration_timestamp_seconds");
          CHECK(expr.find(kFullname + "-serving") != std::string::npos);
          continue;
        }
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
          if (name.size() > strlen(suffix) && name.compare(name.size() - strlen(suffix), strlen(suffix), suffix) == 0 &&
              metrics_source.find("\"" + name + "\"") == std::string::npos) {
            name.resize(name.size() - strlen(suffix));
          }
        }
        INFO(panel.at("title") << ": " << expr);
        CHECK(metrics_source.find("\"" + name + "\"") != std::string::npos);
        ++tollgate_metrics;
      }
    }
  }
  CHECK(tollgate_metrics >= 10);
  for (const char* title : {"Validation requests by status", "Validation latency p50 / p99", "Violations by constraint",
                            "Policy reloads", "Serving certificate expires in"}) {
    CHECK(titles.count(title) == 1);
  }
}

// `tollgate test` on one rendered Deployment against the platform pack's
// templates and constraints (as written: the mutators are left out, so the
// chart must set everything itself).
CommandResult platform_pack_verdict(const YAML::Node& deployment, const fs::path& dir) {
  fs::path file = dir / "deployment.yaml";
  YAML::Emitter out;
  out << deployment;
  write_file(file, out.c_str());
  fs::path library = source_dir() / "policies/library";
  return run(shell_quote(TOLLGATE_BINARY) + " test -f " + shell_quote(file.string()) + " --policies " +
             shell_quote((library / "templates").string()) + " --policies " +
             shell_quote((library / "constraints").string()));
}

TEST_CASE("dogfood: every rendered Deployment passes the platform pack", "[helm]") {
  TempDir dir;
  // A namespace the pack does not exempt (tollgate-system is), with the registry and the owner and team
  // labels the platform requires of every workload.
  const std::string application_namespace = "security";
  std::vector<std::string> platform = {"--set", "image.repository=registry.corp/platform/tollgate", "--set",
                                       "commonLabels.owner=platform-team", "--set", "commonLabels.team=platform"};
  std::vector<std::string> all = platform;
  all.insert(all.end(), kAllOptions.begin(), kAllOptions.end());
  for (const std::vector<std::string>& values : {platform, all}) {
    Render render = helm_template(values, application_namespace);
    for (const YAML::Node& deployment : render.all("Deployment")) {
      CommandResult verdict = platform_pack_verdict(deployment, dir.path);
      INFO(verdict.output);
      CHECK(verdict.exit_code == 0);
    }
  }

  // The check is live: with the default image and no owner labels, the pack refuses the Deployment for
  // exactly those two platform choices, and for nothing about its security settings.
  Render render = helm_template({}, application_namespace);
  CommandResult verdict = platform_pack_verdict(render.get("Deployment", kFullname), dir.path);
  INFO(verdict.output);
  CHECK(verdict.exit_code == 1);
  std::set<std::string> refused;
  std::regex constraint("\\[\"([a-z0-9-]+)\"\\]");
  for (auto it = std::sregex_iterator(verdict.output.begin(), verdict.output.end(), constraint);
       it != std::sregex_iterator(); ++it) {
    refused.insert((*it)[1]);
  }
  CHECK(refused == std::set<std::string>{"images-from-approved-registries", "workloads-must-have-owner-and-team"});
}

// A rendered ConfigMap's or Secret's data as the kubelet mounts it: a hidden
// timestamped folder, `..data` pointing at it, one top-level link per key.
void mount_like_kubelet(const YAML::Node& object, const fs::path& dir, bool base64) {
  policies::testing::AtomicWriterVolume::Files files;
  for (const auto& [key, value] : entries(object["data"])) {
    std::string text = value.as<std::string>();
    files[key] = base64 ? base64_decode(text) : text;
  }
  policies::testing::AtomicWriterVolume volume(dir);
  volume.publish(files);
}

TEST_CASE("the rendered pod serves: its arguments, Secret and ConfigMaps start tollgate, trusted by the caBundle",
          "[helm]") {
  TempDir dir;
  Render render = helm_template({"--set-file", "policies.files.required-labels\\.yaml=" +
                                                   (library_dir("requiredlabels") / "template.yaml").string()});
  YAML::Node deployment = render.get("Deployment", kFullname);
  std::map<std::string, YAML::Node> volumes = volumes_by_mount_path(deployment);
  // Each mount becomes a folder under dir, filled from the rendered object the way the kubelet fills it.
  std::map<std::string, fs::path> mounted;
  for (const auto& [mount_path, volume] : volumes) {
    fs::path local = dir.path / ("mount" + mount_path);
    if (volume["secret"]) {
      mount_like_kubelet(render.get("Secret", volume["secret"]["secretName"].as<std::string>()), local, true);
    } else {
      mount_like_kubelet(render.get("ConfigMap", volume["configMap"]["name"].as<std::string>()), local, false);
    }
    mounted[mount_path] = local;
  }

  std::vector<std::string> argv = {TOLLGATE_BINARY};
  std::vector<std::string> args = args_of(deployment);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if ((arg == "--addr" || arg == "--metrics-addr") && i + 1 < args.size()) {
      argv.push_back(arg);
      argv.push_back("127.0.0.1:0");  // the pod's own network namespace would give it 0.0.0.0:8443
      ++i;
      continue;
    }
    for (const auto& [mount_path, local] : mounted) {
      if (arg == mount_path || arg.rfind(mount_path + "/", 0) == 0) arg = local.string() + arg.substr(mount_path.size());
    }
    argv.push_back(arg);
  }
  fs::path ready_file = dir.path / "ready";
  argv.push_back("--ready-file");
  argv.push_back(ready_file.string());

  // There is no API server here: --kube-api auto must not find one through a CI runner's own pod
  // environment, so that the server serves from the mounted policies alone.
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ChildProcess server(argv, dir.path / "serve.stdout", dir.path / "serve.stderr");
  unsigned short port = 0;
  auto give_up = std::chrono::steady_clock::now() + 60s;
  while (port == 0 && std::chrono::steady_clock::now() < give_up) {
    if (fs::exists(ready_file)) {
      std::string text = read_file(ready_file);
      const std::string prefix = "listening on https://127.0.0.1:";
      size_t at = text.find(prefix);
      if (at != std::string::npos) port = static_cast<unsigned short>(std::stoi(text.substr(at + prefix.size())));
    }
    if (auto code = server.wait_exit(0ms)) FAIL("tollgate serve exited with " << *code << ":\n" << server.stderr_text());
    if (port == 0) std::this_thread::sleep_for(20ms);
  }
  INFO(server.stderr_text());
  REQUIRE(port != 0);

  // As the API server calls the webhook: TLS verified with the caBundle, for the Service's DNS name.
  fs::path ca_file = dir.path / "caBundle.pem";
  write_file(ca_file, base64_decode(render.only("ValidatingWebhookConfiguration")["webhooks"][0]["clientConfig"]
                                        ["caBundle"].as<std::string>()));
  {
    HttpsClient client(port, ca_file, service_host());
    HttpResponse ready = client.get("/readyz");
    CHECK(ready.result_int() == 200);
  }
  nlohmann::json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
      {"spec", {{"containers", {{{"name", "web"}, {"image", "nginx:latest"}}}}}},
  };
  HttpsClient client(port, ca_file, service_host());
  HttpResponse response = client.post("/validate", admission_review(pod, "4f1d3c2a-helm"));
  REQUIRE(response.result_int() == 200);
  nlohmann::json review = nlohmann::json::parse(response.body());
  CHECK(review["response"]["uid"] == "4f1d3c2a-helm");
  CHECK(review["response"]["allowed"] == false);
  std::string message = review["response"]["status"]["message"];
  CHECK(message.find("[images-from-approved-registries]") != std::string::npos);
  CHECK(message.find("[images-must-be-pinned]") != std::string::npos);
  server.signal(SIGTERM);
  CHECK(server.wait_exit(30s) == 0);
}

}  // namespace
}  // namespace tollgate::e2e
