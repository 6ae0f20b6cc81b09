#include "webhook/policy_fingerprint.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "policies/gator/test_support.h"
#include "policies/model/atomic_writer_volume_test_support.h"

using namespace tollgate::webhook;
namespace fs = std::filesystem;
using tollgate::policies::gator::testing::TempTree;

namespace {

struct PolicyTree {
  PolicyTree() {
    std::string pattern = (fs::temp_directory_path() / "tollgate-fingerprint-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    root = pattern;
  }
  ~PolicyTree() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((root / name).parent_path());
    std::ofstream(root / name, std::ios::trunc) << text;
  }
  PolicyFingerprint fingerprint() const { return fingerprint_policy_files({root.string()}); }
  fs::path root;
};

}  // namespace

TEST_CASE("the fingerprint lists policy files recursively, sorted, and nothing else", "[reload]") {
  PolicyTree tree;
  tree.write("b.yaml", "kind: B\n");
  tree.write("sub/a.json", "{}");
  tree.write("sub/deeper/c.yml", "kind: C\n");
  tree.write("notes.txt", "not a policy");
  PolicyFingerprint fingerprint = tree.fingerprint();
  REQUIRE(fingerprint.size() == 3);
  CHECK(fingerprint[0].path == (tree.root / "b.yaml").string());
  CHECK(fingerprint[0].size == 8);
  CHECK(fingerprint[1].path == (tree.root / "sub/a.json").string());
  CHECK(fingerprint[2].path == (tree.root / "sub/deeper/c.yml").string());
  CHECK(tree.fingerprint() == fingerprint);
}

TEST_CASE("writing, adding and removing policy files change the fingerprint", "[reload]") {
  PolicyTree tree;
  tree.write("constraint.yaml", "kind: A\n");
  PolicyFingerprint before = tree.fingerprint();

  tree.write("constraint.yaml", "kind: Longer\n");
  PolicyFingerprint rewritten = tree.fingerprint();
  CHECK(rewritten != before);

  tree.write("sub/new.yml", "kind: B\n");
  PolicyFingerprint added = tree.fingerprint();
  CHECK(added != rewritten);

  fs::remove(tree.root / "sub/new.yml");
  CHECK(tree.fingerprint() == rewritten);
}

TEST_CASE("a file given directly is stamped, a missing path leaves no stamp", "[reload]") {
  PolicyTree tree;
  tree.write("one.yaml", "kind: A\n");
  PolicyFingerprint fingerprint =
      fingerprint_policy_files({(tree.root / "one.yaml").string(), (tree.root / "missing").string()});
  REQUIRE(fingerprint.size() == 1);
  CHECK(fingerprint[0].path == (tree.root / "one.yaml").string());
}

TEST_CASE("a ConfigMap's ..data swap changes the fingerprint even with the same sizes and times", "[reload][volume]") {
  TempTree tmp;
  tollgate::policies::testing::AtomicWriterVolume volume(fs::path(tmp.path()) / "policies");
  volume.publish({{"constraint.yaml", "kind: A\n"}});
  PolicyFingerprint before = fingerprint_policy_files({volume.path()});
  REQUIRE(before.size() == 1);
  CHECK(before[0].path == volume.path() + "/constraint.yaml");
  auto written = fs::last_write_time(volume.data_folder() / "constraint.yaml");

  volume.publish({{"constraint.yaml", "kind: A\n"}});
  fs::last_write_time(volume.data_folder() / "constraint.yaml", written);
  PolicyFingerprint after = fingerprint_policy_files({volume.path()});
  REQUIRE(after.size() == 1);
  CHECK(after[0].size == before[0].size);
  CHECK(after[0].modified_ns == before[0].modified_ns);
  CHECK(after != before);
}

TEST_CASE("the watched folders are every folder walked and the folder of each link on the way", "[reload][volume]") {
  TempTree tmp;
  fs::path root = fs::canonical(fs::path(tmp.path()));
  tollgate::policies::testing::AtomicWriterVolume volume(root / "configmap");
  volume.publish({{"a.yaml", "kind: A\n"}, {"sub/b.yaml", "kind: B\n"}});
  tollgate::policies::testing::GitSyncRoot git(root / "git");
  git.check_out("0a1b2c", {{"policies/c.yaml", "kind: C\n"}});
  tollgate::policies::testing::write_text_file(root / "plain/one.yaml", "kind: D\n");

  CHECK(policy_watch_folders({volume.path()}) ==
        std::vector<std::string>{volume.path(), volume.path() + "/sub"});
  CHECK(policy_watch_folders({(git.current() / "policies").string()}) ==
        std::vector<std::string>{(root / "git").string(), (git.current() / "policies").string()});
  // A file: its folder, where it is replaced or created.
  CHECK(policy_watch_folders({(root / "plain/one.yaml").string(), (root / "plain/later.yaml").string()}) ==
        std::vector<std::string>{(root / "plain").string()});
}
