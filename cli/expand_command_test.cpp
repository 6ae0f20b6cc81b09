// `tollgate expand`, gator expand's fixtures (gatekeeper-expansion.md §6.3):
// the resultants of the generators among the inputs, mutated, sorted by
// name + apiVersion + kind descending.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "cli/command_test_support.h"
#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;
using tollgate::policies::expansion::testing::kAlwaysPullImage;
using tollgate::policies::expansion::testing::kBasicExpansionPod;
using tollgate::policies::expansion::testing::kExpandDeployments;
using tollgate::policies::expansion::testing::kNginxDeployment;

namespace {

// With kNginxDeployment, expand-deployments and always-pull-image: the basic-expansion fixture.
const char* kMoreMutators = R"(apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignImage
metadata:
  name: add-tag-latest
spec:
  applyTo:
  - groups: [""]
    kinds: ["Pod"]
    versions: ["v1"]
  location: "spec.containers[name: *].image"
  parameters:
    assignTag: ":latest"
  match:
    source: "All"
    scope: Namespaced
    kinds:
    - apiGroups: []
      kinds: []
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignMetadata
metadata:
  name: demo-annotation-owner
spec:
  match:
    source: "Generated"
    scope: Namespaced
    kinds:
    - apiGroups: [""]
      kinds: ["Pod"]
  location: "metadata.annotations.owner"
  parameters:
    assign:
      value: "admin"
)";

const char* kCats = R"(apiVersion: cat.myapp.sh/v1alpha1
kind: Cat
metadata:
  name: big-chungus
spec:
  catStuff:
    metadata:
      labels:
        fluffy: extremely
    spec:
      breed: calico
      weight: 10
  purrStuff:
    spec:
      loud: very
---
apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata:
  name: expand-cats-kitten
spec:
  applyTo:
  - groups: ["cat.myapp.sh"]
    kinds: ["Cat"]
    versions: ["v1alpha1"]
  templateSource: "spec.catStuff"
  generatedGVK: {kind: Kitten, group: kitten.myapp.sh, version: v1alpha1}
  enforcementAction: dryrun
---
apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata:
  name: expand-cats-purr
spec:
  applyTo:
  - groups: ["cat.myapp.sh"]
    kinds: ["Cat"]
    versions: ["v1alpha1"]
  templateSource: "spec.purrStuff"
  generatedGVK: {kind: Purr, group: purr.myapp.sh, version: v1alpha1}
  enforcementAction: warn
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: Assign
metadata:
  name: assign-kitten-age
spec:
  applyTo: [{groups: [kitten.myapp.sh], versions: [v1alpha1], kinds: [Kitten]}]
  match:
    kinds: [{apiGroups: ["*"], kinds: [Kitten]}]
  location: spec.age
  parameters:
    assign:
      value: 10
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignMetadata
metadata:
  name: kitten-sound
spec:
  match:
    kinds: [{apiGroups: ["*"], kinds: [Kitten]}]
  location: metadata.annotations.sound
  parameters:
    assign:
      value: meow
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignMetadata
metadata:
  name: purr-pet
spec:
  match:
    kinds: [{apiGroups: ["*"], kinds: [Purr]}]
  location: metadata.annotations.shouldPet
  parameters:
    assign:
      value: manytimes
)";

// gator expand's output for them: Purr first, as "big-chungus-purr..." sorts after "big-chungus-kitten...".
const char* kExpectedCats = R"(apiVersion: purr.myapp.sh/v1alpha1
kind: Purr
metadata:
  annotations:
    shouldPet: manytimes
  name: big-chungus-purr
spec:
  loud: very
---
apiVersion: kitten.myapp.sh/v1alpha1
kind: Kitten
metadata:
  annotations:
    sound: meow
  labels:
    fluffy: extremely
  name: big-chungus-kitten
spec:
  age: 10
  breed: calico
  weight: 10
)";

std::string basic_expansion() {
  return std::string(kNginxDeployment) + "---\n" + kMoreMutators + "---\n" + kExpandDeployments + "---\n" +
         kAlwaysPullImage;
}

}  // namespace

TEST_CASE("tollgate expand prints the mutated Pod of a Deployment", "[cli][expand]") {
  TempTree tree;
  std::string input = tree.write("basic.yaml", basic_expansion());
  Run r = run({"expand", "-n", input});
  INFO(r.err);
  REQUIRE(r.code == 0);
  // gator's bytes: the YAML document, then the newline gator adds on stdout.
  CHECK(r.out == std::string(kBasicExpansionPod) + "\n");
}

TEST_CASE("tollgate expand orders resultants by name, descending", "[cli][expand]") {
  TempTree tree;
  std::string input = tree.write("cats.yaml", kCats);
  Run yaml_out = run({"expand", "-n", input});
  INFO(yaml_out.err);
  CHECK(yaml_out.out == std::string(kExpectedCats) + "\n");

  Run r = run({"expand", "-n", input, "-f", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  size_t purr = r.out.find("big-chungus-purr");
  size_t kitten = r.out.find("big-chungus-kitten");
  REQUIRE(purr != std::string::npos);
  REQUIRE(kitten != std::string::npos);
  CHECK(purr < kitten);
  CHECK(r.out.find("}---\n{") != std::string::npos);

  // --outputfile writes the same text there.
  std::string file = tree.path("out.json");
  Run to_file = run({"expand", "-n", input, "-f", "json", "-o", file});
  CHECK(to_file.out == "Writing output to file: " + file + "\n");
  std::ifstream written(file);
  std::stringstream text;
  text << written.rdbuf();
  CHECK(text.str() + "\n" == r.out);
}

TEST_CASE("tollgate expand fails on a generator it cannot expand", "[cli][expand]") {
  TempTree tree;
  std::string broken = basic_expansion();
  broken.replace(broken.find("templateSource: \"spec.template\""), 31, "templateSource: \"spec.podTemplate\"");
  std::string input = tree.write("broken.yaml", broken);
  Run r = run({"expand", "-n", input});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "Error: error expanding resources: error expanding resource nginx-deployment: could not find source field "
        "\"spec.podTemplate\" in resource nginx-deployment\n");
  CHECK(run({"expand", "-n", input, "-f", "toml"}).err == "Error: unrecognized value for format flag: toml\n");
}
