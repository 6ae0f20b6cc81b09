// `tollgate serve` picks up edited policy files and SIGHUP without a
// restart, and keeps serving the last good set when a reload fails.
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;

namespace {

const char* kReloadSuccesses = R"(tollgate_policy_reload_total{status="success"})";
const char* kReloadErrors = R"(tollgate_policy_reload_total{status="error"})";
const char* kWarnConstraints = R"(gatekeeper_constraints{enforcement_action="warn",status="active"})";

// all-must-have-owner, but requiring `label` instead.
std::string constraint_requiring(const std::string& label) {
  return "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n"
         "  name: all-must-have-owner\nspec:\n  match:\n    kinds:\n      - apiGroups: [\"\"]\n"
         "        kinds: [\"Namespace\"]\n  parameters:\n    labels:\n      - key: " + label + "\n";
}

struct ReloadingServer {
  ReloadingServer() {
    make_dev_certs(work.path / "certs");
    policies = work.path / "policies";
    fs::create_directories(policies);
    fs::copy_file(library_dir("requiredlabels") / "template.yaml", policies / "template.yaml");
    fs::copy_file(library_dir("requiredlabels") / "samples/all-must-have-owner/constraint.yaml",
                  policies / "all-must-have-owner.yaml");
    server.emplace(work.path, std::vector<fs::path>{policies}, work.path / "certs");
  }

  nlohmann::json review(const std::string& namespace_fixture, const std::string& uid) {
    HttpResponse response = HttpsClient(server->port, work.path / "certs/ca.crt")
                                .post("/validate", admission_review(load_json(fixture(namespace_fixture)), uid));
    INFO(response.body());
    REQUIRE(response.result() == http::status::ok);
    return nlohmann::json::parse(response.body())["response"];
  }

  double metric(const std::string& series) {
    HttpResponse response = HttpClient(server->metrics_port).get("/metrics");
    REQUIRE(response.result() == http::status::ok);
    return metric_value(response.body(), series);
  }

  // Polls `holds` for up to 10 s (files are looked at every 2 s).
  template <class Condition>
  bool eventually(Condition holds) {
    for (auto give_up = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < give_up;) {
      if (holds()) return true;
      std::this_thread::sleep_for(100ms);
    }
    return holds();
  }

  TempDir work;
  fs::path policies;
  std::optional<WebhookServer> server;
};

}  // namespace

TEST_CASE("edited policy files and SIGHUP reload the policies, a broken set leaves the last good one", "[e2e][reload]") {
  ReloadingServer s;
  auto first = s.review("namespace_without_owner.json", "uid-before");
  CHECK(first["allowed"] == false);
  CHECK_THAT(first["status"]["message"].get<std::string>(), Catch::Contains("[all-must-have-owner] missing required label, requires all of: owner"));
  CHECK(s.review("namespace_owner_only.json", "uid-owner-allowed")["allowed"] == true);

  // An edited constraint is served without a restart.
  write_file(s.policies / "all-must-have-owner.yaml", constraint_requiring("team"));
  bool reloaded = s.eventually([&] { return s.review("namespace_owner_only.json", "uid-team")["allowed"] == false; });
  REQUIRE(reloaded);
  auto team = s.review("namespace_owner_only.json", "uid-team-message");
  CHECK_THAT(team["status"]["message"].get<std::string>(), Catch::Contains("[all-must-have-owner] missing required label, requires all of: team"));
  CHECK(s.metric(kReloadSuccesses) == 1);
  CHECK(s.metric(kReloadErrors) == 0);
  CHECK_THAT(s.server->process().stderr_text(), Catch::Contains(R"("msg":"policies reloaded")"));

  // A broken file: the reload fails, is counted, and the last good set still answers.
  write_file(s.policies / "should-have-cost-center.yaml",
             "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nspec:\n  match: [unclosed\n");
  REQUIRE(s.eventually([&] { return s.metric(kReloadErrors) >= 1; }));
  auto still_team = s.review("namespace_owner_only.json", "uid-after-error");
  CHECK(still_team["allowed"] == false);
  CHECK_THAT(still_team["status"]["message"].get<std::string>(), Catch::Contains("requires all of: team"));
  CHECK(s.review("namespace_without_owner.json", "uid-after-error-2")["allowed"] == false);
  std::string log = s.server->process().stderr_text();
  CHECK_THAT(log, Catch::Contains("policy reload failed; keeping the last good policy set"));
  CHECK_THAT(log, Catch::Contains((s.policies / "should-have-cost-center.yaml").string() + ":"));
  CHECK(s.server->process().running());

  // Fixed (now a valid warn constraint) and announced with SIGHUP.
  double successes = s.metric(kReloadSuccesses);
  fs::copy_file(fixture("warn_cost_center_constraint.yaml"), s.policies / "should-have-cost-center.yaml",
                fs::copy_options::overwrite_existing);
  s.server->process().signal(SIGHUP);
  REQUIRE(s.eventually([&] { return s.metric(kReloadSuccesses) > successes; }));
  CHECK(s.eventually([&] { return s.metric(kWarnConstraints) == 1; }));
  auto warned = s.review("namespace_owner_only.json", "uid-fixed");
  CHECK(warned["allowed"] == false);
  REQUIRE(warned["warnings"].is_array());
  CHECK_THAT(warned["warnings"][0].get<std::string>(), Catch::StartsWith("[should-have-cost-center] "));

  // SIGHUP alone reloads too, with no file changed.
  std::this_thread::sleep_for(2500ms);  // let a poll pass that may still see the fix
  successes = s.metric(kReloadSuccesses);
  s.server->process().signal(SIGHUP);
  CHECK(s.eventually([&] { return s.metric(kReloadSuccesses) == successes + 1; }));
  CHECK_THAT(s.server->process().stderr_text(), Catch::Contains(R"("trigger":"SIGHUP")"));
  CHECK(s.server->process().running());

  s.server->process().signal(SIGTERM);
  auto code = s.server->process().wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 0);
}
