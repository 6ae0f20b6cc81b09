#include "policies/mutation/assign.h"

#include <catch2/catch.hpp>

#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation::testing;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

// An Assign for Pods with the given location and parameters (YAML flow).
std::string assign(std::string_view location, std::string_view parameters, std::string_view name = "demo") {
  return "apiVersion: mutations.gatekeeper.sh/v1\nkind: Assign\nmetadata: {name: " + std::string(name) +
         "}\nspec:\n  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]\n  location: '" + std::string(location) +
         "'\n  parameters: " + std::string(parameters) + "\n";
}

const Value kPod = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec:
  containers:
  - {name: app, image: nginx}
  - {name: log, image: fluentd, securityContext: {runAsUser: 0}}
)");

}  // namespace

TEST_CASE("Assign: writes a value at the location", "[mutation]") {
  auto set = load(assign("spec.containers[name: *].securityContext.runAsNonRoot", "{assign: {value: true}}"));
  auto r = mutate(*set, kPod);
  REQUIRE(r.mutated);
  CHECK(r.object["spec"]["containers"] == yaml(R"(
- {name: app, image: nginx, securityContext: {runAsNonRoot: true}}
- {name: log, image: fluentd, securityContext: {runAsUser: 0, runAsNonRoot: true}})"));
  CHECK(r.applied == std::vector<std::string>{"Assign/demo"});
}

TEST_CASE("Assign: overwrites existing values unless a pathTest says otherwise", "[mutation]") {
  auto set = load(assign("spec.containers[name: *].securityContext.runAsUser", "{assign: {value: 1000}}"));
  auto r = mutate(*set, kPod);
  CHECK(r.object["spec"]["containers"].items()[1]["securityContext"]["runAsUser"] == Value::integer(1000));
  CHECK(r.object["spec"]["containers"].items()[0]["securityContext"]["runAsUser"] == Value::integer(1000));

  auto keep = load(assign("spec.containers[name: *].securityContext.runAsUser",
                          "{assign: {value: 1000}, pathTests: [{subPath: 'spec.containers[name: *].securityContext."
                          "runAsUser', condition: MustNotExist}]}"));
  auto kept = mutate(*keep, kPod);
  CHECK(kept.object["spec"]["containers"].items()[1]["securityContext"]["runAsUser"] == Value::integer(0));
  CHECK(kept.object["spec"]["containers"].items()[0]["securityContext"]["runAsUser"] == Value::integer(1000));
}

TEST_CASE("Assign: objects and lists are values too", "[mutation]") {
  auto set = load(assign("spec.securityContext.seccompProfile", "{assign: {value: {type: RuntimeDefault}}}"));
  CHECK(mutate(*set, kPod).object["spec"]["securityContext"] == yaml("{seccompProfile: {type: RuntimeDefault}}"));
  auto list = load(assign("spec.securityContext.supplementalGroups", "{assign: {value: [3000, 4000]}}"));
  CHECK(mutate(*list, kPod).object["spec"]["securityContext"]["supplementalGroups"] == yaml("[3000, 4000]"));
}

TEST_CASE("Assign: a keyed element adds a sidecar once", "[mutation]") {
  auto set = load(assign("spec.containers[name: proxy]", "{assign: {value: {name: proxy, image: envoy}}}"));
  auto r = mutate(*set, kPod);
  REQUIRE(r.mutated);
  REQUIRE(r.object["spec"]["containers"].size() == 3);
  CHECK(r.object["spec"]["containers"].items()[2] == yaml("{name: proxy, image: envoy}"));
  // Applying again replaces the element with itself.
  auto again = mutate(*set, r.object);
  CHECK(again.object == r.object);
}

TEST_CASE("Assign: fromMetadata copies the object's name or namespace", "[mutation]") {
  auto set = load(assign("spec.containers[name: app].env[name: POD_NAMESPACE].value",
                         "{assign: {fromMetadata: {field: namespace}}}", "ns") +
                  "---\n" +
                  assign("spec.containers[name: app].env[name: POD_NAME].value",
                         "{assign: {fromMetadata: {field: name}}}", "name"));
  auto r = mutate(*set, kPod);
  CHECK(r.object["spec"]["containers"].items()[0]["env"] ==
        yaml("[{name: POD_NAME, value: web}, {name: POD_NAMESPACE, value: prod}]"));
}

TEST_CASE("Assign: a type mismatch rejects the request", "[mutation]") {
  auto set = load(assign("spec.containers.image", "{assign: {value: x}}"));
  auto r = mutate(*set, kPod);
  CHECK(r.failed);
  CHECK_FALSE(r.mutated);
  CHECK(r.error.rfind("mutation ", 0) == 0);
  CHECK(r.error.find("for mutator {mutations.gatekeeper.sh Assign  demo} failed for  Pod prod web: mismatch between "
                     "path entry (type: object) and received object (type: []interface {}). Path: "
                     "&{Reference:image}") != std::string::npos);
}

TEST_CASE("Assign: validation", "[mutation]") {
  CHECK(load_error(assign("metadata.labels.x", "{assign: {value: x}}")) == "assign demo can't change metadata");
  CHECK(load_error(assign("spec.containers[name: a].name", "{assign: {value: x}}")) ==
        "invalid path format: changing the item key is not allowed");
  CHECK(load_error(assign("spec.containers[name: *]", "{assign: {value: {name: a}}}")) ==
        "can't append to a globbed list");
  CHECK(load_error(assign("spec.containers[name: a]", "{assign: {value: a}}")) ==
        "invalid value: `\"a\"`, only objects can be added to keyed lists");
  CHECK(load_error(assign("spec.containers[name: a]", "{assign: {value: {name: b}}}")) ==
        "adding object to list with different key name: list key \"a\", object key \"b\"");
  CHECK(load_error(assign("spec.ports[port: 80]", "{assign: {value: {port: '80'}}}")) ==
        "adding object to list with different key port: list key 80, object key \"80\"");
  CHECK(load_error(assign("spec.containers[name: a]", "{assign: {fromMetadata: {field: name}}}")) ==
        "cannot assign a metadata field to a list");
  CHECK(load_error(assign("spec.x", "{assign: {}}")) ==
        "Assign demo: assign must set one of `externalData`, `value` or `fromMetadata`: invalid assign field");
  CHECK(load_error(assign("spec.x", "{assign: {value: null}}")) ==
        "Assign demo: assign must set one of `externalData`, `value` or `fromMetadata`: invalid assign field");
  CHECK(load_error(assign("spec.x", "{assign: {value: 1, fromMetadata: {field: name}}}")) ==
        "Assign demo: assign must only set one of `externalData`, `value` or `fromMetadata`: invalid assign field");
  CHECK(load_error(assign("spec.x", "{assign: {fromMetadata: {field: uid}}}")) ==
        "Assign demo: field uid is not recognized: invalid fromMetadata field (name, namespace)");
  CHECK(
      load_error(assign("spec.x", "{assign: {externalData: {provider: p}}}")).find("external data is not supported") !=
      std::string::npos);
  CHECK(load_error(assign("spec.x[", "{assign: {value: 1}}")) ==
        "invalid location format `spec.x[` for Assign demo: expected a key field after '[', got end of location at "
        "position 7");
  CHECK(load_error(assign("", "{assign: {value: 1}}")) == "Assign demo has no spec.location");
  CHECK(load_error(assign("spec.x", "{assign: {value: 1}, pathTests: [{subPath: 'spec.y', condition: MustExist}]}")) ==
        "all subpaths must be a prefix of the `location` value of the mutation: subpath \"spec.y\" is not a prefix of "
        "location \"spec.x\"");
  CHECK(load_error(assign("spec.x", "{assign: {value: 1}, pathTests: [{subPath: 'spec', condition: Sometimes}]}")) ==
        "\"Sometimes\" is not a valid path test condition (MustExist, MustNotExist)");
  CHECK(load_error(assign("spec.x", "{assign: {value: 1}, pathTests: [{subPath: 'spec.', condition: MustExist}]}")) ==
        "problem parsing sub path `spec.` for Assign demo: trailing separators are forbidden at position 4");
  CHECK(load_error(assign("spec.x", "{assign: {value: 1}}", std::string(64, 'a'))) ==
        "Assign name \"" + std::string(64, 'a') + "\" is longer than 63 characters");
}
