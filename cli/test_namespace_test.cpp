// `tollgate test -n`: the mutation step creates objects that name no
// namespace in the -n namespace, as `tollgate mutate -n` does; the review
// then follows gator's namespace rules.
#include <catch2/catch.hpp>

#include <string>

#include "cli/command_test_support.h"
#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;

namespace {

const std::string& kRequiredLabels = tollgate::policies::expansion::testing::kRequiredLabelsTemplate;

// With kPodsMustHaveOwner: a mutator gives label `owner` to everything created in `shop`.
const char* kShopOwns = R"(apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata:
  name: shop-owns
spec:
  match:
    namespaces: [shop]
  location: metadata.labels.owner
  parameters:
    assign:
      value: shop-team
)";

}  // namespace

TEST_CASE("tollgate test -n creates objects without a namespace there before reviewing them", "[cli][test][namespace]") {
  TempTree tree;
  std::string policies = tree.write(
      "policies.yaml", std::string(tollgate::policies::expansion::testing::kPodsMustHaveOwner) + "---\n" + kShopOwns);
  std::string pod = tree.write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n");
  Run in_default = run({"test", "-f", pod, "--policies", kRequiredLabels, "--policies", policies});
  INFO(in_default.err);
  CHECK(in_default.code == 1);
  CHECK(in_default.out.find("v1/Pod web: [\"all-must-have-owner\"]") != std::string::npos);
  Run in_shop = run({"test", "-f", pod, "--policies", kRequiredLabels, "--policies", policies, "-n", "shop"});
  INFO(in_shop.err);
  CHECK(in_shop.code == 0);
  CHECK(in_shop.out.empty());
}
