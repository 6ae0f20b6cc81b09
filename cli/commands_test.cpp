#include "cli/commands.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_test_support.h"

using namespace tollgate::cli;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

namespace {

const std::string kPack = std::string(TOLLGATE_SOURCE_DIR) + "/policies/library";

const char* kPolicyAndObjects = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sneedsowner
spec:
  crd:
    spec:
      names:
        kind: K8sNeedsOwner
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
          messageExpression: "'no owner on ' + object.metadata.name"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNeedsOwner
metadata:
  name: needs-owner
spec:
  match:
    kinds:
    - apiGroups: [""]
      kinds: ["ConfigMap"]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: orphan
  namespace: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: owned
  namespace: shop
  labels:
    owner: me
)";

}  // namespace

TEST_CASE("tollgate dispatches subcommands, --help and --version", "[cli]") {
  Run version = run({"--version"});
  CHECK(version.code == 0);
  CHECK(version.out == std::string("tollgate ") + kVersion + "\n");

  Run help = run({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("verify") != std::string::npos);

  Run unknown = run({"frobnicate"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.rfind("Error: unknown command \"frobnicate\"", 0) == 0);

  CHECK(run({}).code == 2);
  CHECK(run({"verify", "--help"}).code == 0);
  CHECK(run({"test", "--help"}).code == 0);
  CHECK(run({"mutate", "--help"}).code == 0);
  CHECK(run({"eval", "--help"}).code == 0);
  CHECK(run({"serve", "--help"}).code == 0);
}

TEST_CASE("subcommands refuse bad arguments with exit code 2", "[cli]") {
  CHECK(run({"verify"}).code == 2);
  CHECK(run({"verify", "x", "-o", "xml"}).code == 2);
  CHECK(run({"test", "stray"}).code == 2);
  CHECK(run({"eval", "--cel", "1 + 1"}).code == 2);
  Run serve = run({"serve", "--policies", "p"});
  CHECK(serve.code == 2);
  CHECK(serve.err.find("--tls-cert") != std::string::npos);
  CHECK(run({"serve", "--policies", "p", "--tls-cert", "c", "--tls-key", "k", "--threads", "many"}).code == 2);
}

TEST_CASE("tollgate verify runs a suite and prints gator's summary", "[cli][verify]") {
  std::string suite = kPack + "/tests/required-labels/suite.yaml";
  Run r = run({"verify", suite});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.rfind("ok\t" + suite + "\t", 0) == 0);
  REQUIRE(r.out.size() >= 7);
  CHECK(r.out.substr(r.out.size() - 7) == "\nPASS\n\n");

  Run filtered = run({"verify", suite, "-v", "--run", "//missing-team"});
  CHECK(filtered.code == 0);
  CHECK(filtered.out.find("    === RUN   deployment-missing-team\n    --- PASS: deployment-missing-team\t(") !=
        std::string::npos);
  CHECK(filtered.out.find("    === SKIP  deployment-with-owner-and-team\n") != std::string::npos);

  Run json = run({"verify", kPack + "/...", "-o", "json"});
  CHECK(json.code == 0);
  auto summary = nlohmann::json::parse(json.out);
  CHECK(summary["suites"]["failed"] == 0);
  CHECK(summary["suites"]["passed"] == 8);

  Run missing = run({"verify", kPack + "/nowhere"});
  CHECK(missing.code == 1);
  CHECK(missing.err.rfind("Error: listing test files: ", 0) == 0);
}

TEST_CASE("tollgate test reviews stdin and exits 1 on a denial", "[cli][test]") {
  Run r = run({"test"}, kPolicyAndObjects, /*terminal=*/false);
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out == "v1/ConfigMap shop/orphan: [\"needs-owner\"] Message: \"no owner on orphan\"\n");

  Run json = run({"test", "-f", "-", "-o", "json"}, kPolicyAndObjects);
  CHECK(json.code == 1);
  auto results = nlohmann::json::parse(json.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0]["constraint"]["metadata"]["name"] == "needs-owner");
  CHECK(results[0]["violatingObject"]["metadata"]["name"] == "orphan");

  Run none = run({"test"}, "", /*terminal=*/true);
  CHECK(none.code == 1);
  CHECK(none.err == "Error: no input data identified\n");
}

TEST_CASE("tollgate eval evaluates CEL against an object", "[cli][eval]") {
  std::string object = kPack + "/tests/allowed-registries/samples/pod-docker-hub.yaml";
  Run r = run({"eval", "-i", object, "--cel", "object.spec.containers.map(c, c.image)"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(nlohmann::json::parse(r.out) == nlohmann::json::parse(R"(["nginx:1.25.3"])"));

  Run from_stdin = run({"eval", "-i", "-", "--cel", "request.kind.kind + '/' + request.name"},
                       "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n");
  CHECK(from_stdin.code == 0);
  CHECK(from_stdin.out == "\"Pod/p\"\n");

  Run compile_error = run({"eval", "-i", object, "--cel", "object.spec +"});
  CHECK(compile_error.code == 1);
  CHECK(compile_error.err.rfind("compile error: <cel>:1:", 0) == 0);

  Run eval_error = run({"eval", "-i", object, "--cel", "object.spec.nope"});
  CHECK(eval_error.code == 1);
  CHECK(eval_error.err.rfind("evaluation error: ", 0) == 0);
}
