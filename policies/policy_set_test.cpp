#include "policies/policy_set.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "policies/review_request.h"
#include "policies/test_support.h"
#include "rules/value/json.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;

namespace {

const std::string kRequiredLabels = std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/requiredlabels";

using tollgate::policies::testing::kDenyAllTemplate;

std::shared_ptr<const PolicySet> policies(const std::string& constraints_yaml, LoadOptions options = {}) {
  std::vector<Value> objects = yaml_all(kDenyAllTemplate);
  for (Value& v : yaml_all(constraints_yaml)) objects.push_back(v);
  LoadResult r = PolicySet::from_objects(objects, options);
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  return r.policies;
}

Value request(const Value& object, std::string_view operation = "CREATE") {
  Value r = admission_request_for_object(object, operation);
  return r;
}

ReviewInput review(const Value& object, std::string_view operation = "CREATE",
                   const char* point = kValidationPoint) {
  ReviewInput in;
  in.request = request(object, operation);
  in.enforcement_point = point;
  return in;
}

const Value kPod = yaml("{apiVersion: v1, kind: Pod, metadata: {name: web, namespace: prod}}");

struct RecordingObserver : ReviewObserver {
  std::vector<std::string> seen;
  void constraint_evaluated(const std::string& kind, const std::string& name, const std::string& action,
                            std::chrono::nanoseconds duration, size_t violations) override {
    seen.push_back(kind + "/" + name + " " + action + " " + std::to_string(violations));
  }
};

}  // namespace

TEST_CASE("policy set: the library requiredlabels template denies a Namespace without owner", "[policy_set]") {
  LoadResult r = PolicySet::load({kRequiredLabels + "/template.yaml",
                                  kRequiredLabels + "/samples/all-must-have-owner/constraint.yaml"});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);

  auto sample = [](const std::string& file) {
    std::vector<tollgate::value::YamlDocument> docs;
    tollgate::value::YamlError err;
    REQUIRE(tollgate::value::load_yaml_file(kRequiredLabels + "/samples/all-must-have-owner/" + file, &docs, &err));
    return docs.at(0).value;
  };

  Decision denied = r.policies->validate(review(sample("example_disallowed.yaml")));
  CHECK_FALSE(denied.allowed);
  CHECK(denied.code == 403);
  CHECK(denied.reason == "Forbidden");
  CHECK(denied.message ==
        "[all-must-have-owner] missing required label, requires all of: owner\n[all-must-have-owner] regex mismatch");

  Decision bad_value = r.policies->validate(review(sample("example_disallowed_label_value.yaml")));
  CHECK_FALSE(bad_value.allowed);
  CHECK(bad_value.message == "[all-must-have-owner] regex mismatch");

  Decision allowed = r.policies->validate(review(sample("example_allowed.yaml")));
  CHECK(allowed.allowed);
  CHECK(allowed.code == 200);
  CHECK(allowed.results.empty());
}

TEST_CASE("policy set: results carry the constraint and its action", "[policy_set]") {
  auto set = policies("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: K8sDenyAll, metadata: {name: c1}, spec: {enforcementAction: warn}}");
  Decision d = set->validate(review(kPod));
  CHECK(d.allowed);
  CHECK(d.code == 299);
  CHECK(d.warnings == std::vector<std::string>{"[c1] denied web"});
  REQUIRE(d.results.size() == 1);
  CHECK(d.results[0].constraint_kind == "K8sDenyAll");
  CHECK(d.results[0].enforcement_action == "warn");
  CHECK(d.results[0].constraint["metadata"]["name"].string_or("") == "c1");
  CHECK(d.results[0].details.is_object());
}

TEST_CASE("policy set: only constraints whose match selects the object run", "[policy_set]") {
  auto set = policies(R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: pods}
spec: {match: {kinds: [{apiGroups: [''], kinds: [Pod]}]}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: deployments}
spec: {match: {kinds: [{apiGroups: [apps], kinds: [Deployment]}]}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: dev-only}
spec: {match: {namespaces: [dev]}}
)");
  RecordingObserver observer;
  Decision d = set->validate(review(kPod), &observer);
  CHECK(d.message == "[pods] denied web");
  CHECK(observer.seen == std::vector<std::string>{"K8sDenyAll/pods deny 1"});
}

TEST_CASE("policy set: scoped constraints run only where an action is in force", "[policy_set]") {
  auto set = policies(R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: gator-only}
spec:
  enforcementAction: scoped
  scopedEnforcementActions: [{action: deny, enforcementPoints: [{name: gator.gatekeeper.sh}]}]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: webhook-warn}
spec:
  enforcementAction: scoped
  scopedEnforcementActions: [{action: warn, enforcementPoints: [{name: validation.gatekeeper.sh}]}]
)");
  Decision webhook = set->validate(review(kPod));
  CHECK(webhook.allowed);
  CHECK(webhook.warnings == std::vector<std::string>{"[webhook-warn] denied web"});
  REQUIRE(webhook.results.size() == 1);
  CHECK(webhook.results[0].enforcement_action == "scoped");
  CHECK(webhook.results[0].scoped_actions == std::vector<std::string>{"warn"});

  Decision gator = set->validate(review(kPod, "", kGatorPoint));
  CHECK_FALSE(gator.allowed);
  CHECK(gator.message == "[gator-only] denied web");
}

TEST_CASE("policy set: template operations filter only at the validation webhook", "[policy_set]") {
  std::string tmpl = kDenyAllTemplate;
  tmpl.replace(tmpl.find("k8sdenyall"), 10, "k8screateonly");
  tmpl.replace(tmpl.find("K8sDenyAll"), 10, "K8sCreateOnly");
  tmpl.replace(tmpl.find("    code:"), 0, "    operations: [CREATE]\n");
  LoadResult r = PolicySet::from_objects(
      {yaml(tmpl), yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: K8sCreateOnly, metadata: {name: c}}")});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  CHECK_FALSE(r.policies->validate(review(kPod, "CREATE")).allowed);
  ReviewInput update = review(kPod, "UPDATE");
  update.request = tollgate::value::with_entry(update.request, "oldObject", kPod);
  CHECK(r.policies->validate(update).allowed);
  CHECK_FALSE(r.policies->validate(review(kPod, "UPDATE", kAuditPoint)).allowed);
}

TEST_CASE("policy set: namespaceSelector resolves the Namespace or autorejects", "[policy_set]") {
  const char* constraint = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: prod-only}
spec:
  enforcementAction: dryrun
  match: {namespaceSelector: {matchLabels: {env: production}}}
)";
  Value prod_ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {env: production}}}");

  SECTION("unknown Namespace: autoreject with the constraint's action") {
    auto set = policies(constraint);
    Decision d = set->validate(review(kPod));
    CHECK(d.allowed);
    REQUIRE(d.results.size() == 1);
    CHECK(d.results[0].enforcement_action == "dryrun");
    CHECK(d.results[0].message ==
          "unable to match constraints: error matching the requested object: web :failed to run Match criteria: "
          "namespace selector for namespace-scoped object but missing Namespace");
  }
  SECTION("supplied with the review") {
    auto set = policies(constraint);
    ReviewInput in = review(kPod);
    in.namespace_object = prod_ns;
    Decision d = set->validate(in);
    REQUIRE(d.results.size() == 1);
    CHECK(d.results[0].message == "denied web");
  }
  SECTION("from the review's inventory") {
    auto set = policies(constraint);
    ReviewInput in = review(kPod);
    in.inventory = {yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {env: dev}}}")};
    CHECK(set->validate(in).results.empty());
  }
  SECTION("from Namespaces loaded with the policies") {
    auto set = policies(std::string(constraint) + "\n---\n" + tollgate::value::to_json(prod_ns));
    Decision d = set->validate(review(kPod));
    REQUIRE(d.results.size() == 1);
    CHECK(d.results[0].message == "denied web");
  }
}

TEST_CASE("policy set: Config excludes namespaces from the webhook", "[policy_set]") {
  auto set = policies(R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: all}
---
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  match:
  - processes: [webhook]
    excludedNamespaces: [prod]
)");
  Decision d = set->validate(review(kPod));
  CHECK(d.allowed);
  CHECK(d.code == 200);
  CHECK(d.message == "Namespace is set to be ignored by Gatekeeper config");
  // Not excluded from audit; the Namespace itself is tested by its own name.
  CHECK_FALSE(set->validate(review(kPod, "", kAuditPoint)).allowed);
  Value prod_ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod}}");
  CHECK(set->validate(review(prod_ns)).message == "Namespace is set to be ignored by Gatekeeper config");
}

TEST_CASE("policy set: DELETE reviews the old object and needs one", "[policy_set]") {
  auto set = policies(R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: pods}
spec: {match: {kinds: [{kinds: [Pod]}]}}
)");
  ReviewInput del;
  del.request = yaml("{operation: DELETE, namespace: prod, name: web, kind: {group: '', version: v1, kind: Pod}}");
  del.request = tollgate::value::with_entry(del.request, "oldObject", kPod);
  Decision d = set->validate(del);
  CHECK_FALSE(d.allowed);
  CHECK(d.message == "[pods] denied web");

  ReviewInput missing;
  missing.request = yaml("{operation: DELETE, namespace: prod, name: web, oldObject: null}");
  Decision err = set->validate(missing);
  CHECK_FALSE(err.allowed);
  CHECK(err.code == 500);
  CHECK(err.message == "oldObject cannot be nil for DELETE operations");
}

TEST_CASE("policy set: unsupported templates are never evaluated", "[policy_set]") {
  LoadOptions verify;
  verify.allow_unsupported_templates = true;
  verify.engine = EnginePreference::Cel;
  LoadResult r = PolicySet::from_objects(
      {yaml(R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srego}
spec:
  crd: {spec: {names: {kind: K8sRego}}}
  targets: [{target: admission.k8s.gatekeeper.sh, rego: "package x\nviolation[{\"msg\": \"m\"}] { true }"}]
)"),
       yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: K8sRego, metadata: {name: c}}")},
      verify);
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  CHECK(r.policies->validate(review(kPod)).results.empty());
  CHECK_FALSE(r.policies->template_supported("K8sRego"));
  CHECK_FALSE(r.policies->template_supported("K8sUnknown"));
}

TEST_CASE("policy set: a Rego template's violations carry their message and details", "[policy_set]") {
  LoadResult r = PolicySet::from_objects(
      {yaml(R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srego}
spec:
  crd: {spec: {names: {kind: K8sRego}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8srego
      violation[{"msg": msg, "details": {"name": name}}] {
        name := input.review.object.metadata.name
        not input.review.object.metadata.labels[input.parameters.label]
        msg := sprintf("%v needs label %v", [name, input.parameters.label])
      }
)"),
       yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: K8sRego, metadata: {name: c}, spec: {parameters: {label: team}}}")});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  Decision d = r.policies->validate(review(kPod));
  REQUIRE(d.results.size() == 1);
  CHECK_FALSE(d.allowed);
  CHECK(d.results[0].message == "web needs label team");
  CHECK(d.results[0].details == yaml("{name: web}"));
}

TEST_CASE("policy set: many threads validate against one set", "[policy_set]") {
  auto set = policies("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: K8sDenyAll, metadata: {name: c}}");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        Decision d = set->validate(review(kPod));
        if (d.message != "[c] denied web") wrong++;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("policy set: requiredlabels review takes at most 5 microseconds", "[.perf]") {
  LoadResult r = PolicySet::load({kRequiredLabels + "/template.yaml",
                                  kRequiredLabels + "/samples/all-must-have-owner/constraint.yaml"});
  REQUIRE(r.policies);
  auto time_review = [&](const ReviewInput& in) {
    const int n = 20000;
    for (int i = 0; i < 1000; ++i) r.policies->validate(in);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) r.policies->validate(in);
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  };
  double allowed = time_review(review(yaml("{apiVersion: v1, kind: Namespace, metadata: {name: ns, labels: {owner: me.agilebank.demo}}}")));
  double denied = time_review(review(yaml("{apiVersion: v1, kind: Namespace, metadata: {name: ns}}")));
  double unmatched = time_review(review(kPod));
  WARN("requiredlabels review: allowed " << allowed << " us, denied " << denied << " us, not matched " << unmatched << " us");
  CHECK(allowed <= 5.0);
  CHECK(denied <= 5.0);
}
