#include "policies/vap/match.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;

class NoNamespaces final : public NamespaceLookup {
 public:
  const value::Value* find_namespace(std::string_view) const override { return nullptr; }
};

MatchResources criteria(std::string_view text) {
  FieldErrors errors;
  MatchResources m = parse_match_resources(yaml(text), "m", "", false, errors);
  REQUIRE(errors.entries.empty());
  return m;
}

RequestAttributes request(std::string_view text) { return RequestAttributes::from_request(yaml(text)); }

TEST_CASE("A resource rule names subresources explicitly", "[vap]") {
  NoNamespaces ns;
  RequestAttributes exec = request(R"({operation: CONNECT, kind: {group: "", version: v1, kind: PodExecOptions},
    resource: {group: "", version: v1, resource: pods}, subResource: exec, namespace: default, name: p1})");
  auto rule = [](std::string_view resources) {
    return "{resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: " +
           std::string(resources) + "}]}";
  };
  CHECK_FALSE(match_resources(exec, criteria(rule("[pods]")), ns).matched);
  CHECK(match_resources(exec, criteria(rule("['pods/*']")), ns).matched);
  CHECK_FALSE(match_resources(exec, criteria(rule("['*']")), ns).matched);
  CHECK(match_resources(exec, criteria(rule("['*/exec']")), ns).matched);
}

TEST_CASE("Namespaced scope never matches a Namespace object", "[vap]") {
  NoNamespaces ns;
  RequestAttributes r = request(R"({operation: UPDATE, kind: {group: "", version: v1, kind: Namespace},
    resource: {group: "", version: v1, resource: namespaces}, namespace: n1, name: n1})");
  std::string base = "{resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [namespaces], scope: ";
  CHECK_FALSE(match_resources(r, criteria(base + "Namespaced}]}"), ns).matched);
  CHECK(match_resources(r, criteria(base + "Cluster}]}"), ns).matched);
}

TEST_CASE("An excluded resource name wins over the rule that includes it", "[vap]") {
  NoNamespaces ns;
  MatchResources m = criteria(R"({resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods]}],
    excludeResourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods], resourceNames: [p1]}]})");
  std::string req = R"({operation: CREATE, kind: {group: "", version: v1, kind: Pod}, resource: {group: "", version: v1, resource: pods}, namespace: default, name: )";
  CHECK_FALSE(match_resources(request(req + "p1}"), m, ns).matched);
  CHECK(match_resources(request(req + "p2}"), m, ns).matched);
}

TEST_CASE("Equivalent matching reports the kind the rule names", "[vap]") {
  NoNamespaces ns;
  RequestAttributes r = request(R"({operation: CREATE, kind: {group: extensions, version: v1beta1, kind: Deployment},
    resource: {group: extensions, version: v1beta1, resource: deployments}, namespace: default, name: d})");
  MatchResources m = criteria("{resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: ['*'], resources: [deployments]}]}");
  MatchOutcome out = match_resources(r, m, ns);
  REQUIRE(out.matched);
  CHECK(out.matched_kind.group == "apps");
  CHECK(out.matched_kind.version == "v1");
  m.match_policy = "Exact";
  CHECK_FALSE(match_resources(r, m, ns).matched);
}

TEST_CASE("A namespace selector on an unknown namespace fails only a request the rules match", "[vap]") {
  NoNamespaces ns;
  MatchResources m = criteria(R"({namespaceSelector: {matchLabels: {env: prod}},
    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods]}]})");
  std::string base = R"({operation: CREATE, kind: {group: "", version: v1, kind: X}, namespace: nowhere, name: x, resource: {group: "", version: v1, resource: )";
  MatchOutcome pods = match_resources(request(base + "pods}}"), m, ns);
  CHECK_FALSE(pods.matched);
  CHECK(pods.error == "namespaces \"nowhere\" not found");
  CHECK(match_resources(request(base + "secrets}}"), m, ns).error.empty());
}

}  // namespace
}  // namespace tollgate::policies::vap
