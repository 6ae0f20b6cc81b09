// `tollgate audit -o sarif`: SARIF 2.1.0 that code scanning reads: a rule
// per audited constraint, a result per kept violation with the level of its
// enforcement action, pointing at the file and line of the object's document.
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

TEST_CASE("tollgate audit -o sarif: a result per violation, its level from the action, at its document's line",
          "[cli][audit][sarif]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run r = run({"audit", "-f", files.cluster_yaml, "--policies", files.policies, "-o", "sarif"});
  CHECK(r.code == 1);
  nlohmann::json sarif = nlohmann::json::parse(r.out);
  CHECK(sarif["version"] == "2.1.0");
  REQUIRE(sarif["runs"].size() == 1);
  const auto& run0 = sarif["runs"][0];
  CHECK(run0["tool"]["driver"]["name"] == "tollgate");
  const auto& rules = run0["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == 3);  // the webhook-only scoped constraint is not audited
  REQUIRE(run0["results"].size() == 8);

  std::map<std::string, int> levels;
  for (const auto& result : run0["results"]) {
    levels[result["level"].get<std::string>()] += 1;
    CHECK(rules[result["ruleIndex"].get<size_t>()]["id"] == result["ruleId"]);
  }
  CHECK(levels == std::map<std::string, int>{{"error", 2}, {"warning", 4}, {"note", 2}});

  // shop/checkout is the third document of cluster.yaml (a blank line, then two of four lines each):
  // its "---" is line 9, its apiVersion line 10.
  bool found = false;
  for (const auto& result : run0["results"]) {
    if (result["ruleId"] != "K8sRequiredOwner/prod-pods-need-owner") continue;
    if (result["message"]["text"] != "v1/Pod shop/checkout: Pod checkout has no owner") continue;
    found = true;
    const auto& location = result["locations"][0];
    CHECK(location["physicalLocation"]["artifactLocation"]["uri"] == "file://" + files.cluster_yaml);
    CHECK(location["physicalLocation"]["region"]["startLine"] == 10);
    CHECK(location["logicalLocations"][0]["fullyQualifiedName"] == "shop/Pod/checkout");
  }
  CHECK(found);
}

TEST_CASE("tollgate audit -o sarif from stdin has no physical location", "[cli][audit][sarif]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run r = run({"audit", "--policies", files.policies, "-o", "sarif"},
              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: lab}\n", /*terminal=*/false);
  nlohmann::json sarif = nlohmann::json::parse(r.out);
  REQUIRE(sarif["runs"][0]["results"].size() == 1);
  const auto& location = sarif["runs"][0]["results"][0]["locations"][0];
  CHECK_FALSE(location.contains("physicalLocation"));
  CHECK(location["logicalLocations"][0]["fullyQualifiedName"] == "lab/ConfigMap/c");
}
