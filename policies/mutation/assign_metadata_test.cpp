#include "policies/mutation/assign_metadata.h"

#include <catch2/catch.hpp>

#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation::testing;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

std::string assign_metadata(std::string_view location, std::string_view assign, std::string_view name = "demo",
                            std::string_view match = "") {
  return "apiVersion: mutations.gatekeeper.sh/v1\nkind: AssignMetadata\nmetadata: {name: " + std::string(name) +
         "}\nspec:\n  location: '" + std::string(location) + "'\n  parameters: {assign: " + std::string(assign) +
         "}\n" + (match.empty() ? "" : "  match: " + std::string(match) + "\n");
}

}  // namespace

TEST_CASE("AssignMetadata: adds a label or annotation, creating the map", "[mutation]") {
  auto set = load(assign_metadata("metadata.labels.team", "{value: platform}", "team") + "---\n" +
                  assign_metadata("metadata.annotations.\"example.com/owner\"", "{value: ops}", "owner"));
  auto r = mutate(*set, yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: prod}}"));
  REQUIRE(r.mutated);
  CHECK(r.object["metadata"] == yaml(R"({name: cm, namespace: prod, labels: {team: platform},
                                          annotations: {example.com/owner: ops}})"));
  CHECK(r.applied == std::vector<std::string>{"AssignMetadata/owner", "AssignMetadata/team"});
}

TEST_CASE("AssignMetadata: existing keys are left alone", "[mutation]") {
  auto set = load(assign_metadata("metadata.labels.team", "{value: platform}"));
  Value pod = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, labels: {team: payments}}}");
  auto r = mutate(*set, pod);
  CHECK_FALSE(r.mutated);
  CHECK(r.object == pod);
}

TEST_CASE("AssignMetadata: applies to every kind and every operation, no applyTo", "[mutation]") {
  auto set = load(assign_metadata("metadata.labels.managed", "{value: 'yes'}"));
  for (const char* op : {"CREATE", "UPDATE", ""}) {
    auto r = mutate(*set, yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}"), op);
    CHECK(r.object["metadata"]["labels"]["managed"] == Value::string("yes"));
  }
}

TEST_CASE("AssignMetadata: fromMetadata and match", "[mutation]") {
  auto set = load(assign_metadata("metadata.labels.ns", "{fromMetadata: {field: namespace}}", "demo",
                                  "{kinds: [{apiGroups: [''], kinds: [Pod]}]}"));
  auto pod = mutate(*set, yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: prod}}"));
  CHECK(pod.object["metadata"]["labels"]["ns"] == Value::string("prod"));
  auto cm = mutate(*set, yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: prod}}"));
  CHECK_FALSE(cm.mutated);
}

TEST_CASE("AssignMetadata: validation", "[mutation]") {
  CHECK(load_error(assign_metadata("metadata.name", "{value: x}")) ==
        "invalid location for assignmetadata demo: metadata.name (must be metadata.labels.<key> or "
        "metadata.annotations.<key>)");
  CHECK_FALSE(load_errors(assign_metadata("spec.labels.x", "{value: x}")).empty());
  CHECK_FALSE(load_errors(assign_metadata("metadata.labels", "{value: x}")).empty());
  CHECK_FALSE(load_errors(assign_metadata("metadata.labels.a.b", "{value: x}")).empty());
  CHECK_FALSE(load_errors(assign_metadata("metadata.labels[k: v]", "{value: x}")).empty());
  CHECK(load_error(assign_metadata("metadata.labels.x", "{value: 5}")) ==
        "spec.parameters.assign.value field must be a string for AssignMetadata \"demo\"");
  CHECK(load_error(assign_metadata("metadata.labels.x", "{value: {a: b}}")) ==
        "spec.parameters.assign.value field must be a string for AssignMetadata \"demo\"");
  CHECK(load_error(assign_metadata("metadata.labels.x", "{externalData: {provider: p, dataSource: Username}}"))
            .find("external data is not supported") != std::string::npos);
}
