#include "policies/mutation/path_mutation.h"

#include <catch2/catch.hpp>

#include "policies/mutation/assign_field.h"
#include "policies/test_support.h"
#include "rules/value/json.h"

using namespace tollgate::policies::mutation;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

Location loc(std::string_view text) {
  PathError e;
  auto l = parse_location(text, &e);
  REQUIRE(l);
  return *l;
}

PathMutation assign(std::string_view location, const Value& object, const Value& value, const PathTester& tester = {}) {
  return mutate_path(loc(location), tester, AssignSetter(value), object);
}

}  // namespace

TEST_CASE("traversal: sets a field and creates missing maps on the way", "[mutation]") {
  Value pod = yaml("{kind: Pod, spec: {containers: [{name: a}]}}");
  PathMutation r = assign("spec.securityContext.runAsUser", pod, Value::integer(1000));
  REQUIRE(r.mutated);
  CHECK(r.object == yaml("{kind: Pod, spec: {containers: [{name: a}], securityContext: {runAsUser: 1000}}}"));
  // The untouched sibling is shared, not copied.
  CHECK(r.object["spec"]["containers"].identity() == pod["spec"]["containers"].identity());
}

TEST_CASE("traversal: a glob visits every element and never creates one", "[mutation]") {
  Value pod = yaml("{spec: {containers: [{name: a}, {name: b, securityContext: {privileged: true}}]}}");
  PathMutation r = assign("spec.containers[name: *].securityContext.privileged", pod, Value::boolean(false));
  REQUIRE(r.mutated);
  CHECK(r.object == yaml("{spec: {containers: [{name: a, securityContext: {privileged: false}},"
                         " {name: b, securityContext: {privileged: false}}]}}"));
  // No elements: nothing to visit, no mutation.
  PathMutation empty = assign("spec.containers[name: *].image", yaml("{spec: {containers: []}}"), Value::string("x"));
  CHECK_FALSE(empty.mutated);
  // A missing list is created (empty) but a glob adds nothing to it, so nothing is mutated.
  PathMutation missing = assign("spec.containers[name: *].image", yaml("{spec: {}}"), Value::string("x"));
  CHECK_FALSE(missing.mutated);
  CHECK(missing.object == yaml("{spec: {}}"));
}

TEST_CASE("traversal: a keyed segment selects matching elements or appends one", "[mutation]") {
  Value pod = yaml("{spec: {containers: [{name: a, image: x}, {name: b, image: y}]}}");
  PathMutation hit = assign("spec.containers[name: b].image", pod, Value::string("z"));
  REQUIRE(hit.mutated);
  CHECK(hit.object == yaml("{spec: {containers: [{name: a, image: x}, {name: b, image: z}]}}"));
  CHECK(hit.object["spec"]["containers"].items()[0].identity() == pod["spec"]["containers"].items()[0].identity());

  PathMutation sidecar = assign("spec.containers[name: proxy].image", pod, Value::string("envoy"));
  REQUIRE(sidecar.mutated);
  CHECK(sidecar.object ==
        yaml("{spec: {containers: [{name: a, image: x}, {name: b, image: y}, {name: proxy, image: envoy}]}}"));

  // A missing list gets created with the keyed element in it.
  PathMutation created = assign("spec.volumes[name: data].emptyDir", yaml("{spec: {}}"), Value::empty_object());
  CHECK(created.object == yaml("{spec: {volumes: [{name: data, emptyDir: {}}]}}"));

  // Every element with the key is visited; elements that are not objects are skipped.
  PathMutation twice = assign("a[k: v].x", yaml("{a: [{k: v}, 7, {k: w}, {k: v}]}"), Value::integer(1));
  CHECK(twice.object == yaml("{a: [{k: v, x: 1}, 7, {k: w}, {k: v, x: 1}]}"));
}

TEST_CASE("traversal: integer keys select integer fields", "[mutation]") {
  Value pod = yaml("{ports: [{port: 80}, {port: '443'}]}");
  PathMutation r = assign("ports[port: 80].protocol", pod, Value::string("TCP"));
  CHECK(r.object == yaml("{ports: [{port: 80, protocol: TCP}, {port: '443'}]}"));
  // The string "443" is not the integer 443: a new element is appended.
  PathMutation appended = assign("ports[port: 443].protocol", pod, Value::string("TCP"));
  CHECK(appended.object == yaml("{ports: [{port: 80}, {port: '443'}, {port: 443, protocol: TCP}]}"));
}

TEST_CASE("traversal: a location ending in a keyed list replaces or appends the element", "[mutation]") {
  Value pod = yaml("{spec: {containers: [{name: a, image: x}]}}");
  PathMutation replaced = assign("spec.containers[name: a]", pod, yaml("{name: a, image: new}"));
  REQUIRE(replaced.mutated);
  CHECK(replaced.object == yaml("{spec: {containers: [{name: a, image: new}]}}"));
  PathMutation appended = assign("spec.containers[name: b]", pod, yaml("{name: b, image: side}"));
  CHECK(appended.object == yaml("{spec: {containers: [{name: a, image: x}, {name: b, image: side}]}}"));
  PathMutation changed_key = assign("spec.containers[name: a]", pod, yaml("{name: c}"));
  CHECK(changed_key.failed);
  CHECK(changed_key.error == "key value of replaced object must not change");
  PathMutation not_objects = assign("spec.list[name: a]", yaml("{spec: {list: [1]}}"), yaml("{name: a}"));
  CHECK(not_objects.failed);
  CHECK(not_objects.error == "cast error, unable to case int64 to map[string]interface{}");
}

TEST_CASE("traversal: writing what is there counts but leaves the object identical", "[mutation]") {
  Value pod = yaml("{spec: {securityContext: {runAsNonRoot: true}}}");
  PathMutation r = assign("spec.securityContext.runAsNonRoot", pod, Value::boolean(true));
  CHECK(r.mutated);
  CHECK(r.object.identity() == pod.identity());
}

TEST_CASE("traversal: a type mismatch on the path is an error", "[mutation]") {
  PathMutation scalar =
      assign("spec.securityContext.runAsUser", yaml("{spec: {securityContext: 5}}"), Value::integer(1));
  CHECK(scalar.failed);
  CHECK(scalar.error ==
        "mismatch between path entry (type: object) and received object (type: int64). Path: &{Reference:runAsUser}");
  PathMutation not_list =
      assign("spec.containers[name: *].image", yaml("{spec: {containers: {a: 1}}}"), Value::string("x"));
  CHECK(not_list.failed);
  CHECK(not_list.error ==
        "mismatch between path entry (type: List) and received object (type: map[string]interface "
        "{}). Path: &{KeyField:name KeyValue:<nil> Glob:true}");
  // An explicit null is a value of the wrong type too.
  PathMutation null_parent =
      assign("spec.securityContext.runAsUser", yaml("{spec: {securityContext: null}}"), Value::integer(1));
  CHECK(null_parent.failed);
  CHECK(null_parent.error.find("(type: <nil>)") != std::string::npos);
  // Glob elements must be objects.
  PathMutation bad_element = assign("a[k: *].x", yaml("{a: [{k: 1}, hello]}"), Value::integer(1));
  CHECK(bad_element.failed);
  CHECK(bad_element.error.find("(type: string)") != std::string::npos);
}

TEST_CASE("traversal: pathTests gate each depth", "[mutation]") {
  Location location = loc("spec.containers[name: *].securityContext.runAsUser");
  auto tester = [&](std::vector<std::pair<std::string, PathCondition>> tests) {
    std::vector<PathTest> list;
    for (auto& [sub, c] : tests) list.push_back({loc(sub), sub, c});
    std::string error;
    auto t = PathTester::build(location, list, &error);
    REQUIRE(t);
    return *t;
  };
  Value pod = yaml("{spec: {containers: [{name: a}, {name: b, securityContext: {runAsUser: 0}}]}}");

  // MustNotExist on the full location: set if absent.
  PathTester set_if_absent =
      tester({{"spec.containers[name: *].securityContext.runAsUser", PathCondition::MustNotExist}});
  PathMutation r = mutate_path(location, set_if_absent, AssignSetter(Value::integer(1000)), pod);
  REQUIRE(r.mutated);
  CHECK(r.object == yaml("{spec: {containers: [{name: a, securityContext: {runAsUser: 1000}},"
                         " {name: b, securityContext: {runAsUser: 0}}]}}"));

  // MustExist on an intermediate node: only containers that have a securityContext.
  PathTester needs_context = tester({{"spec.containers[name: *].securityContext", PathCondition::MustExist}});
  PathMutation only_b = mutate_path(location, needs_context, AssignSetter(Value::integer(7)), pod);
  CHECK(only_b.object == yaml("{spec: {containers: [{name: a}, {name: b, securityContext: {runAsUser: 7}}]}}"));

  // MustExist on a missing parent: silent no-op.
  PathTester needs_spec_x = tester({{"spec", PathCondition::MustExist}});
  PathMutation no_spec = mutate_path(location, needs_spec_x, AssignSetter(Value::integer(7)), yaml("{kind: Pod}"));
  CHECK_FALSE(no_spec.mutated);
  CHECK_FALSE(no_spec.failed);

  // A glob with MustNotExist can never apply.
  PathTester glob_must_not = tester({{"spec.containers[name: *]", PathCondition::MustNotExist}});
  CHECK_FALSE(mutate_path(location, glob_must_not, AssignSetter(Value::integer(7)), pod).mutated);
}

TEST_CASE("traversal: pathTests on keyed elements block sidecar creation or replacement", "[mutation]") {
  Location location = loc("spec.containers[name: proxy].image");
  auto only = [&](std::string sub, PathCondition c) {
    std::string error;
    auto t = PathTester::build(location, {{loc(sub), sub, c}}, &error);
    REQUIRE(t);
    return *t;
  };
  Value without = yaml("{spec: {containers: [{name: app}]}}");
  Value with = yaml("{spec: {containers: [{name: app}, {name: proxy, image: old}]}}");
  PathTester must_exist = only("spec.containers[name: proxy]", PathCondition::MustExist);
  CHECK_FALSE(mutate_path(location, must_exist, AssignSetter(Value::string("new")), without).mutated);
  CHECK(mutate_path(location, must_exist, AssignSetter(Value::string("new")), with).object ==
        yaml("{spec: {containers: [{name: app}, {name: proxy, image: new}]}}"));
  PathTester must_not = only("spec.containers[name: proxy]", PathCondition::MustNotExist);
  CHECK_FALSE(mutate_path(location, must_not, AssignSetter(Value::string("new")), with).mutated);
  CHECK(mutate_path(location, must_not, AssignSetter(Value::string("new")), without).object ==
        yaml("{spec: {containers: [{name: app}, {name: proxy, image: new}]}}"));
}

TEST_CASE("traversal: an empty location is an error", "[mutation]") {
  PathMutation r = mutate_path(Location{}, PathTester{}, AssignSetter(Value::integer(1)), yaml("{a: 1}"));
  CHECK(r.failed);
  CHECK(r.error == "attempting to mutate an empty target location");
}

TEST_CASE("traversal: pathTests on a terminal keyed element add it only when absent", "[mutation]") {
  Location location = loc("spec.containers[name: proxy]");
  std::string error;
  auto must_not =
      PathTester::build(location, {{location, "spec.containers[name: proxy]", PathCondition::MustNotExist}}, &error);
  REQUIRE(must_not);
  Value sidecar = yaml("{name: proxy, image: envoy}");
  Value without = yaml("{spec: {containers: [{name: app}]}}");
  Value with = yaml("{spec: {containers: [{name: app}, {name: proxy, image: custom}]}}");
  CHECK(mutate_path(location, *must_not, AssignSetter(sidecar), without).object ==
        yaml("{spec: {containers: [{name: app}, {name: proxy, image: envoy}]}}"));
  CHECK_FALSE(mutate_path(location, *must_not, AssignSetter(sidecar), with).mutated);

  auto must =
      PathTester::build(location, {{location, "spec.containers[name: proxy]", PathCondition::MustExist}}, &error);
  REQUIRE(must);
  CHECK_FALSE(mutate_path(location, *must, AssignSetter(sidecar), without).mutated);
  CHECK(mutate_path(location, *must, AssignSetter(sidecar), with).object ==
        yaml("{spec: {containers: [{name: app}, {name: proxy, image: envoy}]}}"));
}

TEST_CASE("traversal: only the elements that change are rebuilt", "[mutation]") {
  Value pod = yaml("{spec: {containers: [{name: a, securityContext: {runAsUser: 5}}, {name: b}]}}");
  std::string error;
  Location location = loc("spec.containers[name: *].securityContext.runAsUser");
  auto set_if_absent = PathTester::build(location, {{location, "", PathCondition::MustNotExist}}, &error);
  REQUIRE(set_if_absent);
  PathMutation r = mutate_path(location, *set_if_absent, AssignSetter(Value::integer(1000)), pod);
  REQUIRE(r.mutated);
  CHECK(r.object["spec"]["containers"].items()[0].identity() == pod["spec"]["containers"].items()[0].identity());
  CHECK(r.object["spec"]["containers"].items()[1] == yaml("{name: b, securityContext: {runAsUser: 1000}}"));
}
