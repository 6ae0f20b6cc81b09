// `tollgate test -o sarif` and `-o github`: results where developers look.
// SARIF 2.1.0 with a rule per constraint and a result per result, level
// from the enforcement action, at the file and line of the object's
// document; GitHub workflow commands with the same file, line and level.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

TEST_CASE("tollgate test -o sarif points each result at its manifest document", "[cli][test][sarif]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run r = run({"test", "-f", files.cluster_yaml, "--policies", files.policies, "-o", "sarif"});
  CHECK(r.code == 1);
  nlohmann::json sarif = nlohmann::json::parse(r.out);
  CHECK(sarif["version"] == "2.1.0");
  const auto& run0 = sarif["runs"][0];
  CHECK(run0["tool"]["driver"]["rules"].size() == 3);
  REQUIRE(run0["results"].size() == 8);
  std::map<std::string, int> levels;
  for (const auto& result : run0["results"]) levels[result["level"].get<std::string>()] += 1;
  CHECK(levels == std::map<std::string, int>{{"error", 2}, {"warning", 4}, {"note", 2}});
  // The first result is shop/checkout's deny (the third document, from line 10).
  const auto& first = run0["results"][0];
  CHECK(first["ruleId"] == "K8sRequiredOwner/prod-pods-need-owner");
  CHECK(first["message"]["text"] == "v1/Pod shop/checkout: Pod checkout has no owner");
  CHECK(first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file://" + files.cluster_yaml);
  CHECK(first["locations"][0]["physicalLocation"]["region"]["startLine"] == 10);

  Run deny_only = run({"test", "-f", files.cluster_yaml, "--policies", files.policies, "-o", "sarif", "--deny-only"});
  CHECK(nlohmann::json::parse(deny_only.out)["runs"][0]["results"].size() == 2);
}

TEST_CASE("tollgate test -o github prints a workflow command per result", "[cli][test][github]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run r = run({"test", "-f", files.cluster_yaml, "--policies", files.policies, "-o", "github"});
  CHECK(r.code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("::error file=" + files.cluster_yaml +
                                      ",line=10,col=1,title=K8sRequiredOwner/prod-pods-need-owner::v1/Pod shop/checkout: "
                                      "Pod checkout has no owner\n"));
  CHECK_THAT(r.out, Catch::Contains("::warning file=" + files.cluster_yaml +
                                    ",line=25,col=1,title=K8sRequiredOwner/workloads-should-have-owner::v1/Pod lab/notebook: "
                                    "Pod notebook has no owner\n"));
  CHECK_THAT(r.out, Catch::Contains("::notice file=" + files.cluster_yaml + ",line=35,col=1,title=K8sDenyAll/no-configmaps-yet::"));

  // Newlines and percent signs are escaped, and stdin has no file.
  std::string cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a%b\", namespace: lab}\n";
  Run piped = run({"test", "--policies", files.policies, "-o", "github"}, cm, /*terminal=*/false);
  CHECK(piped.out == "::notice title=K8sDenyAll/no-configmaps-yet::v1/ConfigMap lab/a%25b: denied a%25b\n");
}
