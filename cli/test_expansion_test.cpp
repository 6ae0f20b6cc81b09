// `tollgate test` judges a Deployment by the Pod its ExpansionTemplate
// implies, and reports the result against the Deployment, as gator test does.
#include <catch2/catch.hpp>

#include <string>

#include "cli/command_test_support.h"
#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;
namespace fixtures = tollgate::policies::expansion::testing;

TEST_CASE("tollgate test denies a Deployment whose Pod would lack a required label", "[cli][test][expansion]") {
  TempTree tree;
  std::string policies = tree.write(
      "policies.yaml", std::string(fixtures::kPodsMustHaveOwner) + "---\n" + fixtures::kExpandDeployments);
  std::string deployment = tree.write("deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx}]
)");
  Run r = run({"test", "-f", deployment, "--policies", fixtures::kRequiredLabelsTemplate, "--policies", policies,
               "--engine", "rego"});
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out ==
        "apps/v1/Deployment shop/web: [\"all-must-have-owner\"] Message: \"[Implied by expand-deployments] you must "
        "provide labels: {\\\"owner\\\"}\"\n");
}
