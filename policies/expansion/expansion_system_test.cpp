// Expanding a generator into its resultants (gatekeeper-expansion.md §2,
// §10 cases 8-21): the template source copied verbatim, apiVersion/kind of
// the generated GVK, name "<generator>-<kind>" lowercased, the namespace of
// the Namespace beside it or of the generator, mutators with source
// Generated applied, and recursion deepest first.
#include "policies/expansion/expansion_system.h"

#include <catch2/catch.hpp>

#include "policies/expansion/test_fixtures.h"
#include "policies/mutation/mutation_system.h"
#include "policies/test_support.h"
#include "rules/value/json.h"

using namespace tollgate::policies;
using namespace tollgate::policies::expansion;
using tollgate::policies::testing::check_same;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;
using namespace tollgate::policies::expansion::testing;

namespace {

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels: {app: nginx}
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        args: ["/bin/sh"]
)";

const char* kPodBase = R"(apiVersion: v1
kind: Pod
metadata:
  labels: {app: nginx}
  name: nginx-deployment-pod
  namespace: default
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    args: ["/bin/sh"]
)";

std::shared_ptr<const PolicySet> load(const std::string& text) {
  LoadResult r = PolicySet::from_objects(yaml_all(text));
  INFO(tollgate::policies::testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  return r.policies;
}

Value default_namespace() { return yaml("{apiVersion: v1, kind: Namespace, metadata: {name: default}}"); }

std::vector<Resultant> expand(const PolicySet& set, const Value& generator, const Value& ns = default_namespace()) {
  ExpandRequest request;
  request.generator = generator;
  request.namespace_object = ns;
  std::vector<Resultant> out;
  std::string error;
  INFO(error);
  REQUIRE(set.expansion().expand(request, &set.mutation(), &out, &error));
  return out;
}

std::string expand_error(const PolicySet& set, const Value& generator, const Value& ns = default_namespace()) {
  ExpandRequest request;
  request.generator = generator;
  request.namespace_object = ns;
  std::vector<Resultant> out;
  std::string error;
  CHECK_FALSE(set.expansion().expand(request, &set.mutation(), &out, &error));
  CHECK(out.empty());
  return error;
}

}  // namespace

TEST_CASE("a generator no template applies to expands to nothing", "[expansion]") {
  auto none = load(kAlwaysPullImage);
  CHECK(expand(*none, yaml(kDeployment)).empty());
  auto set = load(kExpandDeployments);
  CHECK(expand(*set, yaml("{apiVersion: myapp.sh/v1, kind: Cat, metadata: {name: big-chungus}}")).empty());
}

TEST_CASE("a Deployment expands into the Pod of its template, named and placed", "[expansion]") {
  auto set = load(kExpandDeployments);
  std::vector<Resultant> out = expand(*set, yaml(kDeployment));
  REQUIRE(out.size() == 1);
  check_same(out[0].object, yaml(kPodBase));
  CHECK(out[0].template_name == "expand-deployments");
  CHECK(out[0].enforcement_action.empty());
}

TEST_CASE("the template's enforcementAction goes with its resultants", "[expansion]") {
  auto set = load(std::string(kExpandDeployments) + "  enforcementAction: dryrun\n");
  std::vector<Resultant> out = expand(*set, yaml(kDeployment));
  REQUIRE(out.size() == 1);
  CHECK(out[0].enforcement_action == "dryrun");
}

TEST_CASE("mutators with source Generated apply to resultants", "[expansion]") {
  auto set = load(std::string(kExpandDeployments) + "---\n" + kAlwaysPullImage);
  std::vector<Resultant> out = expand(*set, yaml(kDeployment));
  REQUIRE(out.size() == 1);
  CHECK(out[0].object["spec"]["containers"].items()[0]["imagePullPolicy"] == Value::string("Always"));

  // A mutator for Original objects does not.
  std::string original = kAlwaysPullImage;
  original.replace(original.find("\"Generated\""), 11, "Original");
  auto only_original = load(std::string(kExpandDeployments) + "---\n" + original);
  check_same(expand(*only_original, yaml(kDeployment))[0].object, yaml(kPodBase));
}

TEST_CASE("without a Namespace the resultant takes the generator's namespace", "[expansion]") {
  auto set = load(kExpandDeployments);
  Value in_shop = yaml(kDeployment);
  in_shop = tollgate::value::with_entry(
      in_shop, "metadata", tollgate::value::with_entry(in_shop["metadata"], "namespace", Value::string("shop")));
  CHECK(expand(*set, in_shop, Value::null())[0].object["metadata"]["namespace"] == Value::string("shop"));
  // A nameless (gator's empty) Namespace leaves the resultant without one.
  Value empty_ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {}}");
  CHECK(expand(*set, in_shop, empty_ns)[0].object["metadata"].find("namespace") == nullptr);
  // And a generator without a namespace, with no Namespace, gives a resultant without one.
  CHECK(expand(*set, yaml(kDeployment), Value::null())[0].object["metadata"].find("namespace") == nullptr);
}

TEST_CASE("a mutator's match error aborts the expansion", "[expansion]") {
  std::string selective = kAlwaysPullImage;
  selective += "    namespaceSelector:\n      matchExpressions:\n      - key: admission.gatekeeper.sh/ignore\n"
               "        operator: DoesNotExist\n";
  auto set = load(std::string(kExpandDeployments) + "---\n" + selective);
  Value in_ns = yaml(kDeployment);
  in_ns = tollgate::value::with_entry(
      in_ns, "metadata", tollgate::value::with_entry(in_ns["metadata"], "namespace", Value::string("not-default")));
  // (How the mutation system words the mutator and the match error is its own business.)
  std::string error = expand_error(*set, in_ns, Value::null());
  CHECK(error.rfind("failed to mutate resultant resource nginx-deployment-pod: matching for mutator ", 0) == 0);
  CHECK(error.find(" failed for  Pod not-default nginx-deployment-pod: ") != std::string::npos);
  CHECK(error.find(" nginx-deployment-pod: failed to run Match criteria: namespace selector for namespace-scoped "
                   "object but missing Namespace") != std::string::npos);
}

TEST_CASE("expansion errors use Gatekeeper's words", "[expansion]") {
  auto set = load(kExpandDeployments);
  CHECK(expand_error(*set, yaml("{metadata: {name: nginx-deployment}, spec: {}}")) ==
        "cannot expand resource nginx-deployment with empty GVK");
  CHECK(expand_error(*set, yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {}}")) ==
        "could not find source field \"spec.template\" in resource d");
  CHECK(expand_error(*set, yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {template: 5}}"))
            .rfind("could not extract source field from unstructured: .spec.template accessor error: 5 is of the type",
                   0) == 0);
}

TEST_CASE("a CronJob expands to its Job and the Job's Pod, deepest first", "[expansion]") {
  auto set = load(R"(apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata: {name: expand-cronjobs}
spec:
  applyTo: [{groups: [batch], versions: [v1], kinds: [CronJob]}]
  templateSource: spec.jobTemplate
  generatedGVK: {group: batch, version: v1, kind: Job}
---
apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata: {name: expand-jobs}
spec:
  applyTo: [{groups: [batch], versions: [v1], kinds: [Job]}]
  templateSource: spec.template
  generatedGVK: {group: '', version: v1, kind: Pod}
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignMetadata
metadata: {name: demo-annotation-owner}
spec:
  match:
    source: All
    kinds: [{apiGroups: [''], kinds: [Pod]}]
  location: metadata.annotations.owner
  parameters: {assign: {value: admin}}
)");
  std::vector<Resultant> out = expand(*set, yaml(R"(
apiVersion: batch/v1
kind: CronJob
metadata: {name: my-cronjob}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: hello, image: busybox}]
          restartPolicy: OnFailure
)"));
  REQUIRE(out.size() == 2);
  CHECK(out[0].template_name == "expand-jobs");
  CHECK(out[0].object["kind"] == Value::string("Pod"));
  CHECK(out[0].object["metadata"] ==
        yaml("{name: my-cronjob-job-pod, namespace: default, annotations: {owner: admin}}"));
  CHECK(out[1].template_name == "expand-cronjobs");
  CHECK(out[1].object["apiVersion"] == Value::string("batch/v1"));
  CHECK(out[1].object["metadata"] == yaml("{name: my-cronjob-job, namespace: default}"));
}

TEST_CASE("templates that form a cycle are stored but never expand", "[expansion]") {
  auto t = [](const std::string& name, const std::string& from, const std::string& to) {
    ExpansionTemplate out;
    out.name = name;
    out.apply_to_entries = 1;
    out.apply_to = {{"group" + from, "v" + from, "kind" + from}};
    out.template_source = "spec.template";
    out.source_path = {"spec", "template"};
    out.generated = {"group" + to, "v" + to, "kind" + to};
    return out;
  };
  ExpansionSystem store;
  CHECK(store.upsert(t("t1-2", "1", "2")).empty());
  CHECK(store.upsert(t("t2-3", "2", "3")).empty());
  CHECK(store.upsert(t("t3-1", "3", "1")) == kCycleError);
  CHECK(store.upsert(t("t2-8", "2", "8")).empty());
  CHECK(store.upsert(t("t5", "5", "6")).empty());
  CHECK(store.size() == 5);
  for (const char* name : {"t1-2", "t2-3", "t3-1"}) CHECK(store.conflicting(name));
  for (const char* name : {"t2-8", "t5"}) CHECK_FALSE(store.conflicting(name));
  std::vector<const ExpansionTemplate*> for2 = store.templates_for({"group2", "v2", "kind2"});
  REQUIRE(for2.size() == 1);
  CHECK(for2[0]->name == "t2-8");

  // Breaking the cycle re-enables its members.
  CHECK(store.upsert(t("t3-1", "3", "4")).empty());
  for (const char* name : {"t1-2", "t2-3", "t3-1"}) CHECK_FALSE(store.conflicting(name));

  // An invalid template is not stored.
  ExpansionTemplate invalid = t("bad", "1", "1");
  CHECK(store.upsert(invalid) == "ExpansionTemplate bad generates GVK group1/v1, Kind=kind1, but also applies to that same GVK");
  CHECK(store.size() == 5);
}

TEST_CASE("a policy set refuses ExpansionTemplates that form a cycle, as gator does", "[expansion]") {
  LoadResult r = PolicySet::from_objects(yaml_all(std::string(kExpandDeployments) + R"(---
apiVersion: expansion.gatekeeper.sh/v1beta1
kind: ExpansionTemplate
metadata: {name: expand-pods}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  templateSource: spec.deployment
  generatedGVK: {group: apps, version: v1, kind: Deployment}
)"));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message == "error upserting template expand-pods: template forms expansion cycle");
  CHECK_FALSE(r.policies);
}
