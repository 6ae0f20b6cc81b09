// `tollgate audit` and `tollgate test` agree: for the same objects and the
// same policies, audit's per-constraint totals and violations are the
// results test prints (a deny constraint with a namespaceSelector, a warn
// and a dryrun one), whether audit reads a kubectl List or the documents.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

// (constraint name, object kind, namespace, name, message)
using Finding = std::tuple<std::string, std::string, std::string, std::string, std::string>;

std::multiset<Finding> test_findings(const std::string& json) {
  std::multiset<Finding> out;
  nlohmann::json doc = nlohmann::json::parse(json);
  for (const auto& r : doc) {
    const auto& object = r["violatingObject"];
    out.insert({r["constraint"]["metadata"]["name"], object["kind"], object["metadata"].value("namespace", ""),
                object["metadata"]["name"], r["msg"]});
  }
  return out;
}

std::multiset<Finding> audit_findings(const std::string& json, std::map<std::string, int>* totals) {
  std::multiset<Finding> out;
  nlohmann::json doc = nlohmann::json::parse(json);
  for (const auto& c : doc["items"]) {
    std::string name = c["metadata"]["name"];
    if (!c.contains("status")) continue;
    (*totals)[name] = c["status"]["totalViolations"];
    for (const auto& v : c["status"].value("violations", nlohmann::json::array())) {
      out.insert({name, v["kind"], v.value("namespace", ""), v["name"], v["message"]});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("tollgate audit reports the violations tollgate test finds in the same objects", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run tested = run({"test", "-f", files.cluster_yaml, "--policies", files.policies, "-o", "json"});
  REQUIRE(tested.code == 1);
  std::multiset<Finding> expected = test_findings(tested.out);
  REQUIRE(expected.size() == 8);

  for (const std::string& dump : {files.cluster_yaml, files.cluster_list}) {
    INFO("audit of " << dump);
    Run audited = run({"audit", "-f", dump, "--policies", files.policies, "-o", "json"});
    REQUIRE(audited.code == 1);
    std::map<std::string, int> totals;
    CHECK(audit_findings(audited.out, &totals) == expected);
    CHECK(totals == std::map<std::string, int>{
                        {"prod-pods-need-owner", 2}, {"workloads-should-have-owner", 4}, {"no-configmaps-yet", 2}});
  }
}

TEST_CASE("tollgate audit evaluates constraints at audit.gatekeeper.sh: a webhook-only scoped one is not audited",
          "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run audited = run({"audit", "-f", files.cluster_list, "--policies", files.policies});
  CHECK_THAT(audited.out, Catch::Contains("K8sDenyAll/webhook-only (scoped): not audited: no scoped enforcement action "
                                          "at audit.gatekeeper.sh"));
  CHECK_THAT(audited.out, Catch::Contains("Total: 8 violations of 4 constraints in 9 objects"));

  std::string audit_scoped = tree.write("audit-scoped.yaml", R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: audit-only}
spec:
  enforcementAction: scoped
  scopedEnforcementActions:
  - action: warn
    enforcementPoints: [{name: audit.gatekeeper.sh}]
  match:
    kinds: [{apiGroups: [""], kinds: [Namespace]}]
)");
  Run scoped = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "--policies", audit_scoped,
                    "-o", "json"});
  auto items = nlohmann::json::parse(scoped.out)["items"];
  bool found = false;
  for (const auto& c : items) {
    if (c["metadata"]["name"] != "audit-only") continue;
    found = true;
    CHECK(c["status"]["totalViolations"] == 2);
    CHECK(c["status"]["violations"][0]["enforcementAction"] == "scoped");
    CHECK(c["status"]["violations"][0]["enforcementActions"] == nlohmann::json::array({"warn"}));
  }
  CHECK(found);
}
