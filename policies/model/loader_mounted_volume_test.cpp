// Policy folders as Kubernetes and GitOps tools hand them over: a ConfigMap
// volume written by the kubelet's atomic writer, and a git-sync checkout.
#include <catch2/catch.hpp>

#include <filesystem>

#include "policies/gator/test_support.h"
#include "policies/model/atomic_writer_volume_test_support.h"
#include "policies/model/loader.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::testing;
namespace fs = std::filesystem;
using tollgate::policies::gator::testing::TempTree;

namespace {

std::string deny_all_constraint(const std::string& name) {
  return "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sDenyAll\nmetadata:\n  name: " + name + "\n";
}

AtomicWriterVolume::Files policies_named(const std::string& constraint) {
  return {{"template.yaml", kDenyAllTemplate}, {"constraint.yaml", deny_all_constraint(constraint)}};
}

std::vector<std::string> listed(const std::string& path, bool follow_directory_symlinks = true) {
  std::error_code ec;
  std::vector<std::string> files = list_policy_files(path, ec, follow_directory_symlinks);
  CHECK_FALSE(ec);
  return files;
}

// The constraint a loaded set holds, by the result it gives.
std::string constraint_name(const LoadResult& loaded) {
  INFO(joined_errors(loaded.errors));
  REQUIRE(loaded.policies);
  REQUIRE(loaded.policies->stats().constraints == 1);
  ReviewInput input;
  input.request = admission_request_for_object(yaml("{apiVersion: v1, kind: Namespace, metadata: {name: any}}"));
  Decision decision = loaded.policies->validate(input);
  REQUIRE(decision.results.size() == 1);
  return decision.results[0].constraint_name;
}

}  // namespace

TEST_CASE("a mounted ConfigMap loads each object once, under the names the user sees", "[loader][volume]") {
  TempTree tmp;
  AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish(policies_named("first"));

  CHECK(listed(volume.path()) ==
        std::vector<std::string>{volume.path() + "/constraint.yaml", volume.path() + "/template.yaml"});
  CHECK(listed(volume.path(), /*follow_directory_symlinks=*/false) == listed(volume.path()));
  LoadResult loaded = PolicySet::load({volume.path()});
  CHECK(loaded.errors.empty());
  CHECK(constraint_name(loaded) == "first");
  CHECK(loaded.policies->stats().templates == 1);
}

TEST_CASE("after the kubelet swaps ..data the folder holds the new content, still once", "[loader][volume]") {
  TempTree tmp;
  AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish(policies_named("first"));
  fs::path old_folder = volume.data_folder();
  volume.publish(policies_named("second"));
  CHECK_FALSE(fs::exists(old_folder));

  LoadResult loaded = PolicySet::load({volume.path()});
  CHECK(loaded.errors.empty());
  CHECK(constraint_name(loaded) == "second");

  // A key removed from the ConfigMap is gone; one added is there.
  volume.publish({{"template.yaml", kDenyAllTemplate}, {"other.yaml", deny_all_constraint("third")}});
  CHECK(listed(volume.path()) ==
        std::vector<std::string>{volume.path() + "/other.yaml", volume.path() + "/template.yaml"});
  CHECK(constraint_name(PolicySet::load({volume.path()})) == "third");
}

TEST_CASE("an error in a mounted file names its top-level link, not the hidden folder", "[loader][volume]") {
  TempTree tmp;
  AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish({{"template.yaml", kDenyAllTemplate}, {"broken.yaml", "kind: K8sDenyAll\nspec: [unclosed\n"}});
  LoadResult loaded = PolicySet::load({volume.path()});
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].file == volume.path() + "/broken.yaml");
}

TEST_CASE("ConfigMap items with a path in a subfolder are reached through its top-level link", "[loader][volume]") {
  TempTree tmp;
  AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish({{"templates/deny-all.yaml", kDenyAllTemplate},
                  {"constraints/deny.yaml", deny_all_constraint("nested")}});
  std::vector<std::string> expected{volume.path() + "/constraints/deny.yaml",
                                    volume.path() + "/templates/deny-all.yaml"};
  CHECK(listed(volume.path()) == expected);
  // gator's reading (no directory symlinks) still follows the volume's own links.
  CHECK(listed(volume.path(), /*follow_directory_symlinks=*/false) == expected);
  CHECK(constraint_name(PolicySet::load({volume.path()})) == "nested");
}

TEST_CASE("a git-sync folder is read through its current link at every load", "[loader][volume]") {
  TempTree tmp;
  GitSyncRoot root(fs::path(tmp.path()));
  root.check_out("0a1b2c", {{"policies/template.yaml", kDenyAllTemplate},
                            {"policies/constraint.yaml", deny_all_constraint("first")}});
  std::string policies = (root.current() / "policies").string();
  CHECK(constraint_name(PolicySet::load({policies})) == "first");
  CHECK(listed(policies) == std::vector<std::string>{policies + "/constraint.yaml", policies + "/template.yaml"});

  root.check_out("3d4e5f", {{"policies/template.yaml", kDenyAllTemplate},
                            {"policies/constraint.yaml", deny_all_constraint("second")}});
  CHECK(constraint_name(PolicySet::load({policies})) == "second");

  // Given the root, each file is read once, named through `current`.
  std::string whole = fs::path(tmp.path()).string();
  CHECK(listed(whole) ==
        std::vector<std::string>{whole + "/current/policies/constraint.yaml", whole + "/current/policies/template.yaml"});
}

TEST_CASE("a file reached by two paths or links is read once", "[loader][volume]") {
  TempTree tmp;
  write_text_file(fs::path(tmp.path()) / "real/template.yaml", kDenyAllTemplate);
  write_text_file(fs::path(tmp.path()) / "real/sub/constraint.yaml", deny_all_constraint("once"));
  fs::create_symlink("template.yaml", fs::path(tmp.path()) / "real/alias.yaml");
  fs::create_directory_symlink("../real", fs::path(tmp.path()) / "real/sub/loop");  // a cycle

  std::string real = (fs::path(tmp.path()) / "real").string();
  CHECK(listed(real) == std::vector<std::string>{real + "/alias.yaml", real + "/sub/constraint.yaml"});
  LoadResult loaded = PolicySet::load({real, real + "/sub", real + "/template.yaml"});
  CHECK(loaded.errors.empty());
  CHECK(constraint_name(loaded) == "once");
}

TEST_CASE("files with one leading dot are still policy files, '..' entries are not", "[loader][volume]") {
  TempTree tmp;
  write_text_file(fs::path(tmp.path()) / ".hidden.yaml", "kind: A\n");
  write_text_file(fs::path(tmp.path()) / ".folder/b.yaml", "kind: B\n");
  write_text_file(fs::path(tmp.path()) / "..internal/c.yaml", "kind: C\n");
  write_text_file(fs::path(tmp.path()) / "..d.yaml", "kind: D\n");
  std::string dir = fs::path(tmp.path()).string();
  CHECK(listed(dir) == std::vector<std::string>{dir + "/.folder/b.yaml", dir + "/.hidden.yaml"});
  // Named directly, a '..' folder is read like any other.
  CHECK(listed(dir + "/..internal") == std::vector<std::string>{dir + "/..internal/c.yaml"});
}
