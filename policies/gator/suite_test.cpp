#include "policies/gator/suite.h"

#include <catch2/catch.hpp>

#include "policies/gator/test_support.h"

using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::TempTree;

namespace {

const char* kSuite = R"(kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
metadata:
  name: labels
tests:
- name: must-have-owner
  template: template.yaml
  constraint: samples/constraint.yaml
  cases:
  - name: allowed
    object: samples/allowed.yaml
    assertions:
    - violations: no
  - name: disallowed
    object: samples/disallowed.yaml
    inventory: [samples/ns.yaml]
    skip: true
    assertions:
    - violations: 2
      message: owner
    - message: "team"
)";

std::vector<std::string> paths_of(const std::vector<Suite>& suites) {
  std::vector<std::string> out;
  for (const Suite& s : suites) out.push_back(s.display_path);
  return out;
}

}  // namespace

TEST_CASE("a suite file is parsed with every field", "[gator][suite]") {
  TempTree tree;
  std::string file = tree.write("labels/suite.yaml", kSuite);
  std::vector<Suite> suites;
  std::string error;
  REQUIRE(read_suites(file, &suites, &error));
  REQUIRE(suites.size() == 1);
  const Suite& s = suites[0];
  CHECK(s.display_path == file);
  CHECK_FALSE(s.skip);
  REQUIRE(s.tests.size() == 1);
  const Test& t = s.tests[0];
  CHECK(t.name == "must-have-owner");
  CHECK(t.template_path == "template.yaml");
  CHECK(t.constraint_path == "samples/constraint.yaml");
  REQUIRE(t.cases.size() == 2);
  CHECK(t.cases[0].assertions[0].violations == tollgate::value::Value::string("no"));
  const Case& c = t.cases[1];
  CHECK(c.skip);
  CHECK(c.inventory == std::vector<std::string>{"samples/ns.yaml"});
  REQUIRE(c.assertions.size() == 2);
  CHECK(c.assertions[0].violations == tollgate::value::Value::integer(2));
  CHECK(c.assertions[0].message == std::optional<std::string>("owner"));
  CHECK(c.assertions[1].violations.is_null());  // absent means "yes"
  CHECK(c.assertions[1].message == std::optional<std::string>("team"));
}

TEST_CASE("suite paths: file, directory, and dir/... recursion", "[gator][suite]") {
  TempTree tree;
  tree.write("lib/top.yaml", kSuite);
  tree.write("lib/a/suite.yaml", kSuite);
  tree.write("lib/a/b/suite.yml", kSuite);
  tree.write("lib/a/template.yaml", "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\n");
  tree.write("lib/a/notes.txt", kSuite);       // wrong extension: never read
  tree.write("lib/a/suite.json", "{}");        // .json is not a suite extension
  tree.write("lib/a/multi.yaml", "kind: Pod\napiVersion: v1\n---\n" + std::string(kSuite));  // first doc decides
  std::vector<Suite> suites;
  std::string error;

  SECTION("a directory reads only its own files") {
    REQUIRE(read_suites(tree.path("lib/a"), &suites, &error));
    CHECK(paths_of(suites) == std::vector<std::string>{tree.path("lib/a") + "/suite.yaml"});
  }
  SECTION("dir/... walks subdirectories, in path order, keeping the user's prefix") {
    REQUIRE(read_suites(tree.path("lib") + "/...", &suites, &error));
    CHECK(paths_of(suites) == std::vector<std::string>{tree.path("lib") + "/a/b/suite.yml",
                                                       tree.path("lib") + "/a/suite.yaml",
                                                       tree.path("lib") + "/top.yaml"});
    REQUIRE(suites.size() == 3);
    CHECK(suites[1].file_path == tree.path("lib/a/suite.yaml"));
  }
  SECTION("a file with another extension is refused") {
    CHECK_FALSE(read_suites(tree.path("lib/a/notes.txt"), &suites, &error));
    CHECK(error == "unsupported extension: \".txt\"");
  }
  SECTION("recursion needs a directory") {
    CHECK_FALSE(read_suites(tree.path("lib/top.yaml") + "/...", &suites, &error));
    CHECK(error.find("can only recursively traverse directories") != std::string::npos);
  }
  SECTION("a missing path is an error") {
    CHECK_FALSE(read_suites(tree.path("nope"), &suites, &error));
  }
  SECTION("a non-suite file named directly yields no suites") {
    REQUIRE(read_suites(tree.path("lib/a/template.yaml"), &suites, &error));
    CHECK(suites.empty());
  }
}

TEST_CASE("a suite field of the wrong type is invalid yaml", "[gator][suite]") {
  TempTree tree;
  std::string file = tree.write("s.yaml", "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests:\n- name: t\n  cases: {}\n");
  std::vector<Suite> suites;
  std::string error;
  CHECK_FALSE(read_suites(file, &suites, &error));
  CHECK(error.rfind("invalid yaml: suite.tests[0].cases must be a list", 0) == 0);
}
