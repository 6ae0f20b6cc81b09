#include "policies/match/match_criteria.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

MatchCriteria criteria(std::string_view text) {
  Value v = yaml(text);
  std::vector<LoadError> errors;
  ObjectOrigin origin("test.yaml", nullptr);
  ParseContext ctx(origin, errors);
  auto m = MatchCriteria::parse(&v, "/spec/match", ctx);
  INFO(testing::joined_errors(errors));
  REQUIRE(m.has_value());
  return *m;
}

std::vector<LoadError> criteria_errors(std::string_view text) {
  Value v = yaml(text);
  std::vector<LoadError> errors;
  ObjectOrigin origin("test.yaml", nullptr);
  ParseContext ctx(origin, errors);
  auto m = MatchCriteria::parse(&v, "/spec/match", ctx);
  CHECK_FALSE(m.has_value());
  return errors;
}

const Value kPod = yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: prod, labels: {app: web}}
)");
const Value kDeployment = yaml(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
)");
const Value kNamespace = yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {env: production}}
)");
const Value kNode = yaml(R"(
apiVersion: v1
kind: Node
metadata: {name: node-1}
)");
const Value kProdNs = kNamespace;

MatchResult match(const MatchCriteria& m, const Value& object, const Value* ns = nullptr, const Value* old = nullptr,
                  std::string_view source = "Original") {
  MatchTarget t;
  t.object = MatchObject::of(&object);
  t.old_object = MatchObject::of(old);
  t.namespace_object = ns;
  t.source = source;
  return m.matches(t);
}

bool matches(const MatchCriteria& m, const Value& object, const Value* ns = nullptr) {
  MatchResult r = match(m, object, ns);
  INFO(r.error);
  REQUIRE_FALSE(r.failed());
  return r.matched();
}

}  // namespace

TEST_CASE("match: absent or empty match selects everything", "[match]") {
  std::vector<LoadError> errors;
  ObjectOrigin origin("test.yaml", nullptr);
  ParseContext ctx(origin, errors);
  auto absent = MatchCriteria::parse(nullptr, "/spec/match", ctx);
  REQUIRE(absent);
  CHECK_FALSE(absent->present());
  CHECK(matches(*absent, kPod));
  MatchTarget nothing;
  CHECK(absent->matches(nothing).matched());
  CHECK(matches(criteria("{}"), kNode));
}

TEST_CASE("match kinds: kind and group both have to fit one entry", "[match]") {
  MatchCriteria pods = criteria("kinds: [{apiGroups: [''], kinds: [Pod]}]");
  CHECK(matches(pods, kPod));
  CHECK_FALSE(matches(pods, kDeployment));

  MatchCriteria apps_any = criteria("kinds: [{apiGroups: [apps]}]");
  CHECK(matches(apps_any, kDeployment));
  CHECK_FALSE(matches(apps_any, kPod));

  MatchCriteria star = criteria("kinds: [{apiGroups: ['*'], kinds: ['*']}]");
  CHECK(matches(star, kDeployment));
  CHECK(matches(star, kPod));

  // Group and kind from different entries do not combine.
  MatchCriteria split = criteria("kinds: [{apiGroups: [apps], kinds: [Pod]}, {apiGroups: [''], kinds: [Deployment]}]");
  CHECK_FALSE(matches(split, kPod));
  CHECK_FALSE(matches(split, kDeployment));
}

TEST_CASE("match scope: Cluster, Namespaced and anything else", "[match]") {
  MatchCriteria cluster = criteria("scope: Cluster");
  CHECK(matches(cluster, kNode));
  CHECK(matches(cluster, kNamespace));  // a Namespace is cluster-scoped
  CHECK_FALSE(matches(cluster, kPod));

  MatchCriteria namespaced = criteria("scope: Namespaced");
  CHECK(matches(namespaced, kPod));
  CHECK_FALSE(matches(namespaced, kNode));
  CHECK_FALSE(matches(namespaced, kNamespace));
  // An object without metadata.namespace but with a supplied Namespace is namespaced.
  Value pod_without_ns = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}}");
  CHECK(matches(namespaced, pod_without_ns, &kProdNs));
  CHECK_FALSE(matches(namespaced, pod_without_ns));

  // Typos and "*" mean all.
  CHECK(matches(criteria("scope: cluster"), kPod));
  CHECK(matches(criteria("scope: '*'"), kNode));
}

TEST_CASE("match namespaces: patterns against the namespace name", "[match]") {
  MatchCriteria m = criteria("namespaces: [prod, 'kube-*']");
  CHECK(matches(m, kPod));
  Value other = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: dev}}");
  CHECK_FALSE(matches(m, other));
  Value kube = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: kube-system}}");
  CHECK(matches(m, kube));
  // A Namespace is tested by its own name; cluster-scoped objects always pass.
  CHECK(matches(m, kNamespace));
  CHECK(matches(m, kNode));
  // The supplied Namespace object's name wins over metadata.namespace.
  Value dev_ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: dev}}");
  CHECK_FALSE(matches(m, kPod, &dev_ns));
}

TEST_CASE("match excludedNamespaces: no pattern may match", "[match]") {
  MatchCriteria m = criteria("excludedNamespaces: ['*-system', prod]");
  CHECK_FALSE(matches(m, kPod));
  CHECK_FALSE(matches(m, kNamespace));
  Value dev = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: dev}}");
  CHECK(matches(m, dev));
  Value gk = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: gatekeeper-system}}");
  CHECK_FALSE(matches(m, gk));
  CHECK(matches(m, kNode));
}

TEST_CASE("match labelSelector: on the object's labels", "[match]") {
  MatchCriteria m = criteria("labelSelector: {matchLabels: {app: web}}");
  CHECK(matches(m, kPod));
  CHECK_FALSE(matches(m, kDeployment));
}

TEST_CASE("match namespaceSelector: Namespace labels, own labels, cluster-scoped, unknown", "[match]") {
  MatchCriteria m = criteria("namespaceSelector: {matchLabels: {env: production}}");
  CHECK(matches(m, kNamespace));  // its own labels
  CHECK(matches(m, kNode));       // cluster-scoped non-Namespace
  CHECK(matches(m, kPod, &kProdNs));
  Value dev_ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {env: dev}}}");
  CHECK_FALSE(matches(m, kPod, &dev_ns));

  MatchResult unknown = match(m, kPod);
  REQUIRE(unknown.failed());
  // A mutator's match error says what failed; the constraint framework also names the object.
  CHECK(unknown.error ==
        "failed to run Match criteria: namespace selector for namespace-scoped object but missing Namespace");
  CHECK(unknown.constraint_error() ==
        "error matching the requested object: web-1 :failed to run Match criteria: namespace selector for "
        "namespace-scoped object but missing Namespace");
}

TEST_CASE("match name: glob on metadata.name, or on generateName for prefix and contains", "[match]") {
  CHECK(matches(criteria("name: web-1"), kPod));
  CHECK(matches(criteria("name: 'web-*'"), kPod));
  CHECK_FALSE(matches(criteria("name: 'api-*'"), kPod));

  Value generated = yaml("{apiVersion: v1, kind: Pod, metadata: {generateName: web-, namespace: prod}}");
  CHECK(matches(criteria("name: 'web-*'"), generated));
  CHECK(matches(criteria("name: '*eb*'"), generated));
  CHECK_FALSE(matches(criteria("name: '*-abc'"), generated));
  CHECK_FALSE(matches(criteria("name: web-"), generated));
}

TEST_CASE("match source: All by default, otherwise equal to the review's source", "[match]") {
  CHECK(matches(criteria("source: All"), kPod));
  MatchCriteria generated = criteria("source: Generated");
  CHECK_FALSE(match(generated, kPod).matched());
  CHECK(match(generated, kPod, nullptr, nullptr, "Generated").matched());
  MatchResult no_source = match(generated, kPod, nullptr, nullptr, "");
  CHECK(no_source.failed());
  CHECK(match(criteria("{}"), kPod, nullptr, nullptr, "").matched());
}

TEST_CASE("match on UPDATE: the object or the old object may match", "[match]") {
  MatchCriteria m = criteria("labelSelector: {matchLabels: {app: web}}");
  Value relabelled = yaml("{apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: prod, labels: {app: api}}}");
  CHECK(match(m, relabelled, nullptr, &kPod).matched());
  CHECK(match(m, kPod, nullptr, &relabelled).matched());
  CHECK_FALSE(match(m, relabelled, nullptr, &relabelled).matched());
}

TEST_CASE("match with neither object nor old object is an error", "[match]") {
  MatchCriteria m = criteria("kinds: [{kinds: [Pod]}]");
  MatchTarget t;
  MatchResult r = m.matches(t);
  REQUIRE(r.failed());
  CHECK(r.error == "invalid request object: neither object nor old object are defined");
}

TEST_CASE("match: criteria are AND-ed", "[match]") {
  MatchCriteria m = criteria(R"(
kinds: [{apiGroups: [''], kinds: [Pod]}]
namespaces: [prod]
labelSelector: {matchLabels: {app: web}}
name: 'web-*'
)");
  CHECK(matches(m, kPod));
  Value api = yaml("{apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: prod, labels: {app: web}}}");
  CHECK_FALSE(matches(m, api));
}

TEST_CASE("match: invalid criteria are load errors naming the field", "[match]") {
  auto errors = criteria_errors("namespaces: [Prod]");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].message, Catch::Contains("namespaces entry \"Prod\""));
  CHECK_THAT(criteria_errors("source: Everything")[0].message, Catch::Contains("source \"Everything\""));
  CHECK_THAT(criteria_errors("labelSelector: {matchExpressions: [{key: a, operator: Bad}]}")[0].message,
             Catch::Contains("invalid labelSelector"));
  CHECK_THAT(criteria_errors("kinds: Pod")[0].message, Catch::Contains("kinds must be a list"));
}
