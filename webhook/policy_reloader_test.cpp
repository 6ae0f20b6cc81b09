#include "webhook/policy_reloader.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "webhook/admission_router.h"
#include "webhook/metrics.h"
#include "webhook/policy_reloader_test_support.h"

using namespace tollgate::webhook;
using namespace tollgate::webhook::testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A policy directory with the library's required-labels template and one
// constraint requiring `label`.
struct PolicyDir {
  explicit PolicyDir(const std::string& label) {
    std::string pattern = (fs::temp_directory_path() / "tollgate-reload-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    root = pattern;
    fs::copy_file(required_labels_template_file(), root / "template.yaml");
    write("constraint.yaml", required_label_constraint(label));
  }
  ~PolicyDir() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(root / name, std::ios::trunc) << text; }
  std::vector<std::string> paths() const { return {root.string()}; }
  fs::path root;
};

struct Served : ReloadedRouter {
  explicit Served(const PolicyDir& dir) : ReloadedRouter(dir.paths(), 20ms) {}
};

}  // namespace

TEST_CASE("a reload that loads swaps the set in and counts a success", "[reload]") {
  PolicyDir dir("owner");
  Served served(dir);
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-owner]"));

  dir.write("constraint.yaml", required_label_constraint("team"));
  CHECK(served.reloader->reload("test"));
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-team]"));
  CHECK(metric(served.metrics, kReloadSuccesses) == 2);
  CHECK(metric(served.metrics, kReloadErrors) == 0);
  CHECK(metric(served.metrics, R"(gatekeeper_constraints{enforcement_action="deny",status="active"})") == 1);
}

TEST_CASE("a reload that fails keeps the last good set and counts an error", "[reload]") {
  PolicyDir dir("owner");
  Served served(dir);
  dir.write("broken.yaml", "kind: K8sRequiredLabels\nspec: [unclosed\n");
  CHECK_FALSE(served.reloader->reload("test"));
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-owner]"));
  CHECK(metric(served.metrics, kReloadErrors) == 1);
  CHECK(metric(served.metrics, kReloadSuccesses) == 1);
  CHECK(metric(served.metrics, R"(gatekeeper_constraints{enforcement_action="deny",status="active"})") == 1);
}

TEST_CASE("changed files are noticed by polling, an unchanged tree is not reloaded", "[reload]") {
  PolicyDir dir("owner");
  Served served(dir);
  served.reloader->start();
  served.io.run_for(100ms);
  CHECK(metric(served.metrics, kReloadSuccesses) == 1);

  dir.write("constraint.yaml", required_label_constraint("team"));
  for (int i = 0; i < 50 && metric(served.metrics, kReloadSuccesses) < 2; ++i) served.io.run_for(20ms);
  CHECK(metric(served.metrics, kReloadSuccesses) == 2);
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-team]"));

  served.reloader->stop();
  served.io.run_for(50ms);
  CHECK(served.io.stopped());
}

TEST_CASE("a reload that throws keeps the last good set and counts an error", "[reload]") {
  PolicyDir dir("owner");
  Served served(dir);
  served.reloader->set_loader([](const std::vector<std::string>&, const tollgate::policies::LoadOptions&)
                                  -> tollgate::policies::LoadResult { throw std::bad_alloc(); });
  CHECK_NOTHROW(served.reloader->reload("test"));
  CHECK_FALSE(served.reloader->reload("test"));
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-owner]"));
  CHECK(metric(served.metrics, kReloadErrors) == 2);

  // From the watcher: the io thread goes on polling.
  served.reloader->start();
  dir.write("constraint.yaml", required_label_constraint("team"));
  CHECK_NOTHROW(served.io.run_for(200ms));
  CHECK(metric(served.metrics, kReloadErrors) == 3);
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-owner]"));
  served.reloader->stop();
  served.io.run_for(50ms);
}

TEST_CASE("an alias bomb dropped into the watched folder is a failed reload, quickly", "[reload]") {
  PolicyDir dir("owner");
  Served served(dir);
  served.reloader->start();
  served.io.run_for(50ms);
  // 9 levels of 9 aliases: hundreds of millions of strings once expanded.
  std::string bomb = "l0: &l0 [a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i < 9; ++i) {
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) bomb += (k ? ", *l" : "*l") + std::to_string(i - 1);
    bomb += "]\n";
  }
  dir.write("bomb.yaml", bomb);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100 && metric(served.metrics, kReloadErrors) < 1; ++i) served.io.run_for(20ms);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  CHECK(metric(served.metrics, kReloadErrors) == 1);
  CHECK_THAT(denial_message(served.router), Catch::Contains("[must-have-owner]"));
  served.reloader->stop();
  served.io.run_for(50ms);
}
