#include "policies/mutation/mutation_system.h"

#include <catch2/catch.hpp>

#include "policies/mutation/compiled_mutation_system.h"
#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::mutation;
using namespace tollgate::policies::mutation::testing;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

// An Assign for Pods; `extra_spec` adds (or, for applyTo, replaces) spec
// fields, as later YAML keys win.
std::string assign_with(std::string_view name, std::string_view location, std::string_view parameters,
                        std::string_view extra_spec = "") {
  return "apiVersion: mutations.gatekeeper.sh/v1\nkind: Assign\nmetadata: {name: " + std::string(name) +
         "}\nspec:\n  location: '" + std::string(location) + "'\n  parameters: " + std::string(parameters) + "\n" +
         (extra_spec.find("applyTo") == std::string_view::npos
              ? "  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]\n"
              : "") +
         std::string(extra_spec) + "---\n";
}

std::string assign(std::string_view name, std::string_view location, std::string_view value,
                   std::string_view extra_spec = "") {
  return assign_with(name, location, "{assign: {value: " + std::string(value) + "}}", extra_spec);
}

const Value kPod = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {app: web}}
spec:
  containers:
  - {name: app, image: nginx}
)");

}  // namespace

TEST_CASE("mutation system: nothing to do leaves the object untouched", "[mutation]") {
  auto none = load("apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n");
  MutationResult empty = mutate(*none, kPod);
  CHECK_FALSE(empty.mutated);
  CHECK(empty.object.identity() == kPod.identity());
  CHECK(none->mutation().stats().mutators == 0);

  auto set = load(assign("noop", "spec.x", "1"));
  MutationResult r = mutate(*set, yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}"));
  CHECK_FALSE(r.mutated);
  CHECK_FALSE(r.failed);
  CHECK(r.iterations == 0);
  CHECK(r.applied.empty());
}

TEST_CASE("mutation system: writing a value already there is not a mutation", "[mutation]") {
  auto set = load(assign("name", "spec.containers[name: app].image", "nginx"));
  MutationResult r = mutate(*set, kPod);
  CHECK_FALSE(r.mutated);
  CHECK(r.iterations == 0);
  CHECK(r.object.identity() == kPod.identity());
}

TEST_CASE("mutation system: Assign, AssignImage, AssignMetadata, ModifySet, each by name", "[mutation]") {
  std::string yaml_text = R"(apiVersion: mutations.gatekeeper.sh/v1
kind: ModifySet
metadata: {name: a-set}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  location: spec.containers[name:*].args
  parameters: {values: {fromList: [--verbose]}}
---
apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata: {name: b-meta}
spec:
  location: metadata.labels.mutated
  parameters: {assign: {value: 'true'}}
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignImage
metadata: {name: c-image}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  location: spec.containers[name:*].image
  parameters: {assignTag: ':1.25'}
---
)" + assign("z-assign", "spec.containers[name: *].args", "[--port=80]") +
                          assign("d-assign", "spec.priority", "5");
  auto set = load(yaml_text);
  MutationResult r = mutate(*set, kPod);
  REQUIRE(r.mutated);
  CHECK(r.applied == std::vector<std::string>{"Assign/d-assign", "Assign/z-assign", "AssignImage/c-image",
                                              "AssignMetadata/b-meta", "ModifySet/a-set"});
  // The ModifySet ran after the Assign that replaced the list.
  CHECK(r.object["spec"]["containers"].items()[0]["args"] == yaml("[--port=80, --verbose]"));
  CHECK(r.object["spec"]["containers"].items()[0]["image"] == Value::string("nginx:1.25"));
  CHECK(r.object["metadata"]["labels"]["mutated"] == Value::string("true"));
  CHECK(r.iterations == 2);
}

TEST_CASE("mutation system: later mutators see earlier changes, passes run to a fixed point", "[mutation]") {
  // b-second writes spec.marker.x only once a-first has created spec.marker;
  // both run in one pass because a-first comes first.
  const char* needs_marker = "{assign: {value: 1}, pathTests: [{subPath: spec.marker, condition: MustExist}]}";
  const char* creates_marker =
      "{assign: {value: {on: true}}, pathTests: [{subPath: spec.marker, condition: MustNotExist}]}";
  auto ordered = load(assign_with("a-first", "spec.marker", creates_marker) +
                      assign_with("b-second", "spec.marker.x", needs_marker));
  MutationResult r = mutate(*ordered, kPod);
  REQUIRE(r.mutated);
  CHECK(r.object["spec"]["marker"] == yaml("{on: true, x: 1}"));
  CHECK(r.iterations == 2);

  // Reversed names: the dependent mutator comes first and needs a second pass.
  auto reversed = load(assign_with("b-first", "spec.marker", creates_marker) +
                       assign_with("a-second", "spec.marker.x", needs_marker));
  MutationResult again = mutate(*reversed, kPod);
  REQUIRE(again.mutated);
  CHECK(again.object["spec"]["marker"] == yaml("{on: true, x: 1}"));
  CHECK(again.iterations == 3);
  CHECK(again.applied == std::vector<std::string>{"Assign/b-first", "Assign/a-second"});
}

TEST_CASE("mutation system: the last writer of a field wins", "[mutation]") {
  auto set = load(assign("a", "spec.priority", "1") + assign("b", "spec.priority", "2"));
  MutationResult r = mutate(*set, kPod);
  CHECK(r.object["spec"]["priority"] == Value::integer(2));
  CHECK(r.applied == std::vector<std::string>{"Assign/a", "Assign/b"});
}

namespace {

// A mutator that never converges: it appends to a list on every call.
class Grower final : public Mutator {
 public:
  Grower() {
    id_ = {"Assign", "", "grower"};
    PathError e;
    location_ = *parse_location("spec.items", &e);
  }
  PathMutation mutate(const Value& object) const override {
    PathMutation out;
    out.mutated = true;
    std::vector<Value> items;
    if (const Value* list = object.path({"spec", "items"})) items = list->items();
    items.push_back(Value::integer(static_cast<int64_t>(items.size())));
    out.object = tollgate::value::with_entry(object, "spec",
                                             tollgate::value::with_entry(object["spec"], "items", Value::array(items)));
    return out;
  }
};

}  // namespace

TEST_CASE("mutation system: mutators that never settle are an error", "[mutation]") {
  std::vector<std::unique_ptr<const Mutator>> mutators;
  mutators.push_back(std::make_unique<Grower>());
  auto system = build_mutation_system(std::move(mutators), {});
  MutationRequest req;
  req.object = kPod;
  req.request = admission_request_for_object(kPod, "CREATE");
  MutationResult r = system->mutate(req);
  CHECK(r.failed);
  CHECK_FALSE(r.mutated);
  CHECK(r.iterations == 2);  // one mutator: at most two passes
  CHECK(r.error.rfind("mutation not converging: mutation ", 0) == 0);
  CHECK(r.error.find(" not converging for  Pod prod web") != std::string::npos);
}

TEST_CASE("mutation system: operations filter mutators", "[mutation]") {
  auto set = load(assign("on-create", "spec.created", "true",
                         "  applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: [CREATE]}]\n") +
                  assign("always", "spec.always", "true"));
  MutationResult create = mutate(*set, kPod, "CREATE");
  CHECK(create.object["spec"]["created"] == Value::boolean(true));
  CHECK(create.object["spec"]["always"] == Value::boolean(true));
  MutationResult update = mutate(*set, kPod, "UPDATE");
  CHECK(update.object["spec"].find("created") == nullptr);
  CHECK(update.object["spec"]["always"] == Value::boolean(true));
  // No operation (gator): only mutators for every operation.
  MutationResult offline = mutate(*set, kPod, "");
  CHECK(offline.object["spec"].find("created") == nullptr);
  CHECK(offline.object["spec"]["always"] == Value::boolean(true));
  MutationResult del = mutate(*set, kPod, "DELETE");
  CHECK_FALSE(del.mutated);
}

TEST_CASE("mutation system: the request namespace is used for matching and restored", "[mutation]") {
  auto set = load(R"(apiVersion: mutations.gatekeeper.sh/v1
kind: Assign
metadata: {name: ns}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  match: {namespaces: [prod]}
  location: spec.namespaceCopy
  parameters: {assign: {fromMetadata: {field: namespace}}}
)");
  Value pod = yaml("{apiVersion: v1, kind: Pod, metadata: {name: web}}");
  MutationRequest req;
  req.object = pod;
  req.request = yaml("{operation: CREATE, namespace: prod, name: web}");
  MutationResult r = set->mutation().mutate(req);
  REQUIRE(r.mutated);
  CHECK(r.object["spec"]["namespaceCopy"] == Value::string("prod"));
  CHECK(r.object["metadata"] == yaml("{name: web}"));

  req.request = yaml("{operation: CREATE, namespace: dev, name: web}");
  CHECK_FALSE(set->mutation().mutate(req).mutated);
}

TEST_CASE("mutation system: namespaceSelector uses the request's Namespace, then the loaded ones", "[mutation]") {
  std::string mutator = R"(apiVersion: mutations.gatekeeper.sh/v1
kind: Assign
metadata: {name: restricted}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  match: {namespaceSelector: {matchLabels: {tier: restricted}}}
  location: spec.securityContext.runAsNonRoot
  parameters: {assign: {value: true}}
)";
  auto with_inventory =
      load(mutator + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {tier: restricted}}\n");
  CHECK(mutate(*with_inventory, kPod).mutated);

  auto without = load(mutator);
  MutationResult unknown = mutate(*without, kPod);
  CHECK(unknown.failed);
  CHECK(unknown.error.rfind("matching for mutator {mutations.gatekeeper.sh Assign  restricted} failed for  Pod prod "
                            "web: ",
                            0) == 0);
  CHECK(unknown.error.find("namespace selector for namespace-scoped object but missing Namespace") !=
        std::string::npos);

  MutationRequest req;
  req.object = kPod;
  req.request = admission_request_for_object(kPod, "CREATE");
  req.namespace_object = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {tier: open}}}");
  MutationResult open = without->mutation().mutate(req);
  CHECK_FALSE(open.failed);
  CHECK_FALSE(open.mutated);
  // The request's Namespace wins over the loaded one.
  CHECK_FALSE(with_inventory->mutation().mutate(req).mutated);

  // Cluster-scoped objects match a namespaceSelector without a Namespace.
  Value node = yaml("{apiVersion: v1, kind: Pod, metadata: {name: static}}");
  CHECK(mutate(*without, node).mutated);
}

TEST_CASE("mutation system: match criteria select objects", "[mutation]") {
  auto set = load(assign("labelled", "spec.labelled", "true",
                         "  match: {labelSelector: {matchLabels: {app: web}}, excludedNamespaces: [kube-*]}\n"));
  CHECK(mutate(*set, kPod).mutated);
  Value other = yaml("{apiVersion: v1, kind: Pod, metadata: {name: db, namespace: prod, labels: {app: db}}}");
  CHECK_FALSE(mutate(*set, other).mutated);
  Value system_pod =
      yaml("{apiVersion: v1, kind: Pod, metadata: {name: web, namespace: kube-system, labels: {app: web}}}");
  CHECK_FALSE(mutate(*set, system_pod).mutated);
}

TEST_CASE("mutation system: a label added by AssignMetadata is seen by later matches", "[mutation]") {
  auto set = load(R"(apiVersion: mutations.gatekeeper.sh/v1
kind: AssignMetadata
metadata: {name: tag}
spec:
  location: metadata.labels.sidecar
  parameters: {assign: {value: enabled}}
---
apiVersion: mutations.gatekeeper.sh/v1
kind: ModifySet
metadata: {name: args}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  match: {labelSelector: {matchLabels: {sidecar: enabled}}}
  location: spec.containers[name:*].args
  parameters: {values: {fromList: [--sidecar]}}
)");
  MutationResult r = mutate(*set, kPod);
  CHECK(r.object["spec"]["containers"].items()[0]["args"] == yaml("[--sidecar]"));
}

TEST_CASE("mutation system: the object must be a JSON object", "[mutation]") {
  auto set = load(assign("a", "spec.x", "1"));
  MutationRequest req;
  req.object = Value::string("nope");
  MutationResult r = set->mutation().mutate(req);
  CHECK(r.failed);
  CHECK(r.error == "the object to mutate must be a JSON object, got string");
}

TEST_CASE("mutation system: duplicate mutators are load errors, versions share an identity", "[mutation]") {
  std::string twice = assign("same", "spec.x", "1") + assign("same", "spec.y", "2");
  CHECK(load_error(twice) == "duplicate mutator Assign/same");
  std::string v1beta1 = assign("same", "spec.x", "1");
  v1beta1.replace(v1beta1.find("/v1\n"), 4, "/v1beta1\n");
  CHECK(load_error(assign("same", "spec.y", "2") + v1beta1) == "duplicate mutator Assign/same");
  // Different kinds may share a name.
  CHECK(load_errors(assign("same", "spec.x", "1") + R"(apiVersion: mutations.gatekeeper.sh/v1
kind: ModifySet
metadata: {name: same}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  location: spec.args
  parameters: {values: {fromList: [a]}}
)")
            .empty());
}

TEST_CASE("mutation system: unsupported versions are load errors", "[mutation]") {
  std::string v2 = assign("a", "spec.x", "1");
  v2.replace(v2.find("/v1\n"), 4, "/v2\n");
  CHECK(load_error(v2) == "unsupported Assign apiVersion mutations.gatekeeper.sh/v2 (v1, v1beta1, v1alpha1)");
  CHECK(load_error("apiVersion: mutations.gatekeeper.sh/v1\nkind: Mutilate\nmetadata: {name: x}\n") ==
        "unsupported object kind Mutilate (apiVersion mutations.gatekeeper.sh/v1)");
}
