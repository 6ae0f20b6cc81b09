#include "policies/mutation/path_tester.h"

#include <catch2/catch.hpp>

using namespace tollgate::policies::mutation;

namespace {

Location loc(std::string_view text) {
  PathError e;
  auto l = parse_location(text, &e);
  REQUIRE(l);
  return *l;
}

PathTest test(std::string_view sub, PathCondition c) { return {loc(sub), std::string(sub), c}; }

}  // namespace

TEST_CASE("pathTests: conditions apply at the depth of their subPath", "[mutation]") {
  Location location = loc("spec.containers[name: *].securityContext.runAsUser");
  std::string error;
  auto tester =
      PathTester::build(location,
                        {test("spec.containers", PathCondition::MustExist),
                         test("spec.containers[name: *].securityContext.runAsUser", PathCondition::MustNotExist)},
                        &error);
  REQUIRE(tester);
  CHECK(tester->at(0) == PathCondition::None);
  CHECK(tester->at(1) == PathCondition::MustExist);
  CHECK_FALSE(tester->missing_okay(1));
  CHECK(tester->exists_okay(1));
  CHECK(tester->at(4) == PathCondition::MustNotExist);
  CHECK_FALSE(tester->exists_okay(4));
  CHECK(tester->missing_okay(4));
  CHECK(tester->exists_okay(7));
  CHECK(tester->missing_okay(7));
}

TEST_CASE("pathTests: a subPath must be a prefix of the location", "[mutation]") {
  Location location = loc("spec.containers[name: *].image");
  std::string error;
  CHECK_FALSE(PathTester::build(location, {test("spec.initContainers", PathCondition::MustExist)}, &error));
  CHECK(error ==
        "all subpaths must be a prefix of the `location` value of the mutation: subpath \"spec.initContainers\" is not "
        "a prefix of location \"spec.containers[name: *].image\"");
  // A different list selector is a different node.
  CHECK_FALSE(PathTester::build(location, {test("spec.containers[name: foo]", PathCondition::MustExist)}, &error));
  CHECK_FALSE(
      PathTester::build(location, {test("spec.containers[name: *].image.tag", PathCondition::MustExist)}, &error));
}

TEST_CASE("pathTests: one condition per depth", "[mutation]") {
  Location location = loc("spec.a.b");
  std::string error;
  CHECK_FALSE(PathTester::build(
      location, {test("spec.a", PathCondition::MustExist), test("spec.a", PathCondition::MustNotExist)}, &error));
  CHECK(error == "conflicting path test conditions: path \"spec.a\" is marked both MustExist and MustNotExist");
  // Repeating the same condition is fine.
  CHECK(PathTester::build(
      location, {test("spec.a", PathCondition::MustExist), test("spec.a", PathCondition::MustExist)}, &error));
}

TEST_CASE("pathTests: nothing below a MustNotExist may be required", "[mutation]") {
  Location location = loc("spec.a.b");
  std::string error;
  CHECK_FALSE(PathTester::build(
      location, {test("spec.a.b", PathCondition::MustExist), test("spec.a", PathCondition::MustNotExist)}, &error));
  CHECK(error ==
        "conflicting path test conditions: path \"spec.a.b\" is marked MustExist but parent \"spec.a\" "
        "MustNotExist");
  // Required parent, forbidden child: "set if the parent exists and the field does not".
  CHECK(PathTester::build(
      location, {test("spec.a.b", PathCondition::MustNotExist), test("spec", PathCondition::MustExist)}, &error));
}

TEST_CASE("pathTests: an empty subPath constrains nothing", "[mutation]") {
  std::string error;
  auto tester = PathTester::build(loc("spec.a"), {test("", PathCondition::MustExist)}, &error);
  REQUIRE(tester);
  CHECK(tester->at(0) == PathCondition::None);
  CHECK(tester->at(1) == PathCondition::None);
}
