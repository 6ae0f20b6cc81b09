// A Rego template that fails at evaluation time (two function definitions
// disagree) gives the violation Gatekeeper gives: OPA's error text with the
// template's module named "template" and the line inside its Rego. And
// `tollgate eval` prints evaluation errors as `opa eval` does (file:line).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/command_test_support.h"

namespace {

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

const char* kTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sconflict
spec:
  crd:
    spec:
      names:
        kind: K8sConflict
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sconflict

        f(x) = 1 { true }
        f(x) = 2 { true }

        violation[{"msg": msg}] {
          v := f(input.review.object.metadata.name)
          msg := sprintf("got %v", [v])
        }
)";

const char* kConstraint = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sConflict
metadata:
  name: conflict
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
)";

const char* kPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  containers:
  - name: nginx
    image: nginx
)";

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("tollgate-rego-error-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

}  // namespace

TEST_CASE("a Rego evaluation error becomes Gatekeeper's violation text: template:<rego line>: code: message",
          "[conformance][rego-errors]") {
  TempDir dir;
  Run r = run({"test", "-f", dir.write("pod.yaml", kPod), "--policies", dir.write("template.yaml", kTemplate),
               "--policies", dir.write("constraint.yaml", kConstraint), "--engine", "rego"});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find("template:4: eval_conflict_error: functions must not produce multiple outputs for same inputs") !=
        std::string::npos);
}

TEST_CASE("tollgate eval prints an evaluation error as opa eval does: file:line, no column",
          "[conformance][rego-errors]") {
  TempDir dir;
  const std::string module = dir.write("t.rego", "package t\nf(x) = 1 { true }\nf(x) = 2 { true }\nr { f(1) }\n");
  Run r = run({"eval", "-d", module, "data.t"});
  CHECK(r.code == 1);
  CHECK(r.err.find(module + ":3: eval_conflict_error: functions must not produce multiple outputs for same inputs") !=
        std::string::npos);
}
