#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <iostream>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel;
using namespace tollgate::cel::testing;

namespace {

const char* kDeployment = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}},
  "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
    {"name": "app", "image": "registry.corp/web:1.2", "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}}},
    {"name": "sidecar", "image": "registry.corp/proxy:3", "resources": {"limits": {"cpu": "100m"}}}
  ]}}}
})";

const char* kPolicy =
    "object.spec.template.spec.containers.all(c, has(c.resources) && has(c.resources.limits) && "
    "c.image.startsWith(\"registry.corp/\"))";

}  // namespace

TEST_CASE("the containers.all policy expression on a Deployment", "[cel][deployment]") {
  CompileOptions options;
  options.identifiers = {"object", "oldObject", "request"};
  auto compiled = Environment::kubernetes()->compile(kPolicy, options);
  REQUIRE(compiled.ok());

  Activation act;
  act.identifiers = {json(kDeployment), Value(), Value()};
  auto r = compiled.program->evaluate(act);
  REQUIRE(r.ok());
  CHECK(r.value.as_bool());

  // One container from another registry fails the policy.
  auto bad = json(std::string(kDeployment).replace(std::string(kDeployment).find("registry.corp/proxy"), 19,
                                                     "docker.io/proxy"));
  act.identifiers[0] = bad;
  r = compiled.program->evaluate(act);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value.as_bool());

  // A container without limits fails too; one without resources as well.
  act.identifiers[0] = json(R"({"spec": {"template": {"spec": {"containers": [{"image": "registry.corp/a", "resources": {}}]}}}})");
  CHECK_FALSE(compiled.program->evaluate(act).value.as_bool());
  act.identifiers[0] = json(R"({"spec": {"template": {"spec": {"containers": [{"image": "registry.corp/a"}]}}}})");
  CHECK_FALSE(compiled.program->evaluate(act).value.as_bool());
  // A Pod has no spec.template: the selection error surfaces.
  act.identifiers[0] = json(R"({"spec": {"containers": []}})");
  CHECK(*compiled.program->evaluate(act).error == "no such key: template");
}

TEST_CASE("containers.all evaluation time (reported, not asserted)", "[cel][deployment][.perf]") {
  CompileOptions options;
  options.identifiers = {"object", "oldObject", "request"};
  auto compiled = Environment::kubernetes()->compile(kPolicy, options);
  REQUIRE(compiled.ok());
  Activation act;
  act.identifiers = {json(kDeployment), Value(), Value()};
  constexpr int kIterations = 200000;
  bool all = true;
  // Thread CPU time, so that a busy machine does not inflate the figure.
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
  };
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  for (int i = 0; i < kIterations; ++i) all = all && compiled.program->evaluate(act).value.as_bool();
  const double cpu_us = cpu_now() - cpu_start;
  const auto wall = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start);
  std::cout << "containers.all over a 2-container Deployment: " << cpu_us / kIterations << " us CPU ("
            << wall.count() / kIterations << " us wall) per evaluation\n";
  CHECK(all);
}
