#include "policies/mutation/apply_to.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation;
using tollgate::policies::testing::yaml;

namespace {

std::optional<ApplyTo> parse(std::string_view spec_yaml, std::vector<LoadError>& errors) {
  ObjectOrigin origin("assign.yaml", nullptr);
  ParseContext ctx(origin, errors);
  return ApplyTo::parse(yaml(spec_yaml), "Assign", "demo", ctx);
}

std::string parse_error(std::string_view spec_yaml) {
  std::vector<LoadError> errors;
  auto a = parse(spec_yaml, errors);
  CHECK_FALSE(a);
  REQUIRE(!errors.empty());
  return errors[0].message;
}

}  // namespace

TEST_CASE("applyTo: an entry must hold the object's exact GVK", "[mutation]") {
  std::vector<LoadError> errors;
  auto a = parse("applyTo: [{groups: ['', apps], versions: [v1], kinds: [Pod, Deployment]}]", errors);
  REQUIRE(a);
  CHECK(a->applies("", "v1", "Pod", "CREATE"));
  CHECK(a->applies("apps", "v1", "Deployment", "UPDATE"));
  CHECK(a->applies("apps", "v1", "Pod", "CREATE"));  // the lists are a cross product
  CHECK_FALSE(a->applies("", "v1beta1", "Pod", "CREATE"));
  CHECK_FALSE(a->applies("batch", "v1", "Job", "CREATE"));
  // No globs: "*" is just a name.
  auto star = parse("applyTo: [{groups: ['*'], versions: ['*'], kinds: ['*']}]", errors);
  REQUIRE(star);
  CHECK_FALSE(star->applies("", "v1", "Pod", "CREATE"));
}

TEST_CASE("applyTo: operations", "[mutation]") {
  std::vector<LoadError> errors;
  auto all = parse("applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]", errors);
  auto star = parse("applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: ['*']}]", errors);
  auto create = parse("applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE]}]", errors);
  auto both = parse("applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: [UPDATE, CREATE]}]", errors);
  REQUIRE((all && star && create && both));
  for (const auto* a : {&*all, &*star, &*both}) {
    CHECK(a->applies("", "v1", "Pod", "CREATE"));
    CHECK(a->applies("", "v1", "Pod", "UPDATE"));
    // No operation (gator, audit): only mutators that accept every operation.
    CHECK(a->applies("", "v1", "Pod", ""));
    CHECK_FALSE(a->applies("", "v1", "Pod", "DELETE"));
  }
  CHECK(create->applies("", "v1", "Pod", "CREATE"));
  CHECK_FALSE(create->applies("", "v1", "Pod", "UPDATE"));
  CHECK_FALSE(create->applies("", "v1", "Pod", ""));
  CHECK_FALSE(create->applies("", "v1", "Pod", "CONNECT"));
}

TEST_CASE("applyTo: GVK and operation must hold in the same entry", "[mutation]") {
  std::vector<LoadError> errors;
  auto a = parse(R"(applyTo:
- {groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE]}
- {groups: [apps], versions: [v1], kinds: [Deployment], operations: [UPDATE]})",
                 errors);
  REQUIRE(a);
  CHECK(a->applies("", "v1", "Pod", "CREATE"));
  CHECK_FALSE(a->applies("", "v1", "Pod", "UPDATE"));
  CHECK(a->applies("apps", "v1", "Deployment", "UPDATE"));
}

TEST_CASE("applyTo: bindings are the GVKs times the effective operations", "[mutation]") {
  std::vector<LoadError> errors;
  auto a = parse(R"(applyTo:
- {groups: [''], versions: [v1], kinds: [Pod]}
- {groups: [apps], versions: [v1], kinds: [Deployment], operations: [UPDATE]}
- {groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE]})",
                 errors);
  REQUIRE(a);
  std::vector<SchemaBinding> b = a->bindings();
  REQUIRE(b.size() == 3);
  CHECK(b[0].to_string() == "v1 Pod CREATE");
  CHECK(b[1].to_string() == "v1 Pod UPDATE");
  CHECK(b[2].to_string() == "apps/v1 Deployment UPDATE");
}

TEST_CASE("applyTo: validation", "[mutation]") {
  CHECK(parse_error("location: x") == "applyTo required for Assign mutator demo");
  CHECK(parse_error("applyTo: []") == "applyTo required for Assign mutator demo");
  CHECK(parse_error("applyTo: [{groups: [''], kinds: [Pod]}]") ==
        "invalid applyTo for Assign mutator demo, all of group, version and kind must be specified");
  CHECK(parse_error("applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: [DELETE]}]") ==
        "invalid applyTo for Assign mutator demo: invalid operation \"DELETE\" in applyTo[0].operations: must be one "
        "of CREATE, UPDATE, *");
  CHECK(parse_error("applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE, CREATE]}]") ==
        "invalid applyTo for Assign mutator demo: duplicate operation \"CREATE\" in applyTo[0].operations");
  CHECK(parse_error("applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: ['*', UPDATE]}]") ==
        "invalid applyTo for Assign mutator demo: wildcard \"*\" in applyTo[0].operations must not be combined with "
        "other operations");
  CHECK(parse_error("applyTo: {groups: ['']}") == "applyTo must be a list, got object");
  CHECK(parse_error("applyTo: [Pod]") == "applyTo entries must be objects with groups, versions and kinds");
}
