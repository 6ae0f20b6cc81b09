// --constraint-violations-limit keeps the first N violations of each
// constraint, as Gatekeeper's status does (the smallest by group, version,
// kind, namespace, name, message, written in descending order), while
// totalViolations still counts every one.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

nlohmann::json status_of(const std::string& json, const std::string& name) {
  nlohmann::json doc = nlohmann::json::parse(json);
  for (const auto& c : doc["items"]) {
    if (c["metadata"]["name"] == name) return c["status"];
  }
  FAIL("no constraint " << name);
  return {};
}

}  // namespace

TEST_CASE("the violations limit cuts the violations listed, not totalViolations", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run limited = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "json",
                     "--constraint-violations-limit", "2"});
  nlohmann::json status = status_of(limited.out, "workloads-should-have-owner");
  CHECK(status["totalViolations"] == 4);
  REQUIRE(status["violations"].size() == 2);
  // Ascending: v1/Pod lab/notebook, shop/billing, shop/checkout, then apps/v1/Deployment (group "" < "apps");
  // the smallest two, written in descending order.
  CHECK(status["violations"][0]["name"] == "billing");
  CHECK(status["violations"][1]["name"] == "notebook");
  CHECK(status["auditTimestamp"].get<std::string>().size() == 20);

  Run none = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "json",
                  "--constraint-violations-limit", "0"});
  nlohmann::json bare = status_of(none.out, "workloads-should-have-owner");
  CHECK(bare["totalViolations"] == 4);
  CHECK_FALSE(bare.contains("violations"));

  Run text = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "--constraint-violations-limit", "1"});
  CHECK_THAT(text.out, Catch::Contains("K8sRequiredOwner/workloads-should-have-owner (warn): 4 violations\n"
                                       "  v1/Pod lab/notebook: Pod notebook has no owner\n  ... and 3 more\n"));
}

TEST_CASE("a message over 256 bytes is cut to 253 and '...' as Gatekeeper stores it", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  std::string long_name(300, 'x');
  std::string pod = tree.write("pod.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + long_name +
                                               ", namespace: shop}\n");
  Run r = run({"audit", "-f", pod, "--policies", files.policies, "-o", "json"});
  std::string message = status_of(r.out, "no-configmaps-yet")["violations"][0]["message"];
  CHECK(message.size() == 256);
  CHECK(message == "denied " + std::string(246, 'x') + "...");
}

TEST_CASE("tollgate audit refuses a limit that is not a whole number", "[cli][audit]") {
  Run r = run({"audit", "--constraint-violations-limit", "ten", "-f", "x.yaml"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--constraint-violations-limit"));
}
