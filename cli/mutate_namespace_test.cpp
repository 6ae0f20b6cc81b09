// `tollgate mutate -n`: objects that name no namespace are mutated as
// kubectl apply -n would create them (default "default"); cluster-scoped
// kinds stay without one.
#include <catch2/catch.hpp>

#include <string>

#include "cli/command_test_support.h"
#include "policies/gator/test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::policies::gator::testing::TempTree;

namespace {

const std::string kCapabilities =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/mutation/pod-security-policy/capabilities/samples";

// AssignMetadata adding annotation `placed: yes` to every object in namespace `shop`.
const char* kAnnotateShop = R"(apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata:
  name: annotate-shop
spec:
  match:
    namespaces: [shop]
  location: metadata.annotations.placed
  parameters:
    assign:
      value: "yes"
)";

// AssignMetadata adding annotation `namespaced: yes` to namespaced objects only.
const char* kAnnotateNamespaced = R"(apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata:
  name: annotate-namespaced
spec:
  match:
    scope: Namespaced
  location: metadata.annotations.namespaced
  parameters:
    assign:
      value: "yes"
)";

const char* kPodAndClusterRole = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers: [{name: c, image: nginx}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
)";

}  // namespace

TEST_CASE("tollgate mutate applies the library's Namespaced capabilities ModifySet to its example Pod",
          "[cli][mutate][namespace]") {
  Run r = run({"mutate", "-f", kCapabilities + "/default-add-capabilities/example.yaml", "--policies",
               kCapabilities + "/mutation-modifyset.yaml"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out ==
        "apiVersion: \"v1\"\nkind: \"Pod\"\nmetadata:\n  labels:\n    app: \"nginx-default-add-capabilities\"\n"
        "  name: \"nginx-default-add-capabilities\"\nspec:\n  containers:\n    - image: \"nginx\"\n"
        "      name: \"nginx\"\n      securityContext:\n        capabilities:\n          add:\n"
        "            - \"NEW_CAPABILITY\"\n");
}

TEST_CASE("tollgate mutate -n places objects without a namespace, and leaves metadata.namespace out",
          "[cli][mutate][namespace]") {
  TempTree tree;
  std::string policies = tree.write("annotate-shop.yaml", kAnnotateShop);
  std::string pod = tree.write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n");
  Run in_default = run({"mutate", "-f", pod, "--policies", policies});
  REQUIRE(in_default.code == 0);
  CHECK(in_default.out.find("placed") == std::string::npos);
  Run in_shop = run({"mutate", "-f", pod, "--policies", policies, "-n", "shop"});
  INFO(in_shop.err);
  REQUIRE(in_shop.code == 0);
  CHECK(in_shop.out ==
        "apiVersion: \"v1\"\nkind: \"Pod\"\nmetadata:\n  annotations:\n    placed: \"yes\"\n  name: \"web\"\n");
  // An object that names its namespace keeps it, whatever -n says.
  std::string elsewhere =
      tree.write("elsewhere.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: other\n");
  CHECK(run({"mutate", "-f", elsewhere, "--policies", policies, "--namespace", "shop"}).out.find("placed") ==
        std::string::npos);
}

TEST_CASE("tollgate mutate leaves cluster-scoped kinds outside the -n namespace", "[cli][mutate][namespace]") {
  TempTree tree;
  std::string policies = tree.write("annotate-namespaced.yaml", kAnnotateNamespaced);
  std::string objects = tree.write("objects.yaml", kPodAndClusterRole);
  Run r = run({"mutate", "-f", objects, "--policies", policies});
  INFO(r.err);
  REQUIRE(r.code == 0);
  size_t separator = r.out.find("---\n");
  REQUIRE(separator != std::string::npos);
  CHECK(r.out.substr(0, separator).find("namespaced: \"yes\"") != std::string::npos);  // the Pod
  CHECK(r.out.substr(separator).find("namespaced") == std::string::npos);              // the ClusterRole
}
