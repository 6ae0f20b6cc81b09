// `tollgate test` with a constraint whose enforcementAction is not one
// Gatekeeper knows (`foo`): as gator, its violations are printed and the run
// passes; only deny fails it. Tollgate also warns where the value is.
#include <catch2/catch.hpp>

#include <string>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"
#include "policies/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;

namespace {

std::string constraint(const char* action) {
  return std::string(R"(---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: deny-all}
spec:
  enforcementAction: )") + action + "\n";
}

}  // namespace

TEST_CASE("tollgate test: an unrecognized enforcementAction prints its violation, warns and exits 0",
          "[cli][test][enforcement]") {
  TempTree tree;
  std::string pod = tree.write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n");
  std::string foo = tree.write("foo.yaml", std::string(tollgate::policies::testing::kDenyAllTemplate) + constraint("foo"));
  Run r = run({"test", "-f", pod, "--policies", foo});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("denied web"));
  CHECK_THAT(r.err, Catch::Contains("Warning: " + foo + ":"));
  CHECK_THAT(r.err, Catch::Contains("unrecognized enforcementAction: \"foo\""));

  std::string deny = tree.write("deny.yaml", std::string(tollgate::policies::testing::kDenyAllTemplate) + constraint("deny"));
  Run denied = run({"test", "-f", pod, "--policies", deny});
  CHECK(denied.code == 1);
  CHECK_THAT(denied.out, Catch::Contains("denied web"));
  CHECK(denied.err.find("Warning") == std::string::npos);
}
