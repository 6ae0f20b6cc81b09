#include "policies/mutation/modify_set.h"

#include <catch2/catch.hpp>

#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation::testing;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

std::string modify_set(std::string_view location, std::string_view parameters, std::string_view name = "demo") {
  return "apiVersion: mutations.gatekeeper.sh/v1\nkind: ModifySet\nmetadata: {name: " + std::string(name) +
         "}\nspec:\n  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]\n  location: '" + std::string(location) +
         "'\n  parameters: " + std::string(parameters) + "\n";
}

Value pod_with_args(std::string_view args) {
  return yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, args: " +
              std::string(args) + "}]}}");
}

}  // namespace

TEST_CASE("ModifySet: merge appends the missing values in order", "[mutation]") {
  auto set = load(modify_set("spec.containers[name: *].args", "{values: {fromList: [--b, --c]}}"));
  auto r = mutate(*set, pod_with_args("[--a, --b]"));
  REQUIRE(r.mutated);
  CHECK(r.object["spec"]["containers"].items()[0]["args"] == yaml("[--a, --b, --c]"));
  // Converged: nothing more to add.
  CHECK(r.iterations == 2);
}

TEST_CASE("ModifySet: merge creates a missing list", "[mutation]") {
  auto set = load(modify_set("spec.containers[name: *].securityContext.capabilities.drop",
                             "{operation: merge, values: {fromList: [ALL]}}"));
  auto r = mutate(*set, yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a}]}}"));
  CHECK(r.object["spec"]["containers"].items()[0]["securityContext"] == yaml("{capabilities: {drop: [ALL]}}"));
}

TEST_CASE("ModifySet: values compare by deep equality", "[mutation]") {
  auto set =
      load(modify_set("spec.containers[name: *].env", "{values: {fromList: [{name: A, value: '1'}, {name: B}]}}"));
  auto r = mutate(*set, yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, env: [{value: '1', name: A}]}]})"));
  CHECK(r.object["spec"]["containers"].items()[0]["env"] == yaml("[{name: A, value: '1'}, {name: B}]"));
}

TEST_CASE("ModifySet: prune removes every equal element", "[mutation]") {
  auto set = load(modify_set("spec.containers[name: *].args", "{operation: prune, values: {fromList: [--debug, 3]}}"));
  auto r = mutate(*set, pod_with_args("[--debug, --port, 3, --debug, '3']"));
  CHECK(r.object["spec"]["containers"].items()[0]["args"] == yaml("[--port, '3']"));
  // A missing list stays missing.
  Value no_args = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a}]}}");
  auto untouched = mutate(*set, no_args);
  CHECK_FALSE(untouched.mutated);
  CHECK(untouched.object == no_args);
}

TEST_CASE("ModifySet: a value that is not a list rejects the request", "[mutation]") {
  auto set = load(modify_set("spec.containers[name: *].args", "{values: {fromList: [x]}}"));
  auto r = mutate(*set, pod_with_args("--flag"));
  CHECK(r.failed);
  CHECK(r.error.find(": \"--flag\" is not a list of values, cannot treat it as a set") != std::string::npos);
}

TEST_CASE("ModifySet: validation", "[mutation]") {
  CHECK(load_error(modify_set("metadata.finalizers", "{values: {fromList: [x]}}")) ==
        "modifyset demo can't change metadata");
  CHECK(load_error(modify_set("spec.containers[name: a]", "{values: {fromList: [x]}}")) ==
        "final node in a modifyset location cannot be a keyed list");
  CHECK(load_error(modify_set("spec.args", "{operation: replace, values: {fromList: [x]}}")) ==
        "unrecognized operation for modifyset: replace (merge, prune)");
  CHECK(load_error(modify_set("spec.args", "{values: {fromList: x}}")) == "fromList must be a list, got string");
}
