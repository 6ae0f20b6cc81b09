// `tollgate test --engine`: the same manifests reviewed by either code of a
// template that has both, or by both at once.
#include <catch2/catch.hpp>
#include <string>

#include "cli/command_test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

namespace {

const std::string kRequiredLabels =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/requiredlabels";

Run test_with(const std::string& engine, const std::string& object) {
  return run({"test", "-f", kRequiredLabels + "/samples/all-must-have-owner/" + object, "--policies",
              kRequiredLabels + "/template.yaml", "--policies",
              kRequiredLabels + "/samples/all-must-have-owner/constraint.yaml", "--engine", engine});
}

}  // namespace

TEST_CASE("tollgate test --engine picks the Rego or the CEL code of a template", "[cli][test]") {
  Run rego = test_with("rego", "example_disallowed.yaml");
  INFO(rego.err);
  CHECK(rego.code == 1);
  // The Rego code's message (the constraint's own message)...
  CHECK(rego.out.find("All namespaces must have an `owner` label") != std::string::npos);
  Run cel = test_with("cel", "example_disallowed.yaml");
  CHECK(cel.code == 1);
  // ... and the CEL code's.
  CHECK(cel.out.find("missing required label") != std::string::npos);
  CHECK(test_with("rego", "example_allowed.yaml").code == 0);
}

TEST_CASE("tollgate test --engine all passes when both codes agree and refuses unknown engines", "[cli][test]") {
  Run all = test_with("all", "example_allowed.yaml");
  INFO(all.err);
  CHECK(all.code == 0);
  CHECK(all.err.find("disagree") == std::string::npos);
  CHECK(test_with("opa", "example_allowed.yaml").code == 2);
}
