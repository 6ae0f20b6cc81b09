// `tollgate test`, `mutate` and `verify` on folders laid out as the kubelet
// mounts a ConfigMap (hidden timestamped folder, `..data` link, top-level
// links): every object is read once, under the names the user sees.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"
#include "policies/model/atomic_writer_volume_test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::testing::AtomicWriterVolume;
using tollgate::policies::gator::testing::TempTree;
namespace fs = std::filesystem;

namespace {

const fs::path kRequiredLabels =
    fs::path(TOLLGATE_SHARED_DIR) / "testdata/gatekeeper-library/library/general/requiredlabels";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The library's required-labels policy folder (suite, template, samples in
// subfolders, as ConfigMap items with a path), mounted.
AtomicWriterVolume::Files required_labels_suite() {
  AtomicWriterVolume::Files files;
  for (const auto& entry : fs::recursive_directory_iterator(kRequiredLabels)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files[entry.path().lexically_relative(kRequiredLabels).string()] = read_text(entry.path());
    }
  }
  return files;
}

AtomicWriterVolume::Files owner_policies() {
  return {{"template.yaml", read_text(kRequiredLabels / "template.yaml")},
          {"constraint.yaml", read_text(kRequiredLabels / "samples/all-must-have-owner/constraint.yaml")}};
}

}  // namespace

TEST_CASE("tollgate test reads mounted ConfigMaps of policies and of manifests once", "[cli][test][volume]") {
  TempTree tmp;
  AtomicWriterVolume policies(fs::path(tmp.path()) / "policies");
  policies.publish(owner_policies());
  AtomicWriterVolume manifests(fs::path(tmp.path()) / "manifests");
  manifests.publish({{"namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: no-owner\n"}});

  Run r = run({"test", "-f", manifests.path(), "--policies", policies.path()});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  // One Namespace, one constraint: its two messages, once each.
  CHECK(occurrences(r.out, "v1/Namespace no-owner: [\"all-must-have-owner\"]") == 2);
  CHECK(occurrences(r.out, "requires all of: owner") == 1);
}

TEST_CASE("tollgate mutate reads a mounted ConfigMap of mutators once", "[cli][mutate][volume]") {
  TempTree tmp;
  AtomicWriterVolume mutators(fs::path(tmp.path()) / "mutators");
  mutators.publish({{"owner.yaml", "apiVersion: mutations.gatekeeper.sh/v1\nkind: AssignMetadata\nmetadata:\n"
                                   "  name: owner\nspec:\n  location: metadata.labels.owner\n  parameters:\n"
                                   "    assign:\n      value: platform\n"}});
  AtomicWriterVolume manifests(fs::path(tmp.path()) / "manifests");
  manifests.publish({{"pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n"}});

  Run r = run({"mutate", "-f", manifests.path(), "--policies", mutators.path()});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(occurrences(r.out, "kind: \"Pod\"") == 1);
  CHECK(occurrences(r.out, "owner: \"platform\"") == 1);
}

TEST_CASE("tollgate verify runs the suites of a mounted ConfigMap once", "[cli][verify][volume]") {
  TempTree tmp;
  AtomicWriterVolume suites(fs::path(tmp.path()) / "suites");
  suites.publish(required_labels_suite());

  Run r = run({"verify", suites.path() + "/..."});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(occurrences(r.out, "ok\t") == 1);
  CHECK(r.out.rfind("ok\t" + suites.path() + "/suite.yaml\t", 0) == 0);
}
