#include "policies/model/config.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;

TEST_CASE("config: excludedNamespaces apply to the listed processes", "[config]") {
  std::vector<LoadError> errors;
  ObjectOrigin origin("config.yaml", nullptr);
  ParseContext ctx(origin, errors);
  GatekeeperConfig config;
  REQUIRE(config.add(yaml(R"(
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  match:
  - processes: [webhook]
    excludedNamespaces: ['kube-*']
  - processes: ['*']
    excludedNamespaces: [gatekeeper-system]
)"), ctx));
  CHECK(config.excludes("webhook", "kube-system"));
  CHECK_FALSE(config.excludes("audit", "kube-system"));
  CHECK(config.excludes("audit", "gatekeeper-system"));
  CHECK_FALSE(config.excludes("webhook", "default"));
  CHECK_FALSE(config.excludes("webhook", ""));  // cluster-scoped: only a bare "*" excludes
}

TEST_CASE("config: a bare '*' excludes cluster-scoped objects too", "[config]") {
  std::vector<LoadError> errors;
  ObjectOrigin origin("config.yaml", nullptr);
  ParseContext ctx(origin, errors);
  GatekeeperConfig config;
  REQUIRE(config.add(yaml("{metadata: {name: config}, spec: {match: [{processes: [audit], excludedNamespaces: ['*']}]}}"), ctx));
  CHECK(config.excludes("audit", ""));
  CHECK_FALSE(config.excludes("webhook", ""));
}

TEST_CASE("config: the name must be 'config'", "[config]") {
  std::vector<LoadError> errors;
  ObjectOrigin origin("config.yaml", nullptr);
  ParseContext ctx(origin, errors);
  GatekeeperConfig config;
  CHECK_FALSE(config.add(yaml("{metadata: {name: other}, spec: {}}"), ctx));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "config resource must have name 'config'");
}

TEST_CASE("config: processes map from enforcement points", "[config]") {
  CHECK(config_process_for(kValidationPoint) == "webhook");
  CHECK(config_process_for(kAuditPoint) == "audit");
  CHECK(config_process_for(kGatorPoint).empty());
}
