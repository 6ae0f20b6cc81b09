#include "policies/model/enforcement_action.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;
using Actions = std::vector<std::string>;

namespace {

std::optional<EnforcementAction> parse(std::string_view text, std::vector<LoadError>* errors_out = nullptr) {
  Value v = yaml(text);
  std::vector<LoadError> errors;
  ObjectOrigin origin("c.yaml", nullptr);
  ParseContext ctx(origin, errors);
  auto a = EnforcementAction::parse(v, ctx);
  if (errors_out) *errors_out = errors;
  return a;
}

}  // namespace

TEST_CASE("enforcement action: absent means deny at every point", "[enforcement]") {
  auto a = parse("spec: {}");
  REQUIRE(a);
  CHECK(a->action() == "deny");
  CHECK(a->actions_at(kValidationPoint) == Actions{"deny"});
  CHECK(a->actions_at(kAuditPoint) == Actions{"deny"});
  CHECK(a->actions_at("some.other.point") == Actions{"deny"});
}

TEST_CASE("enforcement action: non-scoped actions ignore scopedEnforcementActions", "[enforcement]") {
  auto a = parse(R"(
spec:
  enforcementAction: warn
  scopedEnforcementActions: [{action: deny, enforcementPoints: [{name: validation.gatekeeper.sh}]}]
)");
  REQUIRE(a);
  CHECK(a->actions_at(kValidationPoint) == Actions{"warn"});
  CHECK(a->actions_at(kGatorPoint) == Actions{"warn"});
}

TEST_CASE("enforcement action: scoped resolves per point, '*' covers all", "[enforcement]") {
  auto a = parse(R"(
spec:
  enforcementAction: scoped
  scopedEnforcementActions:
  - action: deny
    enforcementPoints: [{name: validation.gatekeeper.sh}]
  - action: warn
    enforcementPoints: [{name: validation.gatekeeper.sh}, {name: gator.gatekeeper.sh}]
  - action: dryrun
    enforcementPoints: [{name: '*'}]
)");
  REQUIRE(a);
  CHECK(a->scoped());
  CHECK(a->actions_at(kValidationPoint) == Actions{"deny", "warn", "dryrun"});
  CHECK(a->actions_at(kGatorPoint) == Actions{"warn", "dryrun"});
  CHECK(a->actions_at(kAuditPoint) == Actions{"dryrun"});
}

TEST_CASE("enforcement action: scoped with nothing at a point leaves it empty (not evaluated)", "[enforcement]") {
  auto a = parse(R"(
spec:
  enforcementAction: scoped
  scopedEnforcementActions: [{action: deny, enforcementPoints: [{name: gator.gatekeeper.sh}]}]
)");
  REQUIRE(a);
  CHECK(a->actions_at(kValidationPoint).empty());
  CHECK(a->actions_at(kAuditPoint).empty());
  CHECK(a->actions_at(kGatorPoint) == Actions{"deny"});
}

TEST_CASE("enforcement action: an unrecognized value loads with a warning, in force only where gator runs",
          "[enforcement]") {
  for (const char* text : {"spec: {enforcementAction: foo}", "spec: {enforcementAction: Deny}",
                           "spec: {enforcementAction: ''}"}) {
    Value v = yaml(text);
    std::vector<LoadError> errors;
    std::vector<LoadError> warnings;
    ObjectOrigin origin("c.yaml", nullptr);
    ParseContext ctx(origin, errors, &warnings);
    auto a = EnforcementAction::parse(v, ctx);
    INFO(text);
    REQUIRE(a);
    CHECK(errors.empty());
    CHECK_FALSE(a->recognized());
    std::string written = v["spec"]["enforcementAction"].as_string();
    CHECK(a->action() == written);
    CHECK(a->actions_at(kGatorPoint) == Actions{written});
    CHECK(a->actions_at(kValidationPoint).empty());
    CHECK(a->actions_at(kAuditPoint).empty());
    CHECK(a->actions_at(kVapPoint).empty());
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0].message, Catch::StartsWith("unrecognized enforcementAction: \"" + written +
                                                      "\" is not within the supported list [deny dryrun warn scoped]"));
  }
  auto known = parse("spec: {enforcementAction: dryrun}");
  REQUIRE(known);
  CHECK(known->recognized());
}

TEST_CASE("enforcement action: invalid values are load errors", "[enforcement]") {
  std::vector<LoadError> errors;
  CHECK_FALSE(parse("spec: {enforcementAction: [deny]}", &errors));
  REQUIRE(errors.size() == 1);

  CHECK_FALSE(parse("spec: {enforcementAction: scoped}", &errors));
  CHECK_THAT(errors[0].message, Catch::Contains("scopedEnforcementActions is missing"));

  CHECK_FALSE(parse("spec: {enforcementAction: scoped, scopedEnforcementActions: {}}", &errors));
  CHECK_THAT(errors[0].message, Catch::Contains("must be a list"));

  CHECK_FALSE(parse(R"(
spec:
  enforcementAction: scoped
  scopedEnforcementActions: [{action: scoped, enforcementPoints: [{name: '*'}]}]
)", &errors));
  CHECK_THAT(errors[0].message, Catch::Contains("must be one of deny, dryrun, warn"));

  CHECK_FALSE(parse(R"(
spec:
  enforcementAction: scoped
  scopedEnforcementActions: [{action: deny, enforcementPoints: []}]
)", &errors));
  CHECK_THAT(errors[0].message, Catch::Contains("at least one enforcement point"));

  CHECK_FALSE(parse(R"(
spec:
  enforcementAction: scoped
  scopedEnforcementActions: [{action: deny, enforcementPoints: [{name: webhook}]}]
)", &errors));
  CHECK_THAT(errors[0].message, Catch::Contains("got \"webhook\""));
}
