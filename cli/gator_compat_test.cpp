// Scripts written for gator v3.19.3 keep working with `tollgate` in its
// place: exit codes, the messages they grep for, and `test -o yaml` read
// with a YAML parser the way `yq '.[0].result.msg'` reads it.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "cli/command_test_support.h"
#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;
namespace fixtures = tollgate::policies::expansion::testing;

namespace {

const std::string kAllowedReposTemplate =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/allowedrepos/template.yaml";

const char* kOnlyOpa = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata:
  name: repo-is-openpolicyagent
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
  parameters:
    repos: ["openpolicyagent/"]
)";

const char* kNginxPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  creationTimestamp: "2024-01-01T00:00:00Z"
spec:
  containers: [{name: web, image: nginx}]
)";

// The allowedrepos template, a constraint and a Pod it denies, in `tree`.
struct Repo {
  TempTree tree;
  std::string constraint = tree.write("policy/constraint.yaml", kOnlyOpa);
  std::string pod = tree.write("pod.yaml", kNginxPod);
};

}  // namespace

TEST_CASE("gator test -o yaml | yq '.[0].result.msg' reads the message", "[cli][test][gator-compat]") {
  Repo repo;
  Run r = run({"test", "-f", kAllowedReposTemplate, "-f", repo.constraint, "-f", repo.pod, "-o", "yaml"});
  INFO(r.err);
  CHECK(r.code == 1);
  YAML::Node results = YAML::Load(r.out);
  REQUIRE(results.IsSequence());
  REQUIRE(results.size() == 1);
  const YAML::Node first = results[0];
  CHECK(first["result"]["msg"].as<std::string>() ==
        "container <web> has an invalid image repo <nginx>, allowed repos are [\"openpolicyagent/\"]");
  CHECK(first["result"]["enforcementaction"].as<std::string>() == "deny");
  CHECK(first["result"]["target"].as<std::string>() == "admission.k8s.gatekeeper.sh");
  CHECK(first["result"]["constraint"]["object"]["metadata"]["name"].as<std::string>() == "repo-is-openpolicyagent");
  CHECK(first["result"]["scopedenforcementactions"].IsSequence());
  CHECK(first["violatingObject"]["metadata"]["name"].as<std::string>() == "web");
  // A timestamp stays a string, quoted as yaml.v3 quotes it.
  CHECK(r.out.find("creationTimestamp: \"2024-01-01T00:00:00Z\"") != std::string::npos);
  CHECK(first["trace"].IsNull());
  std::set<std::string> keys;
  for (const auto& entry : first) keys.insert(entry.first.as<std::string>());
  CHECK(keys == std::set<std::string>{"result", "violatingObject", "trace"});
  keys.clear();
  for (const auto& entry : first["result"]) keys.insert(entry.first.as<std::string>());
  CHECK(keys == std::set<std::string>{"target", "msg", "metadata", "constraint", "enforcementaction",
                                      "scopedenforcementactions"});
}

TEST_CASE("gator test -o yaml prints [] when nothing is violated", "[cli][test][gator-compat]") {
  Repo repo;
  std::string allowed = repo.tree.write("allowed.yaml", R"(apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: default}
spec:
  containers: [{name: ok, image: openpolicyagent/opa}]
)");
  Run r = run({"test", "-f", kAllowedReposTemplate, "-f", repo.constraint, "-f", allowed, "-o", "yaml"});
  CHECK(r.code == 0);
  CHECK(r.out == "[]\n");
}

TEST_CASE("gator test flags written -f=path and -oyaml mean what they do for gator", "[cli][test][gator-compat]") {
  Repo repo;
  Run spaced = run({"test", "-f", kAllowedReposTemplate, "-f", repo.constraint, "-f", repo.pod, "-o", "yaml"});
  Run joined = run({"test", "-f=" + kAllowedReposTemplate, "--filename=" + repo.constraint, "-f" + repo.pod, "-oyaml"});
  INFO(joined.err);
  CHECK(joined.code == 1);
  CHECK(joined.out == spaced.out);
  Run long_form = run({"test", "--filename", kAllowedReposTemplate, "-f", repo.constraint, "-f", repo.pod,
                       "--output=yaml"});
  CHECK(long_form.out == spaced.out);
}

TEST_CASE("gator test with no -f and nothing piped in fails at once", "[cli][test][gator-compat]") {
  Run r = run({"test"}, "", /*terminal=*/true);
  CHECK(r.code == 1);
  CHECK(r.err == "Error: no input data identified\n");
  CHECK(r.out.empty());
}

TEST_CASE("gator test reads piped objects together with -f", "[cli][test][gator-compat]") {
  Repo repo;
  // cat pod.yaml | gator test -f template.yaml -f constraint.yaml
  Run r = run({"test", "-f", kAllowedReposTemplate, "-f", repo.constraint}, kNginxPod, /*terminal=*/false);
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out ==
        "v1/Pod default/web: [\"repo-is-openpolicyagent\"] Message: \"container <web> has an invalid image repo "
        "<nginx>, allowed repos are [\\\"openpolicyagent/\\\"]\"\n");
}

TEST_CASE("gator test refuses a file named directly without a YAML or JSON extension", "[cli][test][gator-compat]") {
  Repo repo;
  std::string text = repo.tree.write("pod.txt", kNginxPod);
  Run r = run({"test", "-f", kAllowedReposTemplate, "-f", repo.constraint, "-f", text});
  CHECK(r.code == 1);
  CHECK(r.err == "Error: reading: reading from filenames: path \"" + text +
                     "\" must be of extensions: [.yaml .yml .json]\n");
  std::string missing = repo.tree.path("missing.yaml");
  CHECK(run({"test", "-f", missing}).err ==
        "Error: reading: reading from filenames: stat on path \"" + missing + "\": stat " + missing +
            ": no such file or directory\n");
  CHECK(r.out.empty());
}

TEST_CASE("gator test skips files of other extensions inside a directory", "[cli][test][gator-compat]") {
  Repo repo;
  repo.tree.write("policy/notes.txt", kNginxPod);  // would be denied if it were read
  repo.tree.write("policy/README.md", "# not YAML: {{\n");
  Run r = run({"test", "-f", kAllowedReposTemplate, "-f", repo.tree.path("policy")});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("gator test fails a Deployment whose implied Pod meets a namespaceSelector without its Namespace",
          "[cli][test][gator-compat][expansion]") {
  TempTree tree;
  // all-must-have-owner, on Pods of namespaces without the ignore label.
  std::string constraint = fixtures::kPodsMustHaveOwner;
  constraint.insert(constraint.find("  parameters:"),
                    "    namespaceSelector:\n"
                    "      matchExpressions: [{key: admission.gatekeeper.sh/ignore, operator: DoesNotExist}]\n");
  std::string policies = tree.write("policies.yaml", constraint + "---\n" + fixtures::kExpandDeployments);
  std::string deployment_text = fixtures::kNginxDeployment;
  deployment_text.replace(deployment_text.find("  name: nginx-deployment\n"), 25,
                          "  name: web\n  namespace: shop\n");
  std::string deployment = tree.write("deployment.yaml", deployment_text);
  Run missing = run({"test", "-f", fixtures::kRequiredLabelsTemplate, "-f", policies, "-f", deployment});
  INFO(missing.err);
  CHECK(missing.code == 1);
  CHECK(missing.out ==
        "apps/v1/Deployment shop/web: [\"all-must-have-owner\"] Message: \"[Implied by expand-deployments] unable to "
        "match constraints: error matching the requested object: web-pod :failed to run Match criteria: namespace "
        "selector for namespace-scoped object but missing Namespace\"\n");

  // With the Namespace among the inputs, its labels decide: this one is ignored.
  std::string ns = tree.write("namespace.yaml", R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {admission.gatekeeper.sh/ignore: "yes"}
)");
  Run given = run({"test", "-f", fixtures::kRequiredLabelsTemplate, "-f", policies, "-f", deployment, "-f", ns});
  INFO(given.err);
  CHECK(given.code == 0);
  CHECK(given.out.empty());
}

TEST_CASE("gator test applies schema defaults and reports an unknown enforcementAction without failing",
          "[cli][test][gator-compat]") {
  TempTree tree;
  std::string input = tree.write("all.yaml", R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sdefaultmessage
spec:
  crd:
    spec:
      names:
        kind: K8sDefaultMessage
      validation:
        openAPIV3Schema:
          type: object
          properties:
            message: {type: string, default: aRequiredMessage}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdefaultmessage
        violation[{"msg": msg}] {
          msg := sprintf("%v", [input.parameters.message])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDefaultMessage
metadata:
  name: says-default
spec:
  enforcementAction: foo
  match:
    kinds: [{apiGroups: [""], kinds: [ConfigMap]}]
  parameters: {}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: default}
)");
  Run r = run({"test", "-f", input, "-o", "yaml"});
  INFO(r.err);
  CHECK(r.code == 0);  // only deny fails the run
  YAML::Node results = YAML::Load(r.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0]["result"]["msg"].as<std::string>() == "aRequiredMessage");
  CHECK(results[0]["result"]["enforcementaction"].as<std::string>() == "foo");
}

TEST_CASE("gator expand output reads back as the generated Pod", "[cli][expand][gator-compat]") {
  TempTree tree;
  std::string input = tree.write("in.yaml", std::string(fixtures::kNginxDeployment) + "---\n" +
                                                fixtures::kExpandDeployments);
  Run r = run({"expand", "--filename", input, "--format", "yaml"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  YAML::Node pod = YAML::Load(r.out);
  CHECK(pod["kind"].as<std::string>() == "Pod");
  CHECK(pod["metadata"]["name"].as<std::string>() == "nginx-deployment-pod");
}
