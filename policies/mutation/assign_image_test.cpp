#include "policies/mutation/assign_image.h"

#include <catch2/catch.hpp>

#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation::testing;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

std::string assign_image(std::string_view location, std::string_view parameters,
                         std::string_view version = "v1alpha1") {
  return "apiVersion: mutations.gatekeeper.sh/" + std::string(version) +
         "\nkind: AssignImage\nmetadata: {name: demo}\nspec:\n  applyTo: [{groups: [''], versions: [v1], kinds: "
         "[Pod]}]\n  location: '" +
         std::string(location) + "'\n  parameters: " + std::string(parameters) + "\n";
}

const Value kPod = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: app, image: nginx:1.25}
  - {name: side, image: 'docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef'}
)");

}  // namespace

TEST_CASE("AssignImage: rewrites the domain of every container image", "[mutation]") {
  auto set = load(assign_image("spec.containers[name: *].image", "{assignDomain: mirror.example.com}"));
  auto r = mutate(*set, kPod);
  REQUIRE(r.mutated);
  CHECK(r.object["spec"]["containers"].items()[0]["image"] == Value::string("mirror.example.com/nginx:1.25"));
  CHECK(r.object["spec"]["containers"].items()[1]["image"] ==
        Value::string("mirror.example.com/library/busybox@sha256:0123456789abcdef0123456789abcdef"));
  CHECK(r.iterations == 2);
}

TEST_CASE("AssignImage: tag and path", "[mutation]") {
  auto set = load(assign_image("spec.containers[name: app].image", "{assignPath: team/nginx, assignTag: ':stable'}"));
  auto r = mutate(*set, kPod);
  CHECK(r.object["spec"]["containers"].items()[0]["image"] == Value::string("team/nginx:stable"));
  CHECK(r.object["spec"]["containers"].items()[1] == kPod["spec"]["containers"].items()[1]);
}

TEST_CASE("AssignImage: an absent field starts from the empty reference", "[mutation]") {
  auto set = load(assign_image("spec.containers[name: app].image", "{assignDomain: reg.io, assignPath: app}"));
  auto r = mutate(*set, yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: app}]}}"));
  CHECK(r.object["spec"]["containers"].items()[0]["image"] == Value::string("reg.io/app"));
}

TEST_CASE("AssignImage: a non-string image rejects the request", "[mutation]") {
  auto set = load(assign_image("spec.containers[name: *].image", "{assignTag: ':v1'}"));
  auto r =
      mutate(*set, yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: 3}]}}"));
  CHECK(r.failed);
  CHECK(r.error.find("expected value at AssignImage location to be a string, got 3 of type int64") !=
        std::string::npos);
}

TEST_CASE("AssignImage: validation", "[mutation]") {
  CHECK(load_error(assign_image("spec.containers[name: *].image", "{}")) ==
        "assignImage demo has invalid parameters: at least one of [assignDomain, assignPath, assignTag] must be set");
  CHECK(load_error(assign_image("spec.containers[name: *].image", "{assignPath: gcr.io/repo}")) ==
        "assignImage demo has invalid parameters: assignDomain must be set if the first part of assignPath "
        "\"gcr.io/repo\" can be interpretted as part of a domain");
  CHECK(load_error(assign_image("spec.containers[name: *].image", "{assignTag: latest}")) ==
        "assignImage demo has invalid parameters: assignTag \"latest\" must be a valid docker image tag or digest "
        "starting with ':' or '@'");
  CHECK(load_error(assign_image("metadata.annotations.image", "{assignTag: ':v1'}")) ==
        "assignImage demo can't change metadata");
  CHECK(load_error(assign_image("spec.containers[name: app]", "{assignTag: ':v1'}")) ==
        "assignImage demo cannot mutate list-type fields");
  CHECK(load_error(assign_image("spec.containers[name: app].name", "{assignTag: ':v1'}")) ==
        "invalid path format: changing the item key is not allowed");
  CHECK(load_error(assign_image("spec.containers[name: *].image", "{assignTag: ':v1'}", "v1")) ==
        "unsupported AssignImage apiVersion mutations.gatekeeper.sh/v1 (v1alpha1)");
}
