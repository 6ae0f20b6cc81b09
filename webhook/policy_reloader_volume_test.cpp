// Reloading policies from a mounted ConfigMap and a git-sync checkout: their
// updates are renames of links (`..data`, `current`), seen by inotify on the
// folders within tens of milliseconds; the 2 s poll is not needed for them.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "policies/gator/test_support.h"
#include "policies/model/atomic_writer_volume_test_support.h"
#include "webhook/policy_reloader.h"
#include "webhook/policy_reloader_test_support.h"

using namespace tollgate::webhook;
using namespace tollgate::webhook::testing;
using tollgate::policies::testing::AtomicWriterVolume;
using tollgate::policies::testing::GitSyncRoot;
using tollgate::policies::gator::testing::TempTree;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

AtomicWriterVolume::Files requiring(const std::string& label) {
  return {{"template.yaml", read_text(required_labels_template_file())},
          {"constraint.yaml", required_label_constraint(label)}};
}

// A reloader over `paths` that polls only once an hour: what it notices in a
// test, inotify told it.
struct Watched : ReloadedRouter {
  explicit Watched(const std::vector<std::string>& paths) : ReloadedRouter(paths, 1h) {
    reloader->start();
    io.run_for(20ms);
    REQUIRE(reloader->watching_folders());
  }
  ~Watched() {
    reloader->stop();
    io.run_for(20ms);
  }
  // Runs the io_context until `series` reaches `count`, for at most a second;
  // returns how long that took.
  Clock::duration run_until(const char* series, double count) {
    auto start = Clock::now();
    while (metric(metrics, series) < count && Clock::now() - start < 1s) io.run_for(5ms);
    return Clock::now() - start;
  }
};

}  // namespace

TEST_CASE("a ConfigMap's ..data swap is served within a tenth of a second, without polling", "[reload][volume]") {
  TempTree tmp;
  AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish(requiring("owner"));
  Watched watched({volume.path()});
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-owner]"));

  volume.publish(requiring("team"));
  auto took = watched.run_until(kReloadSuccesses, 2);
  CHECK(metric(watched.metrics, kReloadSuccesses) == 2);
  CHECK(took < 100ms);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-team]"));

  // A second swap: the watch followed the folder to its new content.
  volume.publish(requiring("cost-center"));
  watched.run_until(kReloadSuccesses, 3);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-cost-center]"));
  // Nothing changed since: no further reload.
  watched.io.run_for(100ms);
  CHECK(metric(watched.metrics, kReloadSuccesses) == 3);
  CHECK(metric(watched.metrics, kReloadErrors) == 0);
}

TEST_CASE("a broken ConfigMap swap keeps the last good set until a good one comes", "[reload][volume]") {
  TempTree tmp;
  AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish(requiring("owner"));
  Watched watched({volume.path()});

  AtomicWriterVolume::Files broken = requiring("team");
  broken["constraint.yaml"] = "kind: K8sRequiredLabels\nspec: [unclosed\n";
  volume.publish(broken);
  watched.run_until(kReloadErrors, 1);
  CHECK(metric(watched.metrics, kReloadErrors) == 1);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-owner]"));

  volume.publish(requiring("team"));
  watched.run_until(kReloadSuccesses, 2);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-team]"));
}

TEST_CASE("a git-sync switch of current is served without polling", "[reload][volume]") {
  TempTree tmp;
  GitSyncRoot root(fs::path(tmp.path()));
  auto checkout = [](const std::string& label) {
    AtomicWriterVolume::Files files;
    for (auto& [name, text] : requiring(label)) files["policies/" + name] = text;
    return files;
  };
  root.check_out("0a1b2c", checkout("owner"));
  Watched watched({(root.current() / "policies").string()});
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-owner]"));

  root.check_out("3d4e5f", checkout("team"));
  auto took = watched.run_until(kReloadSuccesses, 2);
  CHECK(took < 100ms);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-team]"));

  root.check_out("6a7b8c", checkout("cost-center"));
  watched.run_until(kReloadSuccesses, 3);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-cost-center]"));
}

TEST_CASE("a file written in place in a watched subfolder is reloaded without polling", "[reload][volume]") {
  TempTree tmp;
  fs::copy_file(required_labels_template_file(), fs::path(tmp.path()) / "template.yaml");
  tollgate::policies::testing::write_text_file(fs::path(tmp.path()) / "constraints/c.yaml", required_label_constraint("owner"));
  Watched watched({fs::path(tmp.path()).string()});

  std::ofstream(fs::path(tmp.path()) / "constraints/c.yaml", std::ios::trunc) << required_label_constraint("team");
  watched.run_until(kReloadSuccesses, 2);
  CHECK_THAT(denial_message(watched.router), Catch::Contains("[must-have-team]"));
}
