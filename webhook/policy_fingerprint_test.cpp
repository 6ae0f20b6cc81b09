#include "webhook/policy_fingerprint.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace tollgate::webhook;
namespace fs = std::filesystem;

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
