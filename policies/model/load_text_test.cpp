// A policy stream held in memory (a ConfigMap's value) loads as the same text
// in a file would, its errors and locations named by the name it is given.
#include <catch2/catch.hpp>
#include <string>

#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;

TEST_CASE("a policy stream in memory loads and denies as the same file would", "[loader]") {
  std::string text = std::string(testing::kDenyAllTemplate) +
                     "---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sDenyAll\nmetadata: {name: deny-all}\n";
  LoadResult r = PolicySet::load_text(text, "configmap/policies/all.yaml");
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  ReviewInput input;
  input.request = admission_request_for_object(
      testing::yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: payments}\n"), "CREATE");
  Decision decision = r.policies->validate(input);
  CHECK_FALSE(decision.allowed);
  REQUIRE(decision.results.size() == 1);
  CHECK(decision.results[0].message == "denied payments");
}

TEST_CASE("a policy stream in memory reports errors at its name, line and column", "[loader]") {
  LoadResult bad_yaml = PolicySet::load_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: [unclosed\n", "cm/key");
  REQUIRE(bad_yaml.errors.size() == 1);
  CHECK(bad_yaml.policies == nullptr);
  CHECK_THAT(bad_yaml.errors[0].to_string(), Catch::StartsWith("cm/key:"));
  CHECK(bad_yaml.errors[0].line >= 3);

  LoadResult no_template =
      PolicySet::load_text("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNope\nmetadata: {name: x}\n", "cm/key");
  REQUIRE(no_template.errors.size() == 1);
  CHECK(no_template.errors[0].file == "cm/key");
  CHECK(no_template.errors[0].line == 2);
}
