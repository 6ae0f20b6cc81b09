// Where a SARIF result says its file is: relative to the source root (the
// directory tollgate runs in, the checkout in CI) with uriBaseId %SRCROOT%
// when the file is under it, which is what code scanning maps onto the
// pull request; an absolute file:// URI otherwise.
#include "policies/sarif/sarif_log.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "policies/gator/test_support.h"

using namespace tollgate::policies::sarif;
using tollgate::policies::gator::testing::TempTree;
namespace fs = std::filesystem;

TEST_CASE("a file under the source root is a %SRCROOT%-relative URI, any other an absolute file:// URI",
          "[sarif]") {
  TempTree tree;
  std::string root = tree.path("repo");
  fs::create_directories(root);
  tree.write("repo/deploy/app one.yaml", "");

  ArtifactLocation inside = artifact_location(tree.path("repo/deploy/app one.yaml"), root);
  CHECK(inside.uri == "deploy/app%20one.yaml");
  CHECK(inside.uri_base_id == "%SRCROOT%");
  // Spelled with "." and ".." it is the same file; the root given with a trailing slash the same root.
  CHECK(artifact_location(root + "/./x/../deploy/app one.yaml", root + "/").uri == "deploy/app%20one.yaml");

  ArtifactLocation outside = artifact_location(tree.path("elsewhere/a:b.yaml"), root);
  CHECK(outside.uri == "file://" + tree.path("elsewhere/a%3Ab.yaml"));
  CHECK(outside.uri_base_id.empty());
  // A sibling whose name starts like the root is not under it.
  CHECK(artifact_location(tree.path("repo-old/a.yaml"), root).uri_base_id.empty());

  // A relative path is relative to the current directory, the default root.
  ArtifactLocation relative = artifact_location("manifests/./pod.yaml");
  CHECK(relative.uri == "manifests/pod.yaml");
  CHECK(relative.uri_base_id == "%SRCROOT%");
  CHECK(artifact_location("../elsewhere.yaml").uri ==
        "file://" + (fs::current_path().parent_path() / "elsewhere.yaml").generic_string());
}

TEST_CASE("a root reached through a symbolic link still holds its files", "[sarif]") {
  TempTree tree;
  fs::create_directories(tree.path("real/deploy"));
  tree.write("real/deploy/pod.yaml", "");
  fs::create_directory_symlink(tree.path("real"), tree.path("link"));
  ArtifactLocation through_link = artifact_location(tree.path("link/deploy/pod.yaml"), tree.path("real"));
  CHECK(through_link.uri == "deploy/pod.yaml");
  CHECK(through_link.uri_base_id == "%SRCROOT%");
  CHECK(artifact_location(tree.path("real/deploy/pod.yaml"), tree.path("link")).uri == "deploy/pod.yaml");
}

TEST_CASE("workflow commands name a file under the root by its path from the root", "[sarif]") {
  TempTree tree;
  std::string root = tree.path("repo");
  fs::create_directories(root);
  CHECK(display_path(tree.path("repo/deploy/pod.yaml"), root) == "deploy/pod.yaml");
  CHECK(display_path(tree.path("other/pod.yaml"), root) == tree.path("other/pod.yaml"));
  CHECK(display_path("./deploy/../deploy/pod.yaml") == "deploy/pod.yaml");
}

TEST_CASE("a SARIF log: 1-based region with its column, columns in code points, %SRCROOT% defined when used",
          "[sarif]") {
  TempTree tree;
  std::string root = tree.path("repo");
  fs::create_directories(root);
  std::vector<Rule> rules = {{"K8sDenyAll/all", "K8sDenyAll", "K8sDenyAll/all (deny)", "error", {}}};
  std::vector<Finding> findings = {
      {0, "error", "m1", tree.path("repo/a.yaml"), 4, 3, "ns/Pod/a"},
      {0, "error", "m2", tree.path("b.yaml"), 7, 0, ""},
      {0, "error", "m3", "-", 1, 1, "Pod/c"},
  };
  LogOptions options;
  options.root = root;
  nlohmann::json log = nlohmann::json::parse(sarif_log(rules, findings, options));
  CHECK(log["$schema"] == kSchemaUri);
  const auto& run = log["runs"][0];
  CHECK(run["columnKind"] == "unicodeCodePoints");
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + root + "/");
  const auto& first = run["results"][0]["locations"][0]["physicalLocation"];
  CHECK(first["artifactLocation"] == nlohmann::json({{"uri", "a.yaml"}, {"uriBaseId", "%SRCROOT%"}}));
  CHECK(first["region"] == nlohmann::json({{"startLine", 4}, {"startColumn", 3}}));
  const auto& second = run["results"][1]["locations"][0]["physicalLocation"];
  CHECK(second["artifactLocation"] == nlohmann::json({{"uri", "file://" + tree.path("b.yaml")}}));
  CHECK(second["region"] == nlohmann::json({{"startLine", 7}}));
  CHECK_FALSE(run["results"][2]["locations"][0].contains("physicalLocation"));  // stdin

  // No file under the root: no %SRCROOT% to define.
  findings.erase(findings.begin());
  CHECK_FALSE(nlohmann::json::parse(sarif_log(rules, findings, options))["runs"][0].contains("originalUriBaseIds"));
}
