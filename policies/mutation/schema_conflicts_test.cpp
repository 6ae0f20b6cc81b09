#include "policies/mutation/schema_conflicts.h"

#include <catch2/catch.hpp>

#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation;
using namespace tollgate::policies::mutation::testing;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

std::string mutator(std::string_view kind, std::string_view name, std::string_view location,
                    std::string_view apply_to = "[{groups: [''], versions: [v1], kinds: [Pod]}]") {
  std::string version = kind == "AssignImage" ? "v1alpha1" : "v1";
  std::string params = kind == "Assign"        ? "{assign: {value: 1}}"
                       : kind == "ModifySet"   ? "{values: {fromList: [a]}}"
                       : kind == "AssignImage" ? "{assignTag: ':v1'}"
                                               : "{assign: {value: x}}";
  return "apiVersion: mutations.gatekeeper.sh/" + version + "\nkind: " + std::string(kind) +
         "\nmetadata: {name: " + std::string(name) + "}\nspec:\n  applyTo: " + std::string(apply_to) +
         "\n  location: '" + std::string(location) + "'\n  parameters: " + params + "\n---\n";
}

const Value kPod = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec: {containers: [{name: app, image: nginx}]}
)");

}  // namespace

TEST_CASE("schema conflicts: a field used as a list and as an object", "[mutation]") {
  auto set =
      load(mutator("Assign", "as-list", "spec.containers[name: *].image") +
           mutator("Assign", "as-object", "spec.containers.image") + mutator("Assign", "bystander", "spec.priority"));
  const auto& m = set->mutation();
  CHECK(m.stats().mutators == 3);
  CHECK(m.stats().conflicting == 2);
  CHECK(set->stats().mutators == 3);
  CHECK(set->stats().mutators_conflicting == 2);
  std::vector<std::string> conflicts = m.conflicts();
  REQUIRE(conflicts.size() == 2);
  CHECK(conflicts[0] ==
        "Assign/as-list: conflicting schemas at spec.containers (object vs keyed list) for v1 Pod "
        "CREATE; spec.containers (object vs keyed list) for v1 Pod UPDATE with Assign/as-object");
  CHECK(conflicts[1].rfind("Assign/as-object: conflicting schemas at spec.containers (object vs keyed list)", 0) == 0);
  // The conflicting mutators are skipped, the others still run.
  MutationResult r = mutate(*set, kPod);
  CHECK(r.applied == std::vector<std::string>{"Assign/bystander"});
  CHECK(r.object["spec"]["containers"] == kPod["spec"]["containers"]);
}

TEST_CASE("schema conflicts: a list keyed by two different fields", "[mutation]") {
  auto set = load(mutator("Assign", "by-name", "spec.containers[name: app].x") +
                  mutator("Assign", "by-image", "spec.containers[image: nginx].y"));
  std::vector<std::string> conflicts = set->mutation().conflicts();
  REQUIRE(conflicts.size() == 2);
  CHECK(conflicts[0].find("spec.containers (list keyed by image, name)") != std::string::npos);
  CHECK_FALSE(mutate(*set, kPod).mutated);
}

TEST_CASE("schema conflicts: Assign's terminal agrees with anything", "[mutation]") {
  auto set = load(mutator("Assign", "assign", "spec.containers[name: *].args") +
                  mutator("ModifySet", "set", "spec.containers[name: *].args") +
                  mutator("Assign", "whole", "spec.containers[name: *].securityContext") +
                  mutator("Assign", "inside", "spec.containers[name: *].securityContext.runAsUser"));
  CHECK(set->mutation().conflicts().empty());
}

TEST_CASE("schema conflicts: sets, strings and objects disagree", "[mutation]") {
  auto set_vs_string = load(mutator("ModifySet", "set", "spec.containers[name: *].image") +
                            mutator("AssignImage", "image", "spec.containers[name: *].image"));
  std::vector<std::string> c = set_vs_string->mutation().conflicts();
  REQUIRE(c.size() == 2);
  CHECK(c[0].rfind("AssignImage/image: conflicting schemas at spec.containers[name: ...].image (set vs string)", 0) ==
        0);
  CHECK(c[1].rfind("ModifySet/set:", 0) == 0);

  auto set_vs_object = load(mutator("ModifySet", "set", "spec.x") + mutator("Assign", "deeper", "spec.x.y"));
  CHECK(set_vs_object->mutation().conflicts().size() == 2);
}

TEST_CASE("schema conflicts: only within the same GVK and operation", "[mutation]") {
  auto kinds = load(
      mutator("Assign", "pod", "spec.containers[name: *].image") +
      mutator("Assign", "deploy", "spec.containers.image", "[{groups: [apps], versions: [v1], kinds: [Deployment]}]"));
  CHECK(kinds->mutation().conflicts().empty());
  auto operations = load(mutator("Assign", "create", "spec.containers[name: *].image",
                                 "[{groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE]}]") +
                         mutator("Assign", "update", "spec.containers.image",
                                 "[{groups: [''], versions: [v1], kinds: [Pod], operations: [UPDATE]}]"));
  CHECK(operations->mutation().conflicts().empty());
  auto overlapping = load(mutator("Assign", "create", "spec.containers[name: *].image",
                                  "[{groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE]}]") +
                          mutator("Assign", "all", "spec.containers.image"));
  std::vector<std::string> c = overlapping->mutation().conflicts();
  REQUIRE(c.size() == 2);
  CHECK(c[0] ==
        "Assign/all: conflicting schemas at spec.containers (object vs keyed list) for v1 Pod CREATE with "
        "Assign/create");
}

TEST_CASE("schema conflicts: AssignMetadata has no schema", "[mutation]") {
  auto set = load(mutator("Assign", "labels-list", "spec.metadata[name: x].labels") +
                  "apiVersion: mutations.gatekeeper.sh/v1\nkind: AssignMetadata\nmetadata: {name: m}\nspec:\n"
                  "  location: metadata.labels.a\n  parameters: {assign: {value: b}}\n");
  CHECK(set->mutation().conflicts().empty());
}
