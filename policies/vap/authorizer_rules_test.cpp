// `tollgate review --authorizer-rules`: allow rules answering the
// `authorizer` checks of admission policies.
#include "policies/vap/authorizer_rules.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

namespace tollgate::policies::vap {
namespace {

using testing::yaml;

cel::AuthorizationDecision ask(const cel::Authorizer& a, const cel::AuthorizationUser& user, std::string verb,
                               std::string group, std::string resource, std::string subresource = "",
                               std::string ns = "", std::string name = "") {
  cel::AuthorizationAttributes q;
  q.user = &user;
  q.verb = std::move(verb);
  q.resource_request = true;
  q.api_group = std::move(group);
  q.resource = std::move(resource);
  q.subresource = std::move(subresource);
  q.namespace_name = std::move(ns);
  q.name = std::move(name);
  return a.authorize(q);
}

bool allowed(const cel::AuthorizationDecision& d) { return d.kind == cel::AuthorizationDecision::Kind::Allow; }

TEST_CASE("Authorizer rules allow what a rule grants and have no opinion on the rest", "[vap]") {
  std::string error;
  auto a = authorizer_from_rules(yaml(R"([
    {users: [alice], verbs: [create, update], apiGroups: [apps], resources: [deployments, deployments/scale],
     namespaces: [team-a]},
    {groups: [ops], verbs: ['*'], apiGroups: ['*'], resources: ['*']},
    {groups: [system:authenticated], verbs: [get], nonResourceURLs: [/healthz, /metrics/*]}])"),
                                 &error);
  REQUIRE(a);
  cel::AuthorizationUser alice{"alice", "", {"system:authenticated"}, {}};
  cel::AuthorizationUser bob{"bob", "", {"ops"}, {}};
  CHECK(allowed(ask(*a, alice, "create", "apps", "deployments", "", "team-a")));
  CHECK(ask(*a, alice, "create", "apps", "deployments", "", "team-a").reason == "allowed by authorizer rule 0");
  CHECK(allowed(ask(*a, alice, "update", "apps", "deployments", "scale", "team-a")));
  CHECK_FALSE(allowed(ask(*a, alice, "update", "apps", "deployments", "status", "team-a")));
  CHECK_FALSE(allowed(ask(*a, alice, "delete", "apps", "deployments", "", "team-a")));
  cel::AuthorizationDecision other_ns = ask(*a, alice, "create", "apps", "deployments", "", "team-b");
  CHECK(other_ns.kind == cel::AuthorizationDecision::Kind::NoOpinion);
  CHECK(other_ns.reason.empty());
  CHECK(allowed(ask(*a, bob, "delete", "", "secrets", "", "kube-system", "x")));

  cel::AuthorizationAttributes path;
  path.user = &alice;
  path.verb = "get";
  path.path = "/metrics/cadvisor";
  CHECK(allowed(a->authorize(path)));
  path.path = "/logs";
  CHECK_FALSE(allowed(a->authorize(path)));
}

TEST_CASE("Malformed authorizer rules are refused with the rule's index", "[vap]") {
  std::string error;
  CHECK_FALSE(authorizer_from_rules(yaml("[{verbs: [get]}, {verbs: get}]"), &error));
  CHECK(error == "authorizer rule 1: verbs must be a list of strings");
  CHECK_FALSE(authorizer_from_rules(yaml("[{users: [a], verb: [get]}]"), &error));
  CHECK(error == "authorizer rule 0: unknown field verb");
  CHECK_FALSE(authorizer_from_rules(yaml("[{users: [a]}]"), &error));
  CHECK(error == "authorizer rule 0: verbs is required");
}

}  // namespace
}  // namespace tollgate::policies::vap
