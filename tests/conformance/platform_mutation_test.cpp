// The platform pack's mutation defaults as a user sees them. Every example in
// policies/examples is mutated by the pack (templates, constraints and
// mutators of policies/library, loaded as `tollgate serve` loads them) the
// way the /mutate webhook would on CREATE, and must come out with exactly the
// documented defaults. The pack's constraints must then admit it, while still
// refusing an object whose author wrote a bad value: the mutators only fill
// in what is absent, so an explicit value escapes them and meets the paired
// constraint.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "policies/mutation/mutation_system.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace {

namespace pol = tollgate::policies;
using pol::testing::check_same;
using pol::testing::yaml;
using tollgate::value::Value;

const std::string kLibrary = std::string(TOLLGATE_SOURCE_DIR) + "/policies/library";
const std::string kExamples = std::string(TOLLGATE_SOURCE_DIR) + "/policies/examples";

const pol::LoadResult& load_pack() {
  static const pol::LoadResult loaded =
      pol::PolicySet::load({kLibrary + "/templates", kLibrary + "/constraints", kLibrary + "/mutators"});
  return loaded;
}

const pol::PolicySet& pack() {
  const pol::LoadResult& loaded = load_pack();
  INFO(pol::testing::joined_errors(loaded.errors));
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.policies);
  return *loaded.policies;
}

// Every document of policies/examples/<file>.
std::vector<Value> example(const std::string& file) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  INFO(file << ": " << error.message);
  REQUIRE(tollgate::value::load_yaml_file(kExamples + "/" + file, &docs, &error));
  std::vector<Value> objects;
  for (const auto& d : docs) objects.push_back(d.value);
  return objects;
}

pol::mutation::MutationResult mutate(const Value& object, std::string_view operation = "CREATE") {
  pol::mutation::MutationRequest request;
  request.object = object;
  request.request = pol::admission_request_for_object(object, operation);
  pol::mutation::MutationResult result = pack().mutation().mutate(request);
  INFO(result.error);
  REQUIRE_FALSE(result.failed);
  return result;
}

// The object as admitted after mutation on CREATE.
Value defaulted(const Value& object) { return mutate(object).object; }

// "<constraint>: <message>" for every result of validating the object on
// CREATE, sorted.
std::vector<std::string> refusals(const Value& object) {
  pol::ReviewInput input;
  input.request = pol::admission_request_for_object(object, "CREATE");
  pol::Decision decision = pack().validate(input);
  std::vector<std::string> out;
  for (const pol::Result& r : decision.results) out.push_back(r.constraint_name + ": " + r.message);
  std::sort(out.begin(), out.end());
  CHECK(decision.allowed == out.empty());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The object with the value at `path` replaced (keys for objects, decimal
// indices for arrays; missing objects on the way are created).
Value with_value_at(const Value& v, const std::vector<std::string>& path, const Value& leaf, size_t depth = 0) {
  if (depth == path.size()) return leaf;
  const std::string& step = path[depth];
  if (v.is_array()) {
    std::vector<Value> items = v.items();
    size_t i = std::stoul(step);
    REQUIRE(i < items.size());
    items[i] = with_value_at(items[i], path, leaf, depth + 1);
    return Value::array(std::move(items));
  }
  const Value* child = v.is_object() ? v.find(step) : nullptr;
  Value base = v.is_object() ? v : Value::empty_object();
  return tollgate::value::with_entry(base, step, with_value_at(child ? *child : Value(), path, leaf, depth + 1));
}

// Defaults are reached in one pass, and a second admission (kube-apiserver
// reinvokes webhooks) changes nothing.
void check_settled(const Value& after) {
  pol::mutation::MutationResult again = mutate(after);
  CHECK_FALSE(again.mutated);
  check_same(again.object, after);
}

}  // namespace

TEST_CASE("the platform pack loads its mutators without conflicts", "[platform-mutation]") {
  const pol::PolicySet& policies = pack();
  pol::mutation::MutatorStats stats = policies.mutation().stats();
  INFO([&] {
    std::string all;
    for (const std::string& c : policies.mutation().conflicts()) all += c + "\n";
    return all;
  }());
  CHECK(stats.mutators == 37);
  CHECK(stats.conflicting == 0);
  CHECK(policies.stats().constraints == 15);
}

TEST_CASE("WebApplication: replicas, resources, autoscaling bounds, mesh and Backstage id", "[platform-mutation]") {
  Value before = example("webapplication.yaml").at(0);
  pol::mutation::MutationResult result = mutate(before);
  CHECK(result.mutated);
  CHECK(sorted(result.applied) == std::vector<std::string>{
                                      "Assign/webapplication-default-autoscaling-max",
                                      "Assign/webapplication-default-autoscaling-min",
                                      "Assign/webapplication-default-cpu-limit",
                                      "Assign/webapplication-default-cpu-request",
                                      "Assign/webapplication-default-memory-limit",
                                      "Assign/webapplication-default-memory-request",
                                      "Assign/webapplication-default-replicas",
                                      "AssignMetadata/backstage-kubernetes-id",
                                      "AssignMetadata/webapplication-istio-sidecar",
                                  });
  check_same(result.object, yaml(R"(
apiVersion: platform.io/v1alpha1
kind: WebApplication
metadata:
  name: storefront
  namespace: shop-prod
  labels:
    owner: jane.doe
    team: web
    sidecar.istio.io/inject: "true"
    backstage.io/kubernetes-id: storefront
spec:
  image: registry.corp/web/storefront:3.0.1
  port: 8080
  replicas: 2
  resources:
    requests:
      cpu: 100m
      memory: 128Mi
    limits:
      cpu: 500m
      memory: 512Mi
  autoscaling:
    targetCPUUtilizationPercentage: 70
    minReplicas: 2
    maxReplicas: 10
)"));
  check_settled(result.object);

  SECTION("the pack refuses the example as written and admits it defaulted") {
    CHECK(refusals(before) == std::vector<std::string>{
                                  "webapplications-highly-available-in-prod: WebApplication storefront must run at "
                                  "least 2 replicas here; spec.replicas is 1",
                                  "webapplications-must-join-the-mesh: WebApplication storefront is missing required "
                                  "labels: sidecar.istio.io/inject",
                                  "webapplications-must-set-resources: WebApplication storefront must set "
                                  "spec.resources requests.cpu, requests.memory, limits.cpu, limits.memory",
                              });
    CHECK(refusals(result.object).empty());
  }
  SECTION("values the author wrote are kept, and a bad one is refused") {
    Value one_replica = with_value_at(before, {"spec", "replicas"}, Value::integer(1));
    Value after = defaulted(one_replica);
    CHECK(after["spec"]["replicas"] == Value::integer(1));
    CHECK(refusals(after) == std::vector<std::string>{
                                 "webapplications-highly-available-in-prod: WebApplication storefront must run at "
                                 "least 2 replicas here; spec.replicas is 1",
                             });

    Value big_request = with_value_at(before, {"spec", "resources", "requests", "memory"}, Value::string("1Gi"));
    after = defaulted(big_request);
    CHECK(after["spec"]["resources"]["requests"]["memory"] == Value::string("1Gi"));
    CHECK(after["spec"]["resources"]["limits"]["memory"] == Value::string("512Mi"));
    CHECK(refusals(after) == std::vector<std::string>{
                                 "webapplications-must-set-resources: WebApplication storefront requests more than "
                                 "its limit: memory 1Gi > 512Mi",
                             });

    Value opted_out =
        with_value_at(before, {"metadata", "labels", "sidecar.istio.io/inject"}, Value::string("false"));
    after = defaulted(opted_out);
    CHECK(after["metadata"]["labels"]["sidecar.istio.io/inject"] == Value::string("false"));
    CHECK(refusals(after) == std::vector<std::string>{
                                 "webapplications-must-join-the-mesh: WebApplication storefront has labels that do "
                                 "not match their allowed pattern: sidecar.istio.io/inject=false (must match ^true$)",
                             });

    Value wide = with_value_at(before, {"spec", "autoscaling", "maxReplicas"}, Value::integer(50));
    after = defaulted(wide);
    CHECK(after["spec"]["autoscaling"]["minReplicas"] == Value::integer(2));
    CHECK(refusals(after) == std::vector<std::string>{
                                 "webapplications-scale-within-bounds: WebApplication storefront may scale to at "
                                 "most 20 replicas; spec.autoscaling.maxReplicas is 50",
                             });
  }
  SECTION("autoscaling bounds are only filled in when autoscaling is asked for") {
    Value without = yaml(R"(
apiVersion: platform.io/v1alpha1
kind: WebApplication
metadata:
  name: docs
  namespace: shop
spec:
  image: registry.corp/web/docs:1.0.0
)");
    Value after = defaulted(without);
    CHECK(after["spec"].find("autoscaling") == nullptr);
    CHECK(after["spec"]["replicas"] == Value::integer(2));
  }
  SECTION("the platform's own namespaces are left alone") {
    Value in_system = with_value_at(before, {"metadata", "namespace"}, Value::string("istio-system"));
    CHECK_FALSE(mutate(in_system).mutated);
  }
}

TEST_CASE("PlatformApp: environment dev, prod in <team>-prod namespaces", "[platform-mutation]") {
  Value before = example("platformapp.yaml").at(0);
  pol::mutation::MutationResult result = mutate(before);
  CHECK(sorted(result.applied) == std::vector<std::string>{
                                      "Assign/platformapp-default-environment",
                                      "AssignMetadata/backstage-kubernetes-id",
                                  });
  check_same(result.object, yaml(R"(
apiVersion: platform.io/v1alpha1
kind: PlatformApp
metadata:
  name: payments
  namespace: payments
  labels:
    owner: jane.doe
    team: payments
    backstage.io/kubernetes-id: payments
spec:
  environment: dev
  components:
    - name: api
      image: registry.corp/payments/api:1.4.2
)"));
  check_settled(result.object);
  CHECK(refusals(result.object).empty());

  Value in_prod = defaulted(with_value_at(before, {"metadata", "namespace"}, Value::string("payments-prod")));
  CHECK(in_prod["spec"]["environment"] == Value::string("prod"));
  CHECK(refusals(in_prod).empty());

  Value unknown = defaulted(with_value_at(before, {"spec", "environment"}, Value::string("production")));
  CHECK(unknown["spec"]["environment"] == Value::string("production"));
  CHECK(refusals(unknown) == std::vector<std::string>{
                                 "platformapps-environment-is-known: PlatformApp payments: spec.environment must be "
                                 "one of dev, staging, prod; it is production",
                             });
}

TEST_CASE("PostgreSQL claims and composites: size small", "[platform-mutation]") {
  std::vector<Value> before = example("xpostgresqlinstance.yaml");
  REQUIRE(before.size() == 2);
  check_same(defaulted(before[0]), yaml(R"(
apiVersion: database.platform.io/v1alpha1
kind: PostgreSQLInstance
metadata:
  name: orders-db
  namespace: shop
spec:
  parameters:
    version: "16"
    size: small
  writeConnectionSecretToRef:
    name: orders-db-connection
)"));
  check_same(defaulted(before[1]), yaml(R"(
apiVersion: database.platform.io/v1alpha1
kind: XPostgreSQLInstance
metadata:
  name: platform-audit-db
spec:
  parameters:
    version: "16"
    size: small
  writeConnectionSecretToRef:
    name: platform-audit-db-connection
    namespace: crossplane-system
)"));
  for (const Value& object : before) {
    check_settled(defaulted(object));
    CHECK(refusals(defaulted(object)).empty());
  }

  Value huge = defaulted(with_value_at(before[0], {"spec", "parameters", "size"}, Value::string("huge")));
  CHECK(huge["spec"]["parameters"]["size"] == Value::string("huge"));
  CHECK(refusals(huge) == std::vector<std::string>{
                              "databases-size-is-known: PostgreSQLInstance orders-db: spec.parameters.size must be "
                              "one of small, medium, large; it is huge",
                          });
}

TEST_CASE("Argo CD Application: the namespace's project and automated sync", "[platform-mutation]") {
  Value before = example("application.yaml").at(0);
  pol::mutation::MutationResult result = mutate(before);
  CHECK(sorted(result.applied) == std::vector<std::string>{
                                      "Assign/application-default-project",
                                      "Assign/application-default-sync-prune",
                                      "Assign/application-default-sync-self-heal",
                                  });
  check_same(result.object, yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: storefront
  namespace: shop
spec:
  project: shop
  source:
    repoURL: https://git.corp/web/storefront-deploy.git
    targetRevision: main
    path: overlays/dev
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
)"));
  check_settled(result.object);
  CHECK(refusals(result.object).empty());

  Value no_prune = defaulted(with_value_at(before, {"spec", "syncPolicy", "automated", "prune"}, Value::boolean(false)));
  CHECK(no_prune["spec"]["syncPolicy"]["automated"]["prune"] == Value::boolean(false));
  CHECK(no_prune["spec"]["syncPolicy"]["automated"]["selfHeal"] == Value::boolean(true));

  Value default_project = defaulted(with_value_at(before, {"spec", "project"}, Value::string("default")));
  CHECK(default_project["spec"]["project"] == Value::string("default"));
  CHECK(refusals(default_project) ==
        std::vector<std::string>{
            "applications-must-not-use-default-project: Application storefront: spec.project may not be default (use "
            "your namespace's AppProject, the default when spec.project is left out)",
        });

  Value platform_app = with_value_at(before, {"metadata", "namespace"}, Value::string("argocd"));
  CHECK_FALSE(mutate(platform_app).mutated);
}

TEST_CASE("Pod: non-root, RuntimeDefault seccomp, no privilege escalation, IfNotPresent", "[platform-mutation]") {
  Value before = example("pod.yaml").at(0);
  pol::mutation::MutationResult result = mutate(before);
  check_same(result.object, yaml(R"(
apiVersion: v1
kind: Pod
metadata:
  name: report-runner
  namespace: shop
  labels:
    app: report-runner
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  initContainers:
    - name: fetch-templates
      image: registry.corp/tools/fetch:2.1.0
      imagePullPolicy: IfNotPresent
      securityContext:
        allowPrivilegeEscalation: false
      resources:
        limits:
          cpu: 100m
          memory: 64Mi
  containers:
    - name: report
      image: registry.corp/shop/report:1.8.2
      imagePullPolicy: IfNotPresent
      securityContext:
        allowPrivilegeEscalation: false
      resources:
        limits:
          cpu: 500m
          memory: 256Mi
    - name: uploader
      image: registry.corp/tools/uploader:0.9.4
      imagePullPolicy: Always
      securityContext:
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
      resources:
        limits:
          cpu: 100m
          memory: 64Mi
)"));
  check_settled(result.object);

  SECTION("the pack refuses the Pod as written and admits it defaulted") {
    CHECK(refusals(before) ==
          std::vector<std::string>{
              "containers-must-not-escalate-privileges: containers must set securityContext.allowPrivilegeEscalation "
              "to false: report (not set), uploader (not set), fetch-templates (not set)",
              "pods-must-run-as-non-root: containers must run with securityContext.runAsNonRoot true (their own or "
              "the pod's): report, uploader, fetch-templates",
              "pods-must-use-seccomp: containers must use a seccomp profile of type RuntimeDefault or Localhost (on "
              "the container or the pod): report (not set), uploader (not set), fetch-templates (not set)",
          });
    CHECK(refusals(result.object).empty());
  }
  SECTION("explicit bad values are kept and refused") {
    Value bad = with_value_at(before, {"spec", "containers", "1", "securityContext", "allowPrivilegeEscalation"},
                              Value::boolean(true));
    bad = with_value_at(bad, {"spec", "containers", "0", "securityContext", "runAsNonRoot"}, Value::boolean(false));
    bad = with_value_at(bad, {"spec", "securityContext", "seccompProfile", "type"}, Value::string("Unconfined"));
    Value after = defaulted(bad);
    CHECK(after["spec"]["containers"].items()[1]["securityContext"]["allowPrivilegeEscalation"] ==
          Value::boolean(true));
    CHECK(after["spec"]["securityContext"]["runAsNonRoot"] == Value::boolean(true));
    CHECK(refusals(after) ==
          std::vector<std::string>{
              "containers-must-not-escalate-privileges: containers must set securityContext.allowPrivilegeEscalation "
              "to false: uploader (true)",
              "pods-must-run-as-non-root: containers must run with securityContext.runAsNonRoot true (their own or "
              "the pod's): report",
              "pods-must-use-seccomp: containers must use a seccomp profile of type RuntimeDefault or Localhost (on "
              "the container or the pod): report (Unconfined), uploader (Unconfined), fetch-templates (Unconfined)",
          });
  }
  SECTION("a Pod that already exists is not changed on UPDATE: its containers are immutable") {
    CHECK_FALSE(mutate(before, "UPDATE").mutated);
  }
}

TEST_CASE("Deployment: pod template defaults and Backstage id", "[platform-mutation]") {
  Value before = example("deployment.yaml").at(0);
  pol::mutation::MutationResult result = mutate(before);
  check_same(result.object, yaml(R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels:
    owner: jane.doe
    team: payments
    backstage.io/kubernetes-id: checkout
spec:
  replicas: 3
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
        backstage.io/kubernetes-id: checkout
    spec:
      securityContext:
        fsGroup: 2000
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: checkout
          image: registry.corp/payments/checkout:2.4.1
          imagePullPolicy: IfNotPresent
          securityContext:
            allowPrivilegeEscalation: false
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 200m
              memory: 256Mi
            limits:
              cpu: "1"
              memory: 512Mi
)"));
  check_settled(result.object);
  CHECK(refusals(result.object).empty());

  SECTION("the pod template is defaulted on UPDATE too: it is mutable") {
    check_same(mutate(before, "UPDATE").object, result.object);
  }
  SECTION("an explicit escalation is kept and refused") {
    Value bad = with_value_at(
        before, {"spec", "template", "spec", "containers", "0", "securityContext", "allowPrivilegeEscalation"},
        Value::boolean(true));
    Value after = defaulted(bad);
    CHECK(refusals(after) ==
          std::vector<std::string>{
              "containers-must-not-escalate-privileges: containers must set securityContext.allowPrivilegeEscalation "
              "to false: checkout (true)",
          });
  }
  SECTION("an explicit Backstage id is kept on the Deployment") {
    Value named = with_value_at(before, {"metadata", "labels", "backstage.io/kubernetes-id"}, Value::string("shop"));
    Value after = defaulted(named);
    CHECK(after["metadata"]["labels"]["backstage.io/kubernetes-id"] == Value::string("shop"));
  }
  SECTION("the platform's own namespaces are left alone") {
    Value in_system = with_value_at(before, {"metadata", "namespace"}, Value::string("kube-system"));
    CHECK_FALSE(mutate(in_system).mutated);
  }
}

TEST_CASE("Job and CronJob pod templates get the same security defaults", "[platform-mutation]") {
  Value cronjob = yaml(R"(
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  namespace: shop
  labels:
    owner: jane.doe
    team: reporting
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.corp/shop/report:1.8.2
              resources:
                limits:
                  cpu: 500m
                  memory: 256Mi
)");
  Value after = defaulted(cronjob);
  const Value& pod_spec = after["spec"]["jobTemplate"]["spec"]["template"]["spec"];
  check_same(pod_spec["securityContext"], yaml("runAsNonRoot: true\nseccompProfile:\n  type: RuntimeDefault\n"));
  check_same(pod_spec["containers"].items()[0]["securityContext"], yaml("allowPrivilegeEscalation: false\n"));
  CHECK(pod_spec["containers"].items()[0]["imagePullPolicy"] == Value::string("IfNotPresent"));
  CHECK(after["metadata"]["labels"]["backstage.io/kubernetes-id"] == Value::string("nightly-report"));
  CHECK(after["spec"]["jobTemplate"]["metadata"]["labels"]["backstage.io/kubernetes-id"] ==
        Value::string("nightly-report"));
  CHECK(after["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]["backstage.io/kubernetes-id"] ==
        Value::string("nightly-report"));
  CHECK(refusals(after).empty());

  // A Job made from that CronJob carries the template's labels and settings.
  Value job = yaml(R"(
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  labels:
    owner: jane.doe
    team: reporting
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.corp/shop/migrate:1.2.3
          resources:
            limits:
              cpu: 500m
              memory: 256Mi
)");
  Value job_after = defaulted(job);
  check_same(job_after["spec"]["template"]["spec"]["securityContext"],
             yaml("runAsNonRoot: true\nseccompProfile:\n  type: RuntimeDefault\n"));
  CHECK(job_after["metadata"]["labels"].find("backstage.io/kubernetes-id") == nullptr);
  CHECK(refusals(job_after).empty());
  // A Job's template is immutable: nothing is added on UPDATE.
  CHECK_FALSE(mutate(job, "UPDATE").mutated);
}
