#include <catch2/catch.hpp>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace tollgate::cli {
namespace {

using policies::gator::testing::TempTree;
using testing::run;

constexpr const char* kTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sreplicalimit}
spec:
  crd:
    spec:
      names: {kind: K8sReplicaLimit}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "!has(variables.anyObject.spec.replicas) || variables.anyObject.spec.replicas <= variables.params.max"
          messageExpression: "'at most ' + string(variables.params.max) + ' replicas'"
)";

constexpr const char* kConstraints = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sReplicaLimit
metadata: {name: max-three}
spec:
  match:
    kinds: [{apiGroups: [apps], kinds: [Deployment]}]
    namespaceSelector: {matchLabels: {env: prod}}
  parameters: {max: 3}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sReplicaLimit
metadata: {name: warn-two}
spec:
  enforcementAction: warn
  parameters: {max: 2}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sOtherKind
metadata: {name: not-mine}
)";

std::vector<value::Value> documents(const std::string& text) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  INFO(text << "\n" << error.message);
  REQUIRE(value::parse_yaml(text, &docs, &error));
  std::vector<value::Value> out;
  for (auto& d : docs) out.push_back(d.value);
  return out;
}

TEST_CASE("export vap prints the policy, then a binding per constraint of the template's kind", "[cli][export]") {
  TempTree tree;
  tree.write("template.yaml", kTemplate);
  tree.write("constraints/all.yaml", kConstraints);
  auto r = run({"export", "vap", "-f", tree.path("template.yaml"), "--constraints", tree.path("constraints")});
  INFO(r.err);
  CHECK(r.code == 0);
  std::vector<value::Value> objects = documents(r.out);
  REQUIRE(objects.size() == 3);
  CHECK(objects[0]["kind"].as_string() == "ValidatingAdmissionPolicy");
  CHECK(objects[0]["metadata"]["name"].as_string() == "gatekeeper-k8sreplicalimit");
  CHECK(objects[0]["spec"]["paramKind"]["kind"].as_string() == "K8sReplicaLimit");
  CHECK(objects[1]["metadata"]["name"].as_string() == "gatekeeper-max-three");
  CHECK(objects[1]["spec"]["validationActions"].items().front().as_string() == "Deny");
  CHECK(objects[1]["spec"]["matchResources"]["namespaceSelector"]["matchLabels"]["env"].as_string() == "prod");
  CHECK(objects[2]["metadata"]["name"].as_string() == "gatekeeper-warn-two");
  CHECK(objects[2]["spec"]["validationActions"].items().front().as_string() == "Warn");
  CHECK(r.err == "warning: 1 constraint(s) of kinds no template given defines: K8sOtherKind/not-mine\n");
}

TEST_CASE("export vap -o json prints a List that loads back", "[cli][export]") {
  TempTree tree;
  tree.write("template.yaml", kTemplate);
  tree.write("constraints.yaml", kConstraints);
  auto r = run({"export", "vap", "-f", tree.path("template.yaml"), "--constraints", tree.path("constraints.yaml"),
                "-o", "json", "--api-version", "v1beta1"});
  INFO(r.err);
  CHECK(r.code == 0);
  value::Value list = value::parse_json_or_throw(r.out);
  CHECK(list["kind"].as_string() == "List");
  REQUIRE(list["items"].items().size() == 3);
  CHECK(list["items"].items()[0]["apiVersion"].as_string() == "admissionregistration.k8s.io/v1beta1");
}

TEST_CASE("an exported policy replayed with tollgate review denies as the template would", "[cli][export]") {
  TempTree tree;
  tree.write("template.yaml", kTemplate);
  tree.write("inventory/constraints.yaml", kConstraints);
  tree.write("inventory/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n");
  auto exported = run({"export", "vap", "-f", tree.path("template.yaml"), "--constraints",
                       tree.path("inventory/constraints.yaml")});
  REQUIRE(exported.code == 0);
  tree.write("policies/exported.yaml", exported.out);
  tree.write("request.json", R"({"uid": "u-1", "operation": "CREATE",
    "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "resource": {"group": "apps", "version": "v1", "resource": "deployments"}, "name": "web", "namespace": "shop",
    "userInfo": {"username": "alice"}, "object": {"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 5}}})");
  auto r = run({"review", "-f", tree.path("request.json"), "--policies", tree.path("policies"), "--inventory",
                tree.path("inventory")});
  INFO(r.err);
  CHECK(r.code == 1);
  value::Value response = value::parse_json_or_throw(r.out)["response"];
  CHECK(response["status"]["message"].as_string() ==
        "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'gatekeeper-k8sreplicalimit' with binding "
        "'gatekeeper-max-three' denied request: at most 3 replicas");
  REQUIRE(response["warnings"].is_array());
  CHECK(response["warnings"].items().front().as_string() ==
        "Validation failed for ValidatingAdmissionPolicy 'gatekeeper-k8sreplicalimit' with binding "
        "'gatekeeper-warn-two': at most 2 replicas");
}

TEST_CASE("export vap names a template it cannot export and a constraint it cannot bind", "[cli][export]") {
  TempTree tree;
  // Rego in the code list (Gatekeeper 3.19's form) and nothing else.
  tree.write("rego.yaml", R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sregoonly}
spec:
  crd: {spec: {names: {kind: K8sRegoOnly}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: Rego
      source: {rego: "package x\nviolation[{\"msg\": \"no\"}] { true }"}
)");
  auto rego = run({"export", "vap", "-f", tree.path("rego.yaml")});
  CHECK(rego.code == 1);
  CHECK(rego.out.empty());
  CHECK(rego.err.find("rego.yaml:1:1: template k8sregoonly: K8sNativeValidation engine is missing (the template has "
                      "only Rego") != std::string::npos);

  tree.write("template.yaml", kTemplate);
  tree.write("dryrun.yaml", "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sReplicaLimit\n"
                            "metadata: {name: audit-only}\nspec: {enforcementAction: dryrun}\n");
  auto dryrun = run({"export", "vap", "-f", tree.path("template.yaml"), "--constraints", tree.path("dryrun.yaml")});
  CHECK(dryrun.code == 1);
  CHECK(documents(dryrun.out).size() == 1);
  CHECK(dryrun.err.find("constraint audit-only: invalid enforcement action: unrecognized enforcement action dryrun, "
                        "must be `warn` or `deny`") != std::string::npos);
}

TEST_CASE("export needs a kind it knows and a template", "[cli][export]") {
  CHECK(run({"export"}).code == 2);
  CHECK(run({"export", "mutators"}).code == 2);
  CHECK(run({"export", "vap"}).code == 2);
  auto help = run({"export", "vap", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("--constraints") != std::string::npos);
}

}  // namespace
}  // namespace tollgate::cli
