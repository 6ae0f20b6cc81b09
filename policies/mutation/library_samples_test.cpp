// Every mutation sample of the gatekeeper-library snapshot, applied to its
// example object as the webhook would (CREATE in namespace "default"), with
// the result a user of the sample expects written out by hand.
#include <catch2/catch.hpp>

#include "policies/mutation/mutation_system.h"
#include "policies/policy_set.h"
#include "policies/test_support.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation;
using tollgate::policies::testing::check_same;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

const std::string kSamples =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/mutation/pod-security-policy/";

std::shared_ptr<const PolicySet> load_samples(const std::vector<std::string>& files) {
  std::vector<std::string> paths;
  for (const std::string& f : files) paths.push_back(kSamples + f);
  LoadResult r = PolicySet::load(paths);
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  return r.policies;
}

Value example(const std::string& file) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  REQUIRE(tollgate::value::load_yaml_file(kSamples + file, &docs, &error));
  REQUIRE(docs.size() == 1);
  return docs[0].value;
}

// What the webhook does with a Pod created in namespace "default".
MutationResult admit(const PolicySet& policies, const Value& pod) {
  MutationRequest request;
  request.object = pod;
  request.request = yaml("{uid: x, operation: CREATE, namespace: default, kind: {group: '', version: v1, kind: Pod}}");
  request.namespace_object = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: default}}");
  MutationResult r = policies.mutation().mutate(request);
  INFO(r.error);
  REQUIRE_FALSE(r.failed);
  return r;
}

}  // namespace

TEST_CASE("library samples: allow-privilege-escalation defaults to false", "[mutation]") {
  auto set = load_samples({"allow-privilege-escalation/samples/mutation.yaml"});
  CHECK(set->mutation().stats().mutators == 3);
  MutationResult r =
      admit(*set, example("allow-privilege-escalation/samples/default-allow-privilege-escalation/example.yaml"));
  REQUIRE(r.mutated);
  check_same(r.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-default-privilege-escalation
  labels: {app: nginx-default-privilege-escalation}
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext: {allowPrivilegeEscalation: false}
)"));
  CHECK(r.applied == std::vector<std::string>{"Assign/k8spspdefaultallowprivilegeescalation"});

  // A container that sets the field keeps its value; init containers get the default too.
  MutationResult mixed = admit(*set, yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: mixed}
spec:
  initContainers: [{name: init, image: busybox}]
  containers:
  - {name: a, image: nginx, securityContext: {allowPrivilegeEscalation: true}}
  - {name: b, image: nginx}
)"));
  check_same(mixed.object["spec"], yaml(R"(
initContainers: [{name: init, image: busybox, securityContext: {allowPrivilegeEscalation: false}}]
containers:
- {name: a, image: nginx, securityContext: {allowPrivilegeEscalation: true}}
- {name: b, image: nginx, securityContext: {allowPrivilegeEscalation: false}}
)"));
}

TEST_CASE("library samples: capabilities with Assign and with ModifySet", "[mutation]") {
  Value pod = example("capabilities/samples/default-add-capabilities/example.yaml");
  Value expected = yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-default-add-capabilities
  labels: {app: nginx-default-add-capabilities}
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext: {capabilities: {add: [NEW_CAPABILITY]}}
)");
  auto assign = load_samples({"capabilities/samples/mutation-assign.yaml"});
  check_same(admit(*assign, pod).object, expected);
  auto modify_set = load_samples({"capabilities/samples/mutation-modifyset.yaml"});
  check_same(admit(*modify_set, pod).object, expected);

  // ModifySet keeps what the container already adds; Assign replaces it.
  Value with_caps = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: caps}
spec:
  containers: [{name: c, image: nginx, securityContext: {capabilities: {add: [NET_ADMIN]}}}]
)");
  CHECK(
      admit(*modify_set, with_caps).object["spec"]["containers"].items()[0]["securityContext"]["capabilities"]["add"] ==
      yaml("[NET_ADMIN, NEW_CAPABILITY]"));
  CHECK(admit(*assign, with_caps).object["spec"]["containers"].items()[0]["securityContext"]["capabilities"]["add"] ==
        yaml("[NEW_CAPABILITY]"));
  // Both samples loaded together: same field, Assign then ModifySet, no schema conflict.
  auto both =
      load_samples({"capabilities/samples/mutation-assign.yaml", "capabilities/samples/mutation-modifyset.yaml"});
  CHECK(both->mutation().conflicts().empty());
  check_same(admit(*both, pod).object, expected);
}

TEST_CASE("library samples: read-only-root-filesystem", "[mutation]") {
  auto set = load_samples({"read-only-root-filesystem/samples/mutation.yaml"});
  MutationResult r = admit(*set, example("read-only-root-filesystem/samples/read-only-root-filesystem/example.yaml"));
  check_same(r.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-readonlyrootfs
  labels: {app: nginx-readonlyrootfs}
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext: {readOnlyRootFilesystem: true}
)"));
}

TEST_CASE("library samples: seccomp", "[mutation]") {
  auto set = load_samples({"seccomp/samples/mutation.yaml"});
  MutationResult r = admit(*set, example("seccomp/samples/default-seccomp/example.yaml"));
  check_same(r.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-default-seccomp
  labels: {app: nginx-default-seccomp}
spec:
  containers:
  - {name: nginx, image: nginx}
  securityContext:
    seccompProfile: {type: RuntimeDefault}
)"));
  // A profile the Pod chose is kept.
  Value localhost = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: nginx, image: nginx}]
  securityContext: {seccompProfile: {type: Localhost, localhostProfile: my.json}}
)");
  MutationResult kept = admit(*set, localhost);
  CHECK_FALSE(kept.mutated);
  CHECK(kept.object == localhost);
}

TEST_CASE("library samples: selinux", "[mutation]") {
  auto set = load_samples({"selinux/samples/mutation.yaml"});
  MutationResult r = admit(*set, example("selinux/samples/default-selinux/example.yaml"));
  check_same(r.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-default-selinux
  labels: {app: nginx-default-selinux}
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext:
      seLinuxOptions: {level: 's1:c234,c567', user: sysadm_u, role: sysadm_r, type: svirt_lxc_net_t}
)"));
}

TEST_CASE("library samples: users and groups", "[mutation]") {
  std::vector<std::string> files = {"users/samples/mutation-fsGroup.yaml",
                                    "users/samples/mutation-mustRunAsNonRoot.yaml",
                                    "users/samples/mutation-runAsGroup.yaml", "users/samples/mutation-runAsUser.yaml",
                                    "users/samples/mutation-supplementalGroups.yaml"};
  auto set = load_samples(files);
  CHECK(set->mutation().stats().mutators == 8);
  MutationResult r = admit(*set, example("users/samples/users/example.yaml"));
  check_same(r.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-users
  labels: {app: nginx-users}
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext: {runAsNonRoot: true, runAsGroup: 2000, runAsUser: 1000}
  securityContext: {fsGroup: 3000, supplementalGroups: [3000]}
)"));
  CHECK(r.applied == std::vector<std::string>{"Assign/k8spspfsGroup", "Assign/k8spsprunasgroup",
                                              "Assign/k8spsprunasnonroot", "Assign/k8spsprunasuser",
                                              "Assign/k8spspsupplementalgroups"});

  // The container that runs as root explicitly keeps runAsUser 0 and
  // runAsNonRoot false; only what is missing is filled in.
  MutationResult root = admit(*set, example("users/samples/users/example-nomutation.yaml"));
  check_same(root.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: nginx-run-as-root
  labels: {app: nginx-run-as-root}
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext: {runAsUser: 0, runAsNonRoot: false, runAsGroup: 2000}
  securityContext: {fsGroup: 3000, supplementalGroups: [3000]}
)"));
  auto non_root_only = load_samples({"users/samples/mutation-mustRunAsNonRoot.yaml"});
  CHECK_FALSE(admit(*non_root_only, example("users/samples/users/example-nomutation.yaml")).mutated);
}
