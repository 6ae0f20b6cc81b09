// verify parses every YAML file of a tree to find its suites; the tests then
// read their templates, constraints and objects from those parses instead of
// parsing the files a second time.
#include <catch2/catch.hpp>

#include "policies/gator/object_reader.h"
#include "policies/gator/suite.h"
#include "policies/gator/test_support.h"

using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::TempTree;

TEST_CASE("files parsed while finding suites are read again from the parse, not the disk", "[gator][suite]") {
  TempTree tree;
  tree.write("lib/a/suite.yaml", "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests: []\n");
  std::string object = tree.write("lib/a/object.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\n");
  std::vector<Suite> suites;
  std::string error;
  ParsedYamlFiles parsed;
  REQUIRE(read_suites(tree.path("lib") + "/...", &suites, &error, &parsed));
  REQUIRE(suites.size() == 1);
  // The suite itself is not kept; the object is, under any spelling of its path.
  CHECK(parsed.find(tree.path("lib/a/suite.yaml")) == nullptr);
  REQUIRE(parsed.find(tree.path("lib/a/../a/./object.yaml")) != nullptr);

  tree.write("lib/a/object.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: second\n");
  std::vector<SourcedObject> objects;
  REQUIRE(read_objects_file(tree.path("lib/a/../a/object.yaml"), &objects, &error, &parsed));
  REQUIRE(objects.size() == 1);
  CHECK(objects[0].object["metadata"]["name"].as_string() == "first");
  CHECK(objects[0].file == tree.path("lib/a/../a/object.yaml"));
  CHECK(objects[0].line == 1);
  // Without the parses the file is read as it is now.
  objects.clear();
  REQUIRE(read_objects_file(object, &objects, &error, nullptr));
  CHECK(objects[0].object["metadata"]["name"].as_string() == "second");
}
